"""Every page fits a 360 px phone in Swedish and English: wide tables scroll inside their own
box, long names and addresses wrap, the page itself never scrolls sideways, and axe-core finds
no WCAG 2 A/AA violation (labels, contrast, roles, names, language ...). The organiser's
registration list can be searched with the keyboard alone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from checkin.models import BadgeJob, Checkpoint
from checkin.services import checkpoints_ensure, door_link_create, team_invite
from conference.models import Session
from impact.rules import rules_create_defaults
from registration.models import Registration, Signup
from registration.services import organiser_message_send
from tests.browser.conftest import DESKTOP, PHONE, wait_until
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SignupFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db(transaction=True)

ORGANISER_PAGES = [
    "registrations/",
    "registrations/waiting/",
    "registrations/add/",
    "registrations/{pk}/",
    "registrations/audit/",
    "registrations/emails/",
    "catering/",
    "badges/",
    "badges/{job}/",
    "checkin/",
    "messages/",
    "messages/{send}/",
    "grid/",
    "team/",
    "emails/",
    "emails/new/",
    "emails/{rule}/",
    "evaluation/",
    "programme/materials/",
]
# The workspace's core, under /organiser/: my conferences, a new one, and the conference's
# overview, copy, publish/unpublish confirmations and settings.
WORKSPACE_CORE_PAGES = [
    "organiser/",
    "organiser/new/",
    "organiser/lk/",
    "organiser/lk/copy/",
    "organiser/lk/publish/",
    "organiser/lk/unpublish/",
    "organiser/lk/settings/",
    "organiser/lk/settings/funders/",
    "organiser/lk/settings/embed/",
    "organiser/lk/settings/retention/",
    "organiser/lk/settings/retention/run/",
]


def build_conference():
    conference = ConferenceFactory(
        slug="lk", name="Lärkonferens 2027", name_en="Learning Conference 2027"
    )
    rooms = [
        RoomFactory(conference=conference, name=f"Sal {c}", position=i)
        for i, c in enumerate("ABCD")
    ]
    workshops = [
        SessionFactory(
            conference=conference,
            title=f"Workshop om samskapande och hållbar utveckling {i}",
            title_en=f"Workshop on co-creation and sustainable development {i}",
            kind=Session.Kind.WORKSHOP,
            requires_signup=True,
            capacity=1,
            room=room,
            start=local(2027, 3, 16, 14),
            end=local(2027, 3, 16, 15),
        )
        for i, room in enumerate(rooms, start=1)
    ]
    SessionFactory(
        conference=conference,
        title="Lunch",
        kind=Session.Kind.MEAL,
        start=local(2027, 3, 16, 12),
        end=local(2027, 3, 16, 13),
    )
    people = []
    for i in range(6):
        waiting = i >= 4
        person = RegistrationFactory(
            conference=conference,
            name=f"Deltagare Långnamnsson-Efternamnsdotter {i}",
            email=f"deltagare.langnamnsson.efternamnsdotter{i}@exempelkommunen.example.org",
            organisation="Region Skåne, avdelningen för regional utveckling och samverkan",
            diets=["vegetarian", "gluten"],
            diet_other="Inga nötter, tack",
            status=Registration.Status.WAITING if waiting else Registration.Status.CONFIRMED,
            waiting_since=timezone.now() if waiting else None,
        )
        SignupFactory(
            registration=person,
            session=workshops[0],
            status=Signup.Status.CONFIRMED if i == 0 else Signup.Status.WAITING,
            waiting_since=None if i == 0 else timezone.now(),
        )
        people.append(person)
    return conference, people


AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


BOTH_LANGUAGES = (("", "sv"), ("/en", "en"))


_CSP_REPORTS = {}


def csp_reports(page) -> list:
    """The Content-Security-Policy violations `page` has reported so far: Chromium logs each
    one to the console ("Refused to apply inline style because it violates ..."), and the page
    fires `securitypolicyviolation`, which an init script (outside the page's policy) logs too."""
    key = id(page)
    if key not in _CSP_REPORTS:
        reports = []
        _CSP_REPORTS[key] = (page, reports)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI); });"
        )
        page.on(
            "console",
            lambda message: (
                reports.append(message.text)
                if "Content Security Policy" in message.text or "CSP violation" in message.text
                else None
            ),
        )
    return _CSP_REPORTS[key][1]


def assert_fit(
    phone, base, pages, screenshot, status=200, languages=BOTH_LANGUAGES, width=PHONE["width"]
):
    """Open every page in Swedish and English; each answers, has a heading, is no wider than
    `width` (None: any width, for a desktop), breaks no rule of the Content-Security-Policy (no
    inline script or style) and has no WCAG 2 A/AA violation that axe-core can find."""
    axe = Axe()
    too_wide, violations, csp = {}, {}, {}
    reports = csp_reports(phone)
    for prefix, lang in languages:
        for page in pages:
            url = f"{base}{prefix}/{page}"
            reported = len(reports)
            response = phone.goto(url)
            assert response.status == status, url
            assert phone.evaluate("document.documentElement.lang") == lang, url
            assert phone.locator("h1").first.is_visible(), url
            scrolled = phone.evaluate("document.documentElement.scrollWidth")
            if width is not None and scrolled > width:
                too_wide[url] = scrolled
                screenshot(phone, f"too-wide-{lang}-" + page.strip("/").replace("/", "-"))
            found = axe.run(phone, options=AXE_OPTIONS).response["violations"]
            if found:
                violations[url] = [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]
            if len(reports) > reported:
                csp[url] = reports[reported:]
    assert csp == {}, "\n".join(f"{u}: {r}" for u, r in csp.items())
    assert too_wide == {}, "\n".join(f"{u}: {w}" for u, w in too_wide.items())
    assert violations == {}, "\n".join(f"{u}: {v}" for u, v in violations.items())


def test_public_and_attendee_pages_fit_a_phone_in_both_languages(live_server, page_at, screenshot):
    conference, people = build_conference()
    conference.registration_closes = local(2027, 3, 1, 0).date()
    conference.save()
    for person in people:
        person.public_listing = True
        person.save()
    workshop = conference.sessions.filter(requires_signup=True).first()
    phone = page_at(PHONE)
    pages = [
        "",
        "lk/",
        "lk/speakers/",
        f"lk/sessions/{workshop.code}/",
        "lk/participants/",
        "lk/register/",
        "lk/register/thanks/",
        f"r/{people[0].manage_token}/",
        f"r/{people[0].manage_token}/evaluation/",
        "lk/materials/",
        "door/login/",
        "lk/embed/programme/",
        "lk/embed/register/",
    ]
    assert_fit(phone, live_server.url, pages, screenshot)
    assert_fit(phone, live_server.url, ["lk/no-such-page/"], screenshot, status=404)
    # The privacy notice and the accessibility statement have an address in each language.
    site = ["integritet/", "tillganglighet/", "tillganglighet/rapportera/"]
    assert_fit(phone, live_server.url, site, screenshot, languages=BOTH_LANGUAGES[:1])
    site = ["privacy/", "accessibility/", "accessibility/report/"]
    assert_fit(phone, live_server.url, site, screenshot, languages=BOTH_LANGUAGES[1:])
    # An invitation link that expired or was used, and a revoked printed door log-in.
    assert_fit(phone, live_server.url, ["organiser/welcome/MQ/a-b/"], screenshot, status=400)
    assert_fit(phone, live_server.url, ["door/code/not-valid/"], screenshot, status=403)


def organiser_pages(conference, people, organiser) -> list[str]:
    """Every page of the workspace outside the programme editor, with the rows they show."""
    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    job = BadgeJob.objects.create(conference=conference, kind="card")
    send, _ = organiser_message_send(
        conference=conference, subject="Välkomna till Malmö", body="Hej!\n\nVi ses.", key="k"
    )
    (reminder, *_others) = rules_create_defaults(conference=conference)
    ids = {"pk": people[0].pk, "job": job.pk, "send": send.pk, "rule": reminder.pk}
    pages = ["organiser/lk/" + page.format(**ids) for page in ORGANISER_PAGES]
    pages += ["door/", f"door/{entrance.pk}/scan/"]  # organisers may scan too
    pages += WORKSPACE_CORE_PAGES
    volunteer = team_invite(  # invited, so that the member page offers to invite again
        conference=conference,
        email="vera@example.org",
        name="Vera",
        role="door",
        language="sv",
        checkpoints=[entrance],
        actor=organiser,
    )
    link, _secret = door_link_create(conference=conference, user=volunteer, actor=organiser)
    pages += [
        f"organiser/lk/team/{volunteer.pk}/",
        f"organiser/lk/team/{volunteer.pk}/remove/",
        f"organiser/lk/team/{volunteer.pk}/codes/{link.pk}/",
    ]
    return pages


def test_organiser_pages_fit_a_phone_in_both_languages_and_work_by_keyboard(
    live_server, page_as, screenshot
):
    conference, people = build_conference()
    organiser = UserFactory(is_staff=True)
    conference.organisers.add(organiser)
    phone = page_as(organiser, PHONE)
    pages = organiser_pages(conference, people, organiser)

    assert_fit(phone, live_server.url, pages, screenshot)
    ids = {"pk": people[0].pk}
    for page in ("registrations/{pk}/", "catering/", "messages/"):
        phone.goto(f"{live_server.url}/organiser/lk/" + page.format(**ids))
        screenshot(phone, "organiser-sv-phone-" + page.split("/")[0])

    # Keyboard only: Tab to the search field, type, Enter; the list shows the one match.
    phone.goto(f"{live_server.url}/en/organiser/lk/registrations/")
    for _ in range(40):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.id") == "q":
            break
    phone.keyboard.type("dotter 5")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/registrations/?q=dotter+5*")
    screenshot(phone, "organiser-list-en-phone")
    rows = phone.locator("#registrations tbody tr")
    assert rows.count() == 1
    assert "Långnamnsson-Efternamnsdotter 5" in rows.first.inner_text()


def test_preview_of_an_unpublished_conference_fits_a_phone_in_both_languages(
    live_server, page_as, screenshot
):
    conference, people = build_conference()
    conference.is_published = False
    conference.save()
    organiser = UserFactory(is_staff=False)
    conference.organisers.add(organiser)
    workshop = conference.sessions.filter(requires_signup=True).first()
    phone = page_as(organiser, PHONE)

    assert_fit(
        phone, live_server.url, ["lk/", "lk/speakers/", f"lk/sessions/{workshop.code}/"], screenshot
    )

    phone.goto(f"{live_server.url}/lk/")
    assert (
        phone.locator(".preview-banner")
        .inner_text()
        .startswith("Förhandsvisning – inte publicerad")
    )


PROGRAMME_PAGES = [
    "programme/",
    "programme/add/",
    "programme/{session}/",
    "programme/{session}/move/",
    "programme/{session}/cancel/",
    "programme/{session}/reinstate/",
    "programme/import/",
    "speakers/",
    "speakers/add/",
    "speakers/{speaker}/",
    "rooms/",
    "rooms/add/",
    "rooms/{room}/",
    "rooms/themes/add/",
    "rooms/themes/{track}/",
]


def programme_pages(conference) -> list[str]:
    """The programme editor's pages, with a speaker, a room and a theme to edit."""
    workshop = conference.sessions.filter(requires_signup=True).first()
    speaker = SpeakerFactory(
        conference=conference, name="Fadi Barakat", organisation="Coompanion Skåne"
    )
    workshop.speakers.add(speaker)
    track = TrackFactory(conference=conference, name="Samverkan över sektorsgränser")
    ids = {
        "session": workshop.pk,
        "speaker": speaker.pk,
        "room": workshop.room_id,
        "track": track.pk,
    }
    return ["organiser/lk/" + page.format(**ids) for page in PROGRAMME_PAGES]


def test_programme_editor_pages_fit_a_phone_in_both_languages(live_server, page_as, screenshot):
    conference, _people = build_conference()
    organiser = UserFactory(is_staff=False)
    conference.organisers.add(organiser)
    phone = page_as(organiser, PHONE)

    assert_fit(phone, live_server.url, programme_pages(conference), screenshot)


def test_organiser_pages_pass_axe_at_desktop_width_in_both_languages(
    live_server, page_as, screenshot
):
    """The same workspace and programme pages as the phone sweeps above, at desktop width:
    wider layouts (the timetable's columns, tables unscrolled) must pass axe-core too."""
    conference, people = build_conference()
    organiser = UserFactory(is_staff=True)
    conference.organisers.add(organiser)
    desktop = page_as(organiser, DESKTOP)
    pages = organiser_pages(conference, people, organiser) + programme_pages(conference)

    assert_fit(desktop, live_server.url, pages, screenshot, width=None)


def test_error_pages_fit_a_phone_in_both_languages(live_server, page_at, screenshot, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    phone = page_at(PHONE)
    assert_fit(phone, live_server.url, ["r/%00/"], screenshot, status=400)

    def refuse(*args, **kwargs):
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    assert_fit(phone, live_server.url, [""], screenshot, status=503)
    monkeypatch.undo()


def test_the_sweep_catches_an_inline_style_the_policy_refuses(live_server, page_at):
    from conference.middleware import CONTENT_SECURITY_POLICY

    phone = page_at(PHONE)
    reports = csp_reports(phone)
    phone.route(
        f"{live_server.url}/inline/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
            content_type="text/html",
            body='<html lang="sv"><h1 style="color: red">Inline</h1><script>var x = 1;</script>',
        ),
    )

    phone.goto(f"{live_server.url}/inline/")
    wait_until(
        phone,
        lambda: (
            any("style-src" in text for text in reports)
            and any("script-src" in text for text in reports)
        ),
    )

    assert len(reports) >= 2
    assert any("style-src" in text for text in reports)
    assert any("script-src" in text for text in reports)
