"""The programme and the registration button embedded on another website through embed.js:
the frame takes its content's height, the keyboard moves into and out of it, axe-core finds no
violation inside, and a website the organiser did not list is refused by the browser."""

import functools
import threading
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.browser.conftest import DESKTOP, wait_until
from tests.browser.test_pages_fit_a_phone import AXE_OPTIONS, csp_reports
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, TrackFactory

pytestmark = pytest.mark.django_db(transaction=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def host_site(tmp_path):
    """host_site(html) serves `html` as index.html from another origin: http://127.0.0.1:<port>."""
    servers = []

    def serve(html):
        folder = tmp_path / f"site{len(servers)}"
        folder.mkdir()
        (folder / "index.html").write_text(html, encoding="utf-8")
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def host_page(samla):
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A partner's website</title></head>
<body><main><h1>Our conference</h1>
<p><a id="before" href="#before">Before the programme</a></p>
<div data-samla-embed="{samla}/en/lk/embed/programme/" data-samla-title="Programme"></div>
<div data-samla-embed="{samla}/en/lk/embed/register/" data-samla-title="Registration"></div>
<p><a id="after" href="#after">After the programme</a></p>
</main>
<script src="{samla}/static/conference/embed.js"></script>
</body></html>"""


def build(origin):
    start = timezone.now() + timedelta(days=30)
    conference = ConferenceFactory(
        slug="lk",
        start=start,
        end=start + timedelta(days=1),
        registration_closes=(start - timedelta(days=3)).date(),
        capacity=120,
        embed_origins=origin,
    )
    rooms = [RoomFactory(conference=conference, name=f"Sal {i}") for i in range(2)]
    theme = TrackFactory(conference=conference, name="Partnerskap", colour="#276749")
    for i in range(6):
        SessionFactory(
            conference=conference,
            title=f"Seminarium om samverkan {i}",
            room=rooms[i % 2],
            track=theme,
            start=start + timedelta(hours=i // 2),
            end=start + timedelta(hours=i // 2, minutes=45),
        )
    return conference


def frame_heights(page, index):
    frame_element = page.locator("iframe").nth(index)
    frame = frame_element.element_handle().content_frame()
    inner = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    outer = frame_element.evaluate("e => e.getBoundingClientRect().height")
    return inner, outer


def test_embedded_programme_and_button_on_a_listed_website(
    live_server, page_at, host_site, screenshot
):
    samla = live_server.url
    # The port is free only once the server runs, so the origin is listed after.
    origin = host_site(host_page(samla))
    build(origin)
    page = page_at(DESKTOP)
    reports = csp_reports(page)

    page.goto(origin + "/")
    page.wait_for_function(
        "() => document.querySelectorAll('iframe').length === 2"
        " && [...document.querySelectorAll('iframe')].every(f => f.style.height !== '600px')"
    )
    page.wait_for_timeout(300)
    screenshot(page, "embed-on-another-website")

    programme = page.frame_locator("iframe").first
    assert programme.locator("h1").inner_text().startswith("Programme")
    assert programme.locator(".slot").count() == 6
    button = page.frame_locator("iframe").nth(1).locator("a.button")
    assert " ".join(button.text_content().split()) == "Register (opens in a new tab)"
    assert button.get_attribute("target") == "_blank"
    for index in (0, 1):
        inner, outer = frame_heights(page, index)
        assert abs(inner - outer) <= 1, (index, inner, outer)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    for index in (0, 1):
        frame = page.locator("iframe").nth(index).element_handle().content_frame()
        found = Axe().run(frame, options=AXE_OPTIONS).response["violations"]
        assert [v["id"] for v in found] == []
    assert reports == []

    # Keyboard: from the link before, Tab enters the programme, goes on through the button's
    # frame and comes out at the link after.
    page.focus("#before")
    visited = []
    for _ in range(80):
        page.keyboard.press("Tab")
        # Crossing between the host page and a frame's document, focus rests on the body for a
        # moment; on a busy machine that moment is long enough to sample, so wait it out.
        where = page.wait_for_function(
            "() => document.activeElement !== document.body && (document.activeElement.tagName"
            " === 'IFRAME' ? 'frame:' + document.activeElement.title"
            " : document.activeElement.id || document.activeElement.tagName)",
            timeout=5000,
        ).json_value()
        if not visited or visited[-1] != where:
            visited.append(where)
        if where == "after":
            break
    assert visited == ["frame:Programme", "frame:Registration", "after"]


def test_a_website_not_listed_is_refused(live_server, page_at, host_site):
    samla = live_server.url
    build("https://www.example.org")
    origin = host_site(host_page(samla))
    page = page_at(DESKTOP)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)

    page.goto(origin + "/")
    page.wait_for_function("() => document.querySelectorAll('iframe').length === 2")
    wait_until(page, lambda: len(refused) >= 2)

    assert len(refused) == 2
    assert all("https://www.example.org" in text for text in refused)
    heights = [page.locator("iframe").nth(i).evaluate("e => e.style.height") for i in (0, 1)]
    assert heights == ["600px", "600px"]
