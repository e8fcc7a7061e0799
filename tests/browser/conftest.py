"""Playwright driving Debian's Chromium against pytest-django's live server.

Screenshots go to test-artifacts/screenshots/ (git-ignored)."""

import os
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page_at(browser):
    """page_at(PHONE) opens a fresh page with that viewport; closed after the test."""
    contexts = []

    def open_page(viewport, **kwargs):
        context = browser.new_context(viewport=viewport, **kwargs)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        close_quietly(context)


def wait_until(page, condition, timeout=10.0):
    """Let the page run (and Playwright deliver its events) until `condition()` holds, or the
    time is up; the caller's assertions then say what is missing."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        page.wait_for_timeout(50)


class InFlight:
    """The requests the live server is still answering. A page's last requests (a service worker
    filling its cache, a scanner syncing when closing lifts the offline emulation) may outlive
    the test; one in a transaction then races the database flush that ends the test, which
    deadlocks on PostgreSQL and leaves the next test the old rows. Only the server's threads
    count: the test client answers in the test's own thread, and one of its requests that raises
    never finishes."""

    def __init__(self):
        self.threads = {}
        self.lock = threading.Lock()
        request_started.connect(self.started, weak=False)
        request_finished.connect(self.finished, weak=False)

    def started(self, **kwargs):
        thread = threading.current_thread()
        if thread is not threading.main_thread():
            with self.lock:
                self.threads[thread.ident] = thread

    def finished(self, **kwargs):
        with self.lock:
            self.threads.pop(threading.get_ident(), None)

    def busy(self):
        with self.lock:
            return any(thread.is_alive() for thread in self.threads.values())

    def wait_idle(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while self.busy() and time.monotonic() < deadline:
            time.sleep(0.02)


in_flight = InFlight()


def close_quietly(context):
    """Close a browser context so that nothing it started still runs on the server: later
    requests are refused in the browser, earlier ones are waited for."""
    from playwright.sync_api import Error

    try:
        context.route("**/*", lambda route: route.abort())
        context.close()
    except Error:
        pass  # the test closed it already
    in_flight.wait_idle()


@pytest.fixture
def page_as(page_at, client, live_server):
    """page_as(user, PHONE): a fresh page already logged in as `user` (Django's session)."""

    def open_page(user, viewport, **kwargs):
        client.force_login(user)
        page = page_at(viewport, **kwargs)
        session = client.cookies["sessionid"].value
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        return page

    return open_page


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
