"""The door scanner as an offline app in a real Chromium: a reload and a browser restart without a
network open the scanner again with its list and queue (service worker + IndexedDB), the queue
syncs exactly once when the network is back, and a new version of the scanner reaches a phone
that has the old one."""

import pytest

from checkin import views as checkin_views
from checkin.models import Checkpoint, Entry, Scan
from checkin.services import badge_code_for, checkpoints_ensure, door_staff_assign, scan_submit
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, close_quietly
from tests.factories import ConferenceFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "0123456789abcdef"


@pytest.fixture
def door(live_server):
    conference = ConferenceFactory(slug="offline-door")
    karin = RegistrationFactory(conference=conference, name="Karin Ödegaard", organisation="Lund")
    olle = RegistrationFactory(conference=conference, name="Olle Ek", organisation="Ystad")
    karin_badge, olle_badge = badge_code_for(karin), badge_code_for(olle)
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    # Olle came in this morning, before the network went.
    import uuid

    scan_submit(checkpoint=entrance, scan_id=uuid.uuid4(), code=olle_badge.code)
    volunteer = UserFactory(username="volunteer", is_staff=False)
    door_staff_assign(conference=conference, user=volunteer)
    return {
        "entrance": entrance,
        "karin": karin,
        "olle": olle,
        "karin_code": karin_badge.code,
        "olle_short": olle_badge.short_code,
        "scanner": f"{live_server.url}/door/{entrance.pk}/scan/",
    }


def _launch(playwright_instance, profile, **kwargs):
    # Camera off: these tests type codes, as a USB scanner does.
    return playwright_instance.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport=PHONE,
        locale="sv-SE",
        **kwargs,
    )


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/door/login/")
    page.fill("#id_username", "volunteer")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/door/")


def _ready(page, people=2):
    page.locator("body[data-ready='1']").wait_for(state="attached", timeout=20000)
    page.locator(f"#list-info[data-count='{people}']").wait_for(state="attached", timeout=20000)


def _controlled(page):
    # A function, not a bare expression: Playwright evaluates a bare expression again on every
    # poll, and the scanner's CSP (no 'unsafe-eval') refuses all but the first evaluation.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
    # The worker keeps the open page once it is active; wait until it has.
    page.wait_for_function(
        """async () => {
            const names = await caches.keys();
            const pages = names.find((name) => name.startsWith("samla-door-pages-"));
            return pages && (await (await caches.open(pages)).match(location.href)) !== undefined;
        }""",
        timeout=30000,
    )


def _type_code(page, code, verdict):
    page.fill("#code", code)
    page.press("#code", "Enter")
    page.locator(f"#verdict[data-verdict={verdict}]").wait_for(state="visible", timeout=10000)
    text = page.locator("#verdict").inner_text()
    page.click("#verdict-close")
    return text


def test_scanner_offline_survives_reload_and_restart_then_syncs_once(
    playwright_instance, live_server, door, tmp_path, screenshot
):
    profile = tmp_path / "phone"
    context = _launch(playwright_instance, profile)
    # Playwright lifts the offline emulation for a moment while it navigates away or closes a
    # context, and the scanner rightly syncs when it sees a network: keep the sync endpoint
    # unreachable until the test brings the phone back online.
    context.route("**/sync/", lambda route: route.abort("internetdisconnected"))
    page = context.pages[0] if context.pages else context.new_page()
    _log_in(page, live_server)
    page.goto(door["scanner"])
    _ready(page)
    _controlled(page)

    context.set_offline(True)
    page.reload()
    _ready(page)
    assert page.locator("#net").get_attribute("data-state") == "offline"
    ok = _type_code(page, door["karin_code"], "ok")
    # Olle's short code, typed in lower case with the dash: decided on the phone by its hash.
    short = door["olle_short"]
    already = _type_code(page, f"{short[:4]}-{short[4:]}".lower(), "already_checked_in")
    page.locator("#queue[data-count='2']").wait_for(state="attached")
    queued = page.evaluate("window.samlaScanner.queue().map((item) => item.scan_id)")
    page.fill("#search", "odeg")
    page.locator("#search-results li[data-verdict=already_checked_in]").wait_for()
    results = page.locator("#search-results").inner_text()
    check_in_buttons = page.locator("#search-results button").count()
    screenshot(page, "door-offline-reloaded")
    close_quietly(context)

    context = _launch(playwright_instance, profile)
    context.route("**/sync/", lambda route: route.abort("internetdisconnected"))
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(door["scanner"])
    _ready(page)
    queue_after_restart = page.locator("#queue").get_attribute("data-count")
    net_after_restart = page.locator("#net").get_attribute("data-state")
    screenshot(page, "door-offline-restarted")
    scans_while_offline = Scan.objects.filter(offline=True).count()
    context.unroute("**/sync/")
    context.set_offline(False)
    page.locator("#queue[data-count='0']").wait_for(state="attached", timeout=30000)
    close_quietly(context)

    assert ("Välkommen" in ok, "Karin Ödegaard" in ok) == (True, True)
    assert ("Redan incheckad" in already, "Olle Ek" in already) == (True, True)
    assert "Karin Ödegaard" in results
    assert "Incheckad kl." in results
    assert check_in_buttons == 0
    assert (queue_after_restart, net_after_restart) == ("2", "offline")
    assert scans_while_offline == 0
    stored = list(Scan.objects.filter(offline=True).values_list("scan_id", flat=True))
    assert sorted(str(scan_id) for scan_id in stored) == sorted(queued)
    assert Entry.objects.filter(registration=door["karin"]).count() == 1
    assert Entry.objects.filter(registration=door["olle"]).count() == 1
    assert Scan.objects.get(registration=door["karin"], offline=True).verdict == "ok"
    assert Scan.objects.get(registration=door["olle"], offline=True).verdict == (
        "already_checked_in"
    )


def test_new_scanner_version_reaches_the_phone(
    playwright_instance, live_server, door, tmp_path, monkeypatch
):
    context = _launch(playwright_instance, tmp_path / "phone")
    page = context.pages[0] if context.pages else context.new_page()
    _log_in(page, live_server)
    page.goto(door["scanner"])
    _ready(page)
    _controlled(page)
    old = page.locator("body").get_attribute("data-scanner-version")

    # A deployment with a changed scanner file: the version (a hash of the files) changes.
    monkeypatch.setattr(checkin_views, "scanner_version", lambda: NEW)
    page.reload()
    page.wait_for_function(
        """(version) => caches.keys().then((names) => {
            const static_ = names.filter((name) => name.startsWith("samla-door-static-"));
            return static_.length === 1 && static_[0] === "samla-door-static-" + version;
        })""",
        arg=NEW,
        timeout=30000,
    )
    # The new worker takes over the open page by itself: no cache clearing, no new tab.
    page.wait_for_function(
        """(version) => new Promise((resolve) => {
            const worker = navigator.serviceWorker.controller;
            if (!worker) return resolve(false);
            navigator.serviceWorker.addEventListener(
                "message", (event) => resolve(event.data.version === version), { once: true });
            worker.postMessage("version");
            setTimeout(() => resolve(false), 1000);
        })""",
        arg=NEW,
        timeout=30000,
    )
    page.locator("#update").wait_for(state="visible", timeout=10000)
    update_text = page.locator("#update").inner_text()
    context.set_offline(True)
    page.reload()
    _ready(page)
    offline_version = page.locator("body").get_attribute("data-scanner-version")
    close_quietly(context)

    assert old != NEW
    assert update_text.startswith("En ny version av skannern är klar.")
    assert offline_version == NEW


def test_queue_in_local_storage_moves_to_indexeddb_once_and_syncs(page_as, live_server, door):
    volunteer = door["entrance"].conference.door_assignments.get().user
    page = page_as(volunteer, PHONE, locale="sv-SE")
    page.route("**/sync/", lambda route: route.abort("internetdisconnected"))
    page.goto(f"{live_server.url}/door/")
    scan_id = "7d4b3f0e-7d1c-4c36-9a4c-0f5e7b8a9c01"
    page.evaluate(
        """([checkpoint, scanId, code]) => localStorage.setItem(
            "samla-door-queue-" + checkpoint,
            JSON.stringify([{scan_id: scanId, scanned_at: new Date().toISOString(), code: code,
                             verdict: "ok"}]))""",
        [door["entrance"].pk, scan_id, door["karin_code"]],
    )

    page.goto(door["scanner"])
    _ready(page)
    page.locator("#queue[data-count='1']").wait_for(state="attached")
    left_in_local_storage = page.evaluate(
        f"localStorage.getItem('samla-door-queue-{door['entrance'].pk}')"
    )
    page.reload()
    _ready(page)
    queue_after_reload = page.locator("#queue").get_attribute("data-count")
    page.unroute("**/sync/")
    page.locator("#queue[data-count='0']").wait_for(state="attached", timeout=30000)

    assert left_in_local_storage is None
    assert queue_after_reload == "1"
    assert [
        str(s) for s in Scan.objects.filter(offline=True).values_list("scan_id", flat=True)
    ] == [scan_id]
    assert Entry.objects.filter(registration=door["karin"]).count() == 1


def test_storage_refused_shows_warning_and_scanner_still_works_online(page_as, door):
    volunteer = door["entrance"].conference.door_assignments.get().user
    page = page_as(volunteer, PHONE, locale="sv-SE")
    page.add_init_script(
        """Object.defineProperty(window, "indexedDB", { get() {
            return { open() { throw new DOMException("refused", "SecurityError"); } };
        } });"""
    )

    page.goto(door["scanner"])
    page.locator("#storage-warning").wait_for(state="visible", timeout=20000)
    warning = page.locator("#storage-warning")
    text, role, problem = (
        warning.inner_text(),
        warning.get_attribute("role"),
        warning.get_attribute("data-problem"),
    )
    verdict = _type_code(page, door["karin_code"], "ok")

    assert text.startswith("Webbläsaren vägrade spara på enheten")
    assert (role, problem) == ("alert", "refused")
    assert "Karin Ödegaard" in verdict
    assert Entry.objects.filter(registration=door["karin"]).count() == 1


def test_door_pages_fit_a_phone_and_pass_axe_with_results_and_warnings(
    page_as, live_server, door, screenshot
):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_pages_fit_a_phone import AXE_OPTIONS, assert_fit

    volunteer = door["entrance"].conference.door_assignments.get().user
    phone = page_as(volunteer, PHONE)
    assert_fit(phone, live_server.url, ["door/", f"door/{door['entrance'].pk}/scan/"], screenshot)

    phone.goto(door["scanner"])
    _ready(phone)
    phone.fill("#search", "ek")
    phone.locator("#search-results li").first.wait_for()
    phone.evaluate(
        """() => {
            document.getElementById("list-age").hidden = false;
            document.getElementById("list-age").textContent = "x";
            document.getElementById("update").hidden = false;
        }"""
    )
    screenshot(phone, "door-scanner-results-warnings")
    violations = Axe().run(phone, options=AXE_OPTIONS).response["violations"]
    width = phone.evaluate("document.documentElement.scrollWidth")

    assert [v["id"] for v in violations] == []
    assert width <= PHONE["width"]


def test_list_older_than_last_registration_change_warns(page_as, door):
    from registration.services import registration_cancel

    volunteer = door["entrance"].conference.door_assignments.get().user
    page = page_as(volunteer, PHONE, locale="sv-SE")
    page.goto(door["scanner"])
    _ready(page)
    fresh = page.locator("#list-age").is_hidden()
    queue_text = page.locator("#queue").inner_text()
    # The list cannot be fetched again (a flaky network), while the conference changes.
    page.route("**/list/", lambda route: route.abort("internetdisconnected"))
    registration_cancel(registration=door["karin"], notify=False)

    page.evaluate("window.samlaScanner.checkStatus()")
    page.locator("#list-age").wait_for(state="visible", timeout=10000)

    assert fresh is True
    assert queue_text == "Inga skanningar väntar på att synkas"
    assert page.locator("#list-age").inner_text() == (
        "Anmälningarna har ändrats sedan listan på den här enheten hämtades. "
        "Gå online för att uppdatera den."
    )
    assert page.locator("#list-info").inner_text().startswith("2 personer på den här enheten")


def test_offline_badge_of_sister_conference_names_it(page_as, door):
    conference = door["entrance"].conference
    organiser = UserFactory(username="organiser")
    conference.organisers.add(organiser)
    sister = ConferenceFactory(slug="sister", name="Lärkonferens 2018")
    sister.organisers.add(organiser)
    badge = badge_code_for(RegistrationFactory(conference=sister))
    volunteer = conference.door_assignments.get().user
    page = page_as(volunteer, PHONE, locale="sv-SE")
    page.goto(door["scanner"])
    _ready(page)

    page.context.set_offline(True)
    text = _type_code(page, badge.short_code.lower(), "other_conference")

    assert "Brickan gäller en annan konferens: Lärkonferens 2018" in text.splitlines()
    assert page.locator("#queue").get_attribute("data-count") == "1"


def test_three_phones_offline_same_badge_sync_one_entry(page_as, door):
    """Three phones at three doors lose the network; each admits Karin from its own IndexedDB
    list; back online, the server keeps the earliest scan as her entry and the others as
    duplicates."""
    volunteer = door["entrance"].conference.door_assignments.get().user
    phones = [page_as(volunteer, PHONE, locale="sv-SE") for _ in range(3)]
    for phone in phones:
        phone.goto(door["scanner"])
        _ready(phone)
    for phone in phones:
        phone.context.set_offline(True)

    local_verdicts = [
        "Välkommen" in _type_code(phone, door["karin_code"], "ok") for phone in phones
    ]
    for phone in phones:
        phone.context.set_offline(False)
    for phone in phones:
        phone.locator("#queue[data-count='0']").wait_for(state="attached", timeout=30000)

    scans = list(Scan.objects.filter(registration=door["karin"]).order_by("scanned_at"))
    assert local_verdicts == [True, True, True]
    assert [(s.offline, s.device_verdict, s.is_duplicate) for s in scans] == [
        (True, "ok", False),
        (True, "ok", True),
        (True, "ok", True),
    ]
    assert len({s.device_id for s in scans}) == 3
    assert Entry.objects.get(registration=door["karin"]).scan == scans[0]


def test_type_code_shows_a_keyboard_and_a_typed_short_code_checks_in(page_as, door):
    volunteer = door["entrance"].conference.door_assignments.get().user
    page = page_as(volunteer, PHONE, locale="sv-SE")
    page.goto(door["scanner"])
    page.locator("body[data-ready='1']").wait_for(state="attached", timeout=20000)
    before = page.get_attribute("#code", "inputmode")

    page.get_by_role("button", name="Skriv kod").click()
    after = page.get_attribute("#code", "inputmode")
    pressed = page.get_attribute("#type-code", "aria-pressed")
    focused = page.evaluate("() => document.activeElement.id")
    karin_short = door["karin"].badge_codes.get(revoked_at__isnull=True).short_code
    page.keyboard.type(karin_short.lower())
    page.keyboard.press("Enter")
    page.locator("#verdict[data-verdict=ok]").wait_for(state="visible", timeout=10000)

    assert (before, after, pressed, focused) == ("none", "text", "true", "code")
    assert "Karin Ödegaard" in page.locator("#verdict").inner_text()
    assert Entry.objects.filter(registration=door["karin"]).count() == 1
