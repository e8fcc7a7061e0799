"""`manage.py demo_setup`: the two demo conferences and the demo log-ins, for a local demo only.

Idempotent: a conference from the fixture is loaded only when no conference has its slug yet, so
running it again (as `make run` does) keeps whatever changed since. The fixture's primary keys are
not reused: every object gets a fresh one, so the demo never overwrites rows that happen to share
an id. Session codes and uids are kept, so exported calendars and bookmarked URLs stay valid.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from conference.models import Conference, Room, Session, Speaker, Track

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
DEMO_SLUGS = ("malmo-2017", "kristianstad-2018")
# Fixed, printed passwords are acceptable only because this command builds a local demo.
ORGANISER = ("organiser", "samla-organiser-demo", "organiser@example.org")
DOOR = ("door", "samla-door-demo", "door@example.org")
DOOR_STAFF_GROUP = "door staff"


def demo_conference_save(conference_object, objects) -> Conference:
    """Save one deserialized conference (from the fixture, or a copy) and everything in
    `objects` (its rooms, themes, speakers and sessions), under new keys."""
    conference_object.object.pk = None
    conference_object.m2m_data = {"organisers": []}
    conference_object.save()
    conference = conference_object.object
    new_pk = {Room: {}, Track: {}, Speaker: {}}
    for model in (Room, Track, Speaker, Session):
        for item in objects:
            obj = item.object
            if type(obj) is not model:
                continue
            old = obj.pk
            obj.pk = None
            obj.conference_id = conference.pk
            if model is Session:
                obj.room_id = new_pk[Room][obj.room_id] if obj.room_id else None
                obj.track_id = new_pk[Track][obj.track_id] if obj.track_id else None
                item.m2m_data = {
                    "speakers": [new_pk[Speaker][pk] for pk in item.m2m_data.get("speakers", [])]
                }
            # Saved raw, as loaddata does, so the fixture's timestamps survive auto_now.
            item.save()
            if model is not Session:
                new_pk[model][old] = obj.pk
    return conference


def demo_conferences_load(path: Path = DEFAULT_FIXTURE) -> list[Conference]:
    """Load the fixture's conferences whose slugs are not taken yet; return those loaded."""
    try:
        objects = list(serializers.deserialize("json", path.read_text(encoding="utf-8")))
    except (OSError, serializers.base.DeserializationError) as exc:
        raise CommandError(f"Cannot read the demo fixture {path}: {exc}") from exc
    # Grouped before anything is saved: saving gives objects new keys.
    belongs = {}
    for item in objects:
        if not isinstance(item.object, Conference):
            belongs.setdefault(item.object.conference_id, []).append(item)
    loaded = []
    for item in objects:
        if not isinstance(item.object, Conference):
            continue
        if Conference.objects.filter(slug=item.object.slug).exists():
            continue
        children = belongs.get(item.object.pk, [])
        sessions = [o.object for o in children if isinstance(o.object, Session)]
        taken = Session.objects.filter(
            Q(code__in=[s.code for s in sessions]) | Q(uid__in=[s.uid for s in sessions])
        )
        if taken.exists():
            # Someone renamed the demo conference's slug: its sessions are still there.
            continue
        with transaction.atomic():
            loaded.append(demo_conference_save(item, children))
    return loaded


def _demo_user(username, password, email, *, staff):
    """Organisers are staff (they use the admin); door staff log in at /door/login/ only."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email, "is_staff": staff}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def organiser_permissions():
    """Full rights on the programme and registrations; read-only on check-in records."""
    return Permission.objects.filter(
        Q(content_type__app_label__in=["conference", "registration"])
        | Q(content_type__app_label="checkin", codename__startswith="view_")
    )


def demo_users_setup(conferences) -> tuple:
    """Create (or keep) the demo organiser and door-staff users and give them the conferences."""
    organiser = _demo_user(*ORGANISER, staff=True)
    organiser.user_permissions.add(*organiser_permissions())
    door = _demo_user(*DOOR, staff=False)
    group, _created = Group.objects.get_or_create(name=DOOR_STAFF_GROUP)
    door.groups.add(group)
    # The check-in app owns door assignments; the programme app must not import it.
    try:
        assignment_model = apps.get_model("checkin", "DoorAssignment")
    except LookupError:
        assignment_model = None
    for conference in conferences:
        conference.organisers.add(organiser)
        if assignment_model is not None:
            assignment_model.objects.get_or_create(conference=conference, user=door)
    return organiser, door


class Command(BaseCommand):
    help = "Load the two demo conferences (once) and create the demo organiser and door log-ins."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", type=Path, default=DEFAULT_FIXTURE)

    def handle(self, *args, fixture, **options):
        with transaction.atomic():
            loaded = demo_conferences_load(fixture)
            conferences = list(Conference.objects.filter(slug__in=DEMO_SLUGS).order_by("start"))
            organiser, door = demo_users_setup(conferences)
        for conference in conferences:
            state = "loaded" if conference in loaded else "already there, kept as it is"
            self.stdout.write(f"Demo conference {conference.slug}: {state}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Samla demo (local use only):"))
        self.stdout.write("  Programme:     http://127.0.0.1:8000/")
        for conference in conferences:
            self.stdout.write(f"                 http://127.0.0.1:8000/{conference.slug}/")
        self.stdout.write(
            "  Organisers:    http://127.0.0.1:8000/organiser/login/ (the workspace: log in as the"
            " organiser below, you land on your conferences at /organiser/)"
        )
        self.stdout.write("  Site admin:    http://127.0.0.1:8000/admin/")
        self.stdout.write("  Door scanning: http://127.0.0.1:8000/door/")
        for user, (username, password, _email), role in (
            (organiser, ORGANISER, "organiser"),
            (door, DOOR, "door staff"),
        ):
            shown = password if user.check_password(password) else "(changed; not shown)"
            self.stdout.write(f"  Log-in ({role}): {username} / {shown}")
