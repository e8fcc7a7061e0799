"""Conferences themselves: creating, editing, publishing and copying one."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..errors import ProgrammeError
from ..models import (
    RESERVED_SLUGS,
    Conference,
    Room,
    Session,
    Speaker,
    Track,
)
from ..selectors import (
    time_zone_names,
)
from .programme import conference_touch, seats_changed_announce

# A conference's own fields, as an organiser fills them in when creating or editing one.
CONFERENCE_FIELDS = (
    "name",
    "name_en",
    "tagline",
    "tagline_en",
    "description",
    "description_en",
    "venue_name",
    "venue_address",
    "city",
    "time_zone",
    "start",
    "end",
    "registration_opens",
    "registration_closes",
    "capacity",
    "waitlist_mode",
    "offer_hours",
    "contact_email",
)


# The public face: the funding acknowledgement, the websites that may embed the programme, and
# how long personal data is kept. Edited on their own workspace pages, through conference_update.
PUBLIC_FACE_FIELDS = (
    "funder_statement",
    "funder_statement_en",
    "show_eu_emblem",
    "embed_origins",
    "retention_days",
)


# The registration set-up page's own texts (the confirmation e-mail's words), through
# conference_update; copied with the conference.
REGISTRATION_TEXT_FIELDS = ("confirmation_text", "confirmation_text_en")


_VALIDATION_CODES = {
    "unique": "slug_taken",
    "reserved": "slug_reserved",
    "bad_origin": "bad_origin",
    "min_value": "retention_too_short",
    "max_value": "retention_too_long",
}


def conference_may_create(user) -> bool:
    """Staff users and holders of `conference.add_conference` may create (and copy) conferences."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm("conference.add_conference"))
    )


def conference_slug_suggest(name: str) -> str:
    """A free address name made from `name`: never a reserved one, never one already taken."""
    base = slugify(name)[:50].strip("-") or "konferens"
    taken = set(Conference.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _conference_check(conference: Conference) -> None:
    """Raise ProgrammeError for the first rule a conference's own fields break."""
    if conference.time_zone not in time_zone_names():
        raise ProgrammeError("unknown_time_zone", _("Pick a time zone from the list."), "time_zone")
    if conference.start and conference.end and conference.end <= conference.start:
        raise ProgrammeError(
            "conference_ends_before_start", _("The conference must end after it starts."), "end"
        )
    zone = ZoneInfo(conference.time_zone)
    if conference.registration_closes and conference.end:
        if conference.registration_closes > conference.end.astimezone(zone).date():
            raise ProgrammeError(
                "registration_closes_after_end",
                _("The last day to register cannot be after the conference has ended."),
                "registration_closes",
            )
        opens = conference.registration_opens
        if opens and opens.astimezone(zone).date() > conference.registration_closes:
            raise ProgrammeError(
                "registration_opens_after_closing",
                _("Registration cannot open after its last day."),
                "registration_opens",
            )
    if conference.offer_hours is not None and conference.offer_hours < 1:
        raise ProgrammeError(
            "offer_hours_too_short", _("An offer must last at least one hour."), "offer_hours"
        )
    try:
        conference.full_clean(
            exclude=["organisers", "programme_changed_at", "retention_warned_at", "anonymised_at"]
        )
    except ValidationError as exc:
        field, errors = next(iter(exc.error_dict.items()))
        error = errors[0]
        raise ProgrammeError(
            _VALIDATION_CODES.get(error.code, "invalid_input"),
            next(iter(error)),
            None if field == "__all__" else field,
        ) from exc


def _conference_insert(conference: Conference) -> None:
    try:
        with transaction.atomic():
            conference.save()
    except IntegrityError as exc:
        # Another organiser took the address name between the check and the save.
        raise ProgrammeError(
            "slug_taken", _("That address name is taken; pick another."), "slug"
        ) from exc


def conference_create(*, user, slug: str = "", **fields) -> Conference:
    """A new, unpublished conference with `user` as its organiser. A blank `slug` is made from
    the Swedish name. Raises ProgrammeError (and saves nothing) for a user who may not create
    conferences or for fields that break a rule."""
    unknown = set(fields) - set(CONFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"conference_create() got unknown fields {sorted(unknown)}")
    if not conference_may_create(user):
        raise ProgrammeError("not_allowed", _("You may not create conferences."))
    conference = Conference(
        slug=slug or conference_slug_suggest(fields.get("name", "")), is_published=False, **fields
    )
    _conference_check(conference)
    with transaction.atomic():
        _conference_insert(conference)
        conference.organisers.add(user)
    return conference


def conference_update(*, conference: Conference, **fields) -> Conference:
    """Change a conference's own fields (CONFERENCE_FIELDS, PUBLIC_FACE_FIELDS) under a lock on
    its row. A changed capacity is announced after commit, so that freed seats go to the waiting
    list. Refused changes raise ProgrammeError and leave both the row and `conference` as they
    were."""
    unknown = (
        set(fields)
        - set(CONFERENCE_FIELDS)
        - set(PUBLIC_FACE_FIELDS)
        - set(REGISTRATION_TEXT_FIELDS)
    )
    if unknown:
        raise TypeError(f"conference_update() got unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if not changed:
            return conference
        _conference_check(locked)
        locked.save(update_fields=changed)
        conference_touch(conference=locked)
        if "capacity" in changed:
            seats_changed_announce(conference=locked)
    for name in (*changed, "programme_changed_at"):
        setattr(conference, name, getattr(locked, name))
    return conference


def _conference_publish_set(conference: Conference, published: bool) -> Conference:
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        if locked.is_published == published:
            if published:
                raise ProgrammeError("already_published", _("The conference is published already."))
            raise ProgrammeError("not_published", _("The conference is not published."))
        locked.is_published = published
        locked.save(update_fields=["is_published"])
        conference_touch(conference=locked)
    conference.is_published = published
    conference.programme_changed_at = locked.programme_changed_at
    return conference


def conference_publish(*, conference: Conference) -> Conference:
    """Show the conference, its programme and its registration form to everyone."""
    return _conference_publish_set(conference, True)


def _conference_flag_set(conference: Conference, **fields) -> Conference:
    Conference.objects.filter(pk=conference.pk).update(**fields)
    for name, value in fields.items():
        setattr(conference, name, value)
    return conference


def conference_preview_tested(*, conference: Conference, now: datetime | None = None) -> Conference:
    """Note that a test registration was sent from the preview (the set-up checklist's step);
    the test itself is saved nowhere (registration.services.registration_test_send)."""
    from django.utils import timezone  # the module otherwise needs no clock

    return _conference_flag_set(conference, preview_tested_at=now or timezone.now())


def conference_texts_check(*, conference: Conference) -> Conference:
    """The organiser has read a copy's texts for last year's dates: the overview stops warning."""
    return _conference_flag_set(conference, texts_checked=True)


def conference_unpublish(*, conference: Conference) -> Conference:
    """Hide the conference again: its public pages answer 404 to all but its organisers."""
    return _conference_publish_set(conference, False)


def moment_moved(moment: datetime | None, days: int, zone: ZoneInfo) -> datetime | None:
    """`moment` `days` later at the same wall-clock time in `zone` (09.00 stays 09.00 across a
    switch to or from summer time, where a fixed UTC offset would make it 08.00 or 10.00)."""
    if moment is None:
        return None
    local = moment.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=zone)


def _copy_row(obj, **changes):
    obj.pk = None
    obj._state.adding = True
    obj.__dict__.pop("_prefetched_objects_cache", None)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def conference_copy(
    *, source: Conference, user=None, slug: str = "", name: str, name_en: str = "", start_date: date
) -> Conference:
    """A new, unpublished conference from `source`: its fields, organisers, rooms, themes,
    speakers and scheduled sessions, moved so that it starts on `start_date` at the same local
    times (shifted by calendar days in the conference's zone, not by a UTC delta). Sessions get
    new codes and uids; cancelled sessions, registrations, check-ins and e-mails stay behind.
    `user` (None for management commands) must be allowed to create conferences and becomes an
    organiser of the copy."""
    if user is not None and not conference_may_create(user):
        raise ProgrammeError("not_allowed", _("You may not create conferences."))
    zone = ZoneInfo(source.time_zone)
    days = (start_date - source.start.astimezone(zone).date()).days
    copy = Conference(
        **{
            field: getattr(source, field)
            for field in (*CONFERENCE_FIELDS, *REGISTRATION_TEXT_FIELDS)
        },
        slug=slug or conference_slug_suggest(name),
        is_published=False,
        # Its free texts still name last year's dates: the overview warns until they are read.
        texts_checked=False,
    )
    copy.name, copy.name_en = name, name_en
    copy.start = moment_moved(source.start, days, zone)
    copy.end = moment_moved(source.end, days, zone)
    copy.registration_opens = moment_moved(source.registration_opens, days, zone)
    if source.registration_closes is not None:
        copy.registration_closes = source.registration_closes + timedelta(days=days)
    _conference_check(copy)
    with transaction.atomic():
        _conference_insert(copy)
        copy.organisers.add(*source.organisers.all(), *([user] if user is not None else []))
        new = {Room: {}, Track: {}, Speaker: {}}
        for model in (Room, Track, Speaker):
            for obj in model.objects.filter(conference=source).order_by("pk"):
                old = obj.pk
                new[model][old] = _copy_row(obj, conference=copy)
        sessions = (
            Session.objects.filter(conference=source)
            .exclude(status=Session.Status.CANCELLED)
            .prefetch_related("speakers")
            .order_by("start", "pk")
        )
        code_field, uid_field = Session._meta.get_field("code"), Session._meta.get_field("uid")
        for session in sessions:
            speakers = [new[Speaker][s.pk] for s in session.speakers.all()]
            _copy_row(
                session,
                conference=copy,
                code=code_field.get_default(),
                uid=uid_field.get_default(),
                sequence=0,
                start=moment_moved(session.start, days, zone),
                end=moment_moved(session.end, days, zone),
                room=new[Room].get(session.room_id),
                track=new[Track].get(session.track_id),
            )
            session.speakers.set(speakers)
        conference_touch(conference=copy)
    return copy
