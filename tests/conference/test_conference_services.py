"""Creating, copying, editing and publishing a conference: conference.services."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from conference import services
from conference.errors import ProgrammeError
from conference.models import Conference, Session
from registration.models import EmailLog, Registration
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db


def new_fields(**overrides):
    fields = {
        "name": "Social Innovation Summit 2027",
        "name_en": "Social Innovation Summit 2027",
        "start": local(2027, 10, 7, 12, 0),
        "end": local(2027, 10, 8, 13, 30),
        "time_zone": "Europe/Stockholm",
        "venue_name": "Malmö universitet",
        "city": "Malmö",
        "capacity": 150,
        "registration_closes": date(2027, 9, 30),
    }
    return fields | overrides


# Creating ---------------------------------------------------------------------------------------


def test_conference_create_by_staff_makes_an_unpublished_conference_they_organise():
    user = UserFactory(is_staff=True)

    conference = services.conference_create(user=user, **new_fields())

    assert conference.slug == "social-innovation-summit-2027"
    assert conference.is_published is False
    assert list(conference.organisers.all()) == [user]
    assert Conference.objects.get(pk=conference.pk).capacity == 150


def test_conference_create_with_the_add_permission_is_allowed_for_non_staff():
    user = UserFactory(is_staff=False)
    user.user_permissions.add(Permission.objects.get(codename="add_conference"))

    conference = services.conference_create(user=user, slug="summit", **new_fields())

    assert conference.slug == "summit"


def test_conference_create_by_an_ordinary_user_is_refused_and_saves_nothing():
    user = UserFactory(is_staff=False)

    with pytest.raises(ProgrammeError) as refused:
        services.conference_create(user=user, **new_fields())

    assert refused.value.code == "not_allowed"
    assert Conference.objects.count() == 0


def test_conference_create_avoids_taken_and_reserved_slugs():
    ConferenceFactory(slug="admin-dagen")
    user = UserFactory()

    taken = services.conference_create(user=user, **new_fields(name="Admin-dagen"))
    reserved = services.conference_create(user=user, **new_fields(name="Admin"))

    assert (taken.slug, reserved.slug) == ("admin-dagen-2", "admin-2")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"slug": "admin"}, "slug_reserved", "slug"),
        ({"slug": "taken"}, "slug_taken", "slug"),
        ({"end": local(2027, 10, 7, 11, 0)}, "conference_ends_before_start", "end"),
        ({"time_zone": "Mars/Olympus_Mons"}, "unknown_time_zone", "time_zone"),
        ({"registration_closes": date(2027, 10, 9)}, "registration_closes_after_end", None),
        ({"name": ""}, "invalid_input", "name"),
    ],
)
def test_conference_create_with_bad_fields_is_refused_and_saves_nothing(overrides, code, field):
    ConferenceFactory(slug="taken")
    user = UserFactory()

    with pytest.raises(ProgrammeError) as refused:
        services.conference_create(user=user, **new_fields(**overrides))

    assert refused.value.code == code
    if field:
        assert refused.value.field == field
    assert Conference.objects.count() == 1


# Copying ----------------------------------------------------------------------------------------


@pytest.fixture
def source():
    """Malmö 2027, Thursday 18 March 12.00 (winter time) to Friday 13.30, with one of everything."""
    conference = ConferenceFactory(
        slug="malmo",
        start=local(2027, 3, 18, 12, 0),
        end=local(2027, 3, 19, 13, 30),
        registration_opens=local(2027, 1, 10, 9, 0),
        registration_closes=date(2027, 3, 11),
        is_published=True,
    )
    organiser = UserFactory(username="anna")
    conference.organisers.add(organiser)
    room = RoomFactory(conference=conference, name="Aulan", capacity=200)
    track = TrackFactory(conference=conference, name="Samverkan")
    speaker = SpeakerFactory(conference=conference, name="Fadi Barakat")
    workshop = SessionFactory(
        conference=conference,
        title="Workshop",
        kind=Session.Kind.WORKSHOP,
        requires_signup=True,
        capacity=15,
        room=room,
        track=track,
        start=local(2027, 3, 19, 9, 0),
        end=local(2027, 3, 19, 10, 30),
    )
    workshop.speakers.add(speaker)
    SessionFactory(conference=conference, title="Inställd", status=Session.Status.CANCELLED)
    registration = RegistrationFactory(conference=conference)
    EmailLog.objects.create(conference=conference, registration=registration, kind="confirmation")
    return conference


def test_conference_copy_moves_the_programme_to_new_dates_at_the_same_local_times(source):
    user = UserFactory()

    # 7 October 2027 is a Thursday in summer time: 12.00 stays 12.00, not 13.00.
    copy = services.conference_copy(
        source=source, user=user, name="Malmö 2028", slug="malmo-2028", start_date=date(2027, 10, 7)
    )

    assert timezone.localtime(copy.start) == local(2027, 10, 7, 12, 0)
    assert timezone.localtime(copy.end) == local(2027, 10, 8, 13, 30)
    assert timezone.localtime(copy.registration_opens) == local(2027, 8, 1, 9, 0)
    assert copy.registration_closes == date(2027, 9, 30)
    assert copy.is_published is False
    assert sorted(u.username for u in copy.organisers.all()) == sorted(["anna", user.username])
    session = copy.sessions.get()
    assert (session.title, session.capacity, session.requires_signup) == ("Workshop", 15, True)
    assert timezone.localtime(session.start) == local(2027, 10, 8, 9, 0)
    assert timezone.localtime(session.end) == local(2027, 10, 8, 10, 30)
    assert (session.room.name, session.room.conference_id) == ("Aulan", copy.pk)
    assert (session.track.name, session.track.conference_id) == ("Samverkan", copy.pk)
    assert [(s.name, s.conference_id) for s in session.speakers.all()] == [
        ("Fadi Barakat", copy.pk)
    ]
    original = source.sessions.get(title="Workshop")
    assert (session.code != original.code, session.uid != original.uid) == (True, True)
    assert Registration.objects.filter(conference=copy).count() == 0
    assert EmailLog.objects.filter(conference=copy).count() == 0
    assert source.sessions.count() == 2


def test_conference_copy_by_a_user_who_may_not_create_is_refused_and_saves_nothing(source):
    user = UserFactory(is_staff=False)

    with pytest.raises(ProgrammeError) as refused:
        services.conference_copy(
            source=source, user=user, name="Kopia", start_date=date(2027, 10, 7)
        )

    assert refused.value.code == "not_allowed"
    assert Conference.objects.count() == 1


def test_conference_copy_to_a_taken_slug_is_refused_and_saves_nothing(source):
    with pytest.raises(ProgrammeError) as refused:
        services.conference_copy(
            source=source, user=None, name="Kopia", slug="malmo", start_date=date(2027, 10, 7)
        )

    assert refused.value.code == "slug_taken"
    assert (Conference.objects.count(), Session.objects.count()) == (1, 2)


# Editing ----------------------------------------------------------------------------------------


def test_conference_update_saves_the_fields_and_marks_the_programme_changed():
    conference = ConferenceFactory(city="Malmö")
    before = conference.programme_changed_at

    services.conference_update(conference=conference, city="Lund", tagline="Välkommen")

    conference.refresh_from_db()
    assert (conference.city, conference.tagline) == ("Lund", "Välkommen")
    assert conference.programme_changed_at > before


def test_conference_update_of_capacity_announces_the_seats_so_the_waiting_list_moves(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(capacity=1)
    RegistrationFactory(conference=conference, status=Registration.Status.CONFIRMED)
    waiting = RegistrationFactory(
        conference=conference,
        status=Registration.Status.WAITING,
        waiting_since=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.conference_update(conference=conference, capacity=2)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_conference_update_with_bad_times_is_refused_and_changes_nothing():
    conference = ConferenceFactory(city="Malmö")

    with pytest.raises(ProgrammeError) as refused:
        services.conference_update(
            conference=conference, city="Lund", end=conference.start - timezone.timedelta(hours=1)
        )

    assert refused.value.code == "conference_ends_before_start"
    assert conference.city == "Malmö"
    assert Conference.objects.get(pk=conference.pk).city == "Malmö"


# Publishing -------------------------------------------------------------------------------------


def test_conference_publish_and_unpublish_switch_the_public_pages():
    conference = ConferenceFactory(is_published=False)

    services.conference_publish(conference=conference)
    published = Conference.objects.get(pk=conference.pk).is_published
    services.conference_unpublish(conference=conference)

    assert (published, Conference.objects.get(pk=conference.pk).is_published) == (True, False)


def test_conference_publish_of_a_published_conference_is_refused_and_changes_nothing():
    conference = ConferenceFactory(is_published=True)
    before = conference.programme_changed_at

    with pytest.raises(ProgrammeError) as refused:
        services.conference_publish(conference=conference)

    assert refused.value.code == "already_published"
    assert Conference.objects.get(pk=conference.pk).programme_changed_at == before


def test_conference_unpublish_of_an_unpublished_conference_is_refused():
    conference = ConferenceFactory(is_published=False)

    with pytest.raises(ProgrammeError) as refused:
        services.conference_unpublish(conference=conference)

    assert refused.value.code == "not_published"
