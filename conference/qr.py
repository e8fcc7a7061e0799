"""QR codes drawn as vector rectangles straight into a WeasyPrint PDF.

WeasyPrint decodes and re-encodes every embedded image (several ms per QR code) and draws SVG
more slowly still; a handful of PDF rectangle operators per module row cost about 0.1 ms and print
sharp at any size. The matrix comes from `qrcode` with a fixed mask: the automatic mask search
costs about 3 ms per code and makes no difference to a phone camera.
"""

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4
MASK = 4
PX = 0.75  # PDF points per CSS pixel


def qr_modules(text: str, *, version: int | None = None) -> list[list[bool]]:
    """The QR matrix of `text`, level M, fixed mask; the smallest version unless one is given."""
    code = qrcode.QRCode(
        version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK
    )
    code.add_data(text)
    code.make(fit=version is None)
    return code.modules


def qr_pdf_ops(modules, left_pt, top_pt, size_pt, page_height_pt) -> list[str]:
    """PDF path operators that fill the dark modules, one rectangle per horizontal run, in a
    square of `size_pt` (quiet zone included) whose top-left corner is `top_pt` below the top
    of the page and `left_pt` from its left edge."""
    count = len(modules) + 2 * QUIET_ZONE
    step = size_pt / count
    top = page_height_pt - top_pt
    ops = []
    for y, row in enumerate(modules):
        x = 0
        width = len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                ops.append(
                    f"{left_pt + (start + QUIET_ZONE) * step:.3f} "
                    f"{top - (y + QUIET_ZONE + 1) * step:.3f} "
                    f"{(x - start) * step:.3f} {step:.3f} re"
                )
            else:
                x += 1
    ops.append("f")
    return ops


def pdf_page_streams_append(pdf, ops_by_page: dict[int, list[str]]) -> None:
    """Append drawing operators to pages of a pydyf PDF (in a WeasyPrint finisher), wrapping
    the page's own content in q/Q so our coordinates start from the page's default state."""
    import pydyf

    for index, number in enumerate(pdf.pages["Kids"][::3]):
        ops = ops_by_page.get(index)
        if not ops:
            continue
        page = pdf.objects[number]
        before = pydyf.Stream([b"q"])
        after = pydyf.Stream(
            [" ".join(["Q", "q", "0 g", *ops, "Q"]).encode("ascii")], compress=True
        )
        pdf.add_object(before)
        pdf.add_object(after)
        page["Contents"] = pydyf.Array([before.reference, page["Contents"], after.reference])
