"""A door volunteer scans a badge with the phone camera (Chromium's fake camera playing a video of
the badge's QR code): welcome, then already checked in, then a scan with the network cut is
decided on the phone, queued, and synced when the network is back."""

import pytest
import qrcode
from PIL import Image

from checkin.models import Checkpoint, Entry, Scan
from checkin.services import badge_code_for, checkpoints_ensure, door_staff_assign
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 640, 480


def write_y4m(path, text, frames=10):
    """A short raw video (YUV 4:2:0) showing the QR code of `text`, for Chromium's fake camera."""
    qr = qrcode.QRCode(box_size=10, border=4)
    qr.add_data(text)
    image = qr.make_image().get_image().convert("L")
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    image.thumbnail((HEIGHT - 20, HEIGHT - 20), Image.Resampling.NEAREST)
    frame.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def camera_browser(playwright_instance, tmp_path, request):
    """A Chromium of its own whose camera plays the video in `request.param`'s file."""
    video = tmp_path / "badge.y4m"
    holder = {"video": video}

    def launch():
        return playwright_instance.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )

    holder["launch"] = launch
    yield holder
    if "browser" in holder:
        holder["browser"].close()


def test_scanner_camera_ok_then_already_in_then_offline_queue_synced(
    live_server, camera_browser, screenshot
):
    conference = ConferenceFactory(slug="door-test")
    person = RegistrationFactory(
        conference=conference, name="Åsa Öberg", organisation="Region Skåne"
    )
    code = badge_code_for(person).code
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    door = UserFactory(username="volunteer", is_staff=False)
    door_staff_assign(conference=conference, user=door)
    write_y4m(camera_browser["video"], code)
    browser = camera_browser["browser"] = camera_browser["launch"]()
    context = browser.new_context(viewport=PHONE, permissions=["camera"], locale="en-GB")
    page = context.new_page()

    page.goto(f"{live_server.url}/door/login/")
    page.fill("#id_username", "volunteer")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.click(f"a[href='/door/{entrance.pk}/scan/']")

    verdict = page.locator("#verdict")
    verdict.and_(page.locator("[data-verdict=ok]")).wait_for(state="visible", timeout=20000)
    assert "Åsa Öberg" in verdict.inner_text()
    # The page is Swedish and so is the server's verdict, though the browser asks for English.
    assert "Välkommen" in verdict.inner_text()
    assert "Welcome" not in verdict.inner_text()
    screenshot(page, "checkin-scanner-ok")
    page.locator("#verdict[data-verdict=already_checked_in]").wait_for(
        state="visible", timeout=20000
    )
    assert "Redan incheckad" in verdict.inner_text()
    screenshot(page, "checkin-scanner-already")
    assert Entry.objects.filter(registration=person, checkpoint=entrance).count() == 1
    online_scans = Scan.objects.count()

    context.set_offline(True)
    page.locator("#queue:not([data-count='0'])").wait_for(timeout=30000)
    assert page.locator("#net").get_attribute("data-state") == "offline"
    assert page.locator("#verdict[data-verdict=already_checked_in]").count() == 1
    screenshot(page, "checkin-scanner-offline")
    assert Scan.objects.count() == online_scans

    context.set_offline(False)
    page.locator("#queue[data-count='0']").wait_for(timeout=30000)

    assert Scan.objects.filter(offline=True).count() >= 1
    assert (
        Scan.objects.filter(offline=True, is_duplicate=True).count()
        == Scan.objects.filter(offline=True).count()
    )
    assert Entry.objects.filter(registration=person).count() == 1
    assert page.locator("body").get_attribute("data-decoder") in ("zxing", "barcodedetector")
