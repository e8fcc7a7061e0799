"""Every page fits a 360 px phone in Swedish and English: wide tables scroll inside their own
box, long names and addresses wrap, the page itself never scrolls sideways, and axe-core finds
no WCAG 2 A/AA violation (labels, contrast, roles, names, language ...). The organiser's
registration list can be searched with the keyboard alone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from checkin.models import Checkpoint
from checkin.services import checkpoints_ensure
from conference.models import Session
from registration.models import Registration, Signup
from tests.browser.conftest import PHONE
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SignupFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db(transaction=True)

ORGANISER_PAGES = [
    "registrations/",
    "registrations/list/",
    "registrations/catering/",
    "registrations/add/",
    "registrations/{pk}/",
    "registrations/message/",
    "registrations/audit/",
    "registrations/emails/",
    "checkin/",
    "badges/",
    "grid/",
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


def assert_fit(phone, base, pages, screenshot, status=200):
    """Open every page in Swedish and English; each answers, has a heading, is no wider than
    the phone and has no WCAG 2 A/AA violation that axe-core can find."""
    axe = Axe()
    too_wide, violations = {}, {}
    for prefix, lang in (("", "sv"), ("/en", "en")):
        for page in pages:
            url = f"{base}{prefix}/{page}"
            response = phone.goto(url)
            assert response.status == status, url
            assert phone.evaluate("document.documentElement.lang") == lang, url
            assert phone.locator("h1").first.is_visible(), url
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[url] = width
                screenshot(phone, f"too-wide-{lang}-" + page.strip("/").replace("/", "-"))
            found = axe.run(phone, options=AXE_OPTIONS).response["violations"]
            if found:
                violations[url] = [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]
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
        "door/login/",
    ]
    assert_fit(phone, live_server.url, pages, screenshot)
    assert_fit(phone, live_server.url, ["lk/no-such-page/"], screenshot, status=404)


def test_organiser_pages_fit_a_phone_in_both_languages_and_work_by_keyboard(
    live_server, page_as, screenshot
):
    conference, people = build_conference()
    organiser = UserFactory(is_staff=True)
    conference.organisers.add(organiser)
    phone = page_as(organiser, PHONE)

    checkpoints_ensure(conference=conference)
    entrance = Checkpoint.objects.filter(conference=conference, kind="entrance").first()
    pages = ["organiser/lk/" + page.format(pk=people[0].pk) for page in ORGANISER_PAGES]
    pages += ["door/", f"door/{entrance.pk}/scan/"]  # organisers may scan too
    assert_fit(phone, live_server.url, pages, screenshot)

    # Keyboard only: Tab to the search field, type, Enter; the list shows the one match.
    phone.goto(f"{live_server.url}/en/organiser/lk/registrations/list/")
    for _ in range(40):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.id") == "q":
            break
    phone.keyboard.type("dotter 5")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/registrations/list/?q=dotter+5*")
    screenshot(phone, "organiser-list-en-phone")
    rows = phone.locator("#registrations tbody tr")
    assert rows.count() == 1
    assert "Långnamnsson-Efternamnsdotter 5" in rows.first.inner_text()


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
