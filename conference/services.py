"""Writes to the programme. Every rule that keeps a programme sane is checked here, under a lock
on the conference row, and the database backs the room rule with a constraint of its own."""

import logging
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .errors import ProgrammeError
from .exporters.booklet import booklets_refresh_later
from .models import (
    RESERVED_SLUGS,
    Conference,
    FunderLogo,
    Room,
    Session,
    SiteProfile,
    Speaker,
    Track,
    validate_logo,
)
from .selectors import (
    PRIVACY_VERSION_KEY,
    programme_warnings,
    time_zone_names,
)
from .signals import seats_changed, session_rescheduled

# Changing any of these moves the session in attendees' calendars, so the iCal SEQUENCE moves too.
SCHEDULE_FIELDS = ("start", "end", "room_id", "status", "title", "title_en")
# Changing any of these can change how many seats a session has.
SEAT_FIELDS = ("capacity", "room_id", "status", "requires_signup")


def _local(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def session_check_rules(*, session: Session, speakers=None) -> None:
    """Raise ProgrammeError for the first rule `session` (saved or not) breaks."""
    for problem in session_problems(session=session, speakers=speakers):
        raise problem


def session_problems(*, session: Session, speakers=None) -> list[ProgrammeError]:
    """Every rule `session` (saved or not) breaks, as ProgrammeErrors in the order
    `session_check_rules` checks them; nothing is written. The organiser's "check" step shows
    them all before anything is saved."""
    return list(_session_rule_errors(session=session, speakers=speakers))


def _session_rule_errors(*, session: Session, speakers=None):
    conference = session.conference
    if session.start is None or session.end is None:
        return
    if session.end <= session.start:
        yield ProgrammeError(
            "session_ends_before_start", _("A session must end after it starts."), "end"
        )
        return
    if session.start < conference.start or session.end > conference.end:
        yield ProgrammeError(
            "session_outside_conference",
            _("The session must lie within the conference, %(start)s to %(end)s.")
            % {"start": _local(conference.start), "end": _local(conference.end)},
            "start",
        )
    room_ours = session.room_id is None or session.room.conference_id == conference.id
    if not room_ours:
        yield ProgrammeError("room_not_in_conference", _("Pick a room of this conference."), "room")
    if session.track_id is not None and session.track.conference_id != conference.id:
        yield ProgrammeError(
            "track_not_in_conference", _("Pick a theme of this conference."), "track"
        )
    if session.status == Session.Status.CANCELLED:
        return
    overlapping = (
        Session.objects.filter(conference=conference, start__lt=session.end, end__gt=session.start)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(pk=session.pk)
    )
    if session.room_id is not None and room_ours:
        clash = overlapping.filter(room_id=session.room_id).order_by("start").first()
        if clash is not None:
            yield ProgrammeError(
                "room_busy",
                _("%(room)s is already booked for “%(other)s” at %(time)s.")
                % {"room": session.room.name, "other": clash.title, "time": _local(clash.start)},
                "room",
            )
    for speaker in speakers or ():
        if speaker.conference_id != conference.id:
            yield ProgrammeError(
                "speaker_not_in_conference", _("Pick speakers of this conference."), "speakers"
            )
            continue
        if speaker.pk is None:
            continue
        clash = overlapping.filter(speakers=speaker).order_by("start").first()
        if clash is not None:
            yield ProgrammeError(
                "speaker_busy",
                _("%(speaker)s already speaks in “%(other)s” at %(time)s.")
                % {"speaker": speaker.name, "other": clash.title, "time": _local(clash.start)},
                "speakers",
            )


def conference_touch(*, conference: Conference) -> None:
    """Mark the programme as changed, so exports and feeds answer with fresh content."""
    now = timezone.now()
    Conference.objects.filter(pk=conference.pk).update(programme_changed_at=now)
    conference.programme_changed_at = now
    transaction.on_commit(partial(booklets_refresh_later, conference), robust=True)


def seats_changed_announce(*, conference: Conference, sessions=()) -> None:
    """Once the current transaction commits, tell the apps that build on the programme that
    caps changed (`signals.seats_changed`), so that seats which became free are handed out. A
    receiver's failure is logged, never undoes the organiser's change."""
    transaction.on_commit(
        partial(
            seats_changed.send, sender=Conference, conference=conference, sessions=list(sessions)
        ),
        robust=True,
    )


def room_seats_changed(*, room) -> None:
    """A room's capacity changed: announce the sign-up sessions that take their cap from it."""
    sessions = list(room.sessions.filter(requires_signup=True, capacity__isnull=True))
    if sessions:
        seats_changed_announce(conference=room.conference, sessions=sessions)


# Conferences ---------------------------------------------------------------------------------

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
    unknown = set(fields) - set(CONFERENCE_FIELDS) - set(PUBLIC_FACE_FIELDS)
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
        **{field: getattr(source, field) for field in CONFERENCE_FIELDS},
        slug=slug or conference_slug_suggest(name),
        is_published=False,
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


def session_save(*, session: Session, speakers=None) -> Session:
    """Create or update `session` (and its speakers when given) after checking every rule.

    Locks the conference row, so two organisers editing at once cannot both pass the checks.
    The iCal revision (`sequence`) moves when the time, room, title or status changes.
    """
    with transaction.atomic():
        Conference.objects.select_for_update().get(pk=session.conference_id)
        seats_moved = False
        if speakers is None and session.pk:
            speakers = list(session.speakers.all())
        speakers = list(speakers or [])
        session_check_rules(session=session, speakers=speakers)
        if session.pk:
            before = (
                Session.objects.filter(pk=session.pk).values(*SCHEDULE_FIELDS, *SEAT_FIELDS).first()
            )
            seats_moved = bool(before) and any(
                before[f] != getattr(session, f) for f in SEAT_FIELDS
            )
            if before and any(before[f] != getattr(session, f) for f in SCHEDULE_FIELDS):
                session.sequence += 1
                # Receivers (attendee e-mails) run only once the change is really saved.
                transaction.on_commit(
                    partial(
                        session_rescheduled.send, sender=Session, session=session, previous=before
                    )
                )
        try:
            with transaction.atomic():
                session.save()
        except IntegrityError as exc:
            raise ProgrammeError(
                "room_busy", _("The room is already booked at that time."), "room"
            ) from exc
        session.speakers.set(speakers)
        conference_touch(conference=session.conference)
        if seats_moved:
            seats_changed_announce(conference=session.conference, sessions=[session])
    return session


def session_create(*, conference: Conference, speakers=(), **fields) -> Session:
    return session_save(session=Session(conference=conference, **fields), speakers=speakers)


def session_cancel(*, session: Session) -> Session:
    session.status = Session.Status.CANCELLED
    return session_save(session=session)


def session_delete(*, session: Session) -> None:
    with transaction.atomic():
        conference = session.conference
        session.delete()
        conference_touch(conference=conference)


def session_duplicate(*, session: Session) -> Session:
    """Copy a session without its room, so the copy can be placed without clashing."""
    copy = Session(
        conference=session.conference,
        title=_("%(title)s (copy)") % {"title": session.title},
        title_en=f"{session.title_en} (copy)" if session.title_en else "",
        kind=session.kind,
        abstract=session.abstract,
        abstract_en=session.abstract_en,
        description=session.description,
        description_en=session.description_en,
        language=session.language,
        track=session.track,
        start=session.start,
        end=session.end,
        capacity=session.capacity,
        requires_signup=session.requires_signup,
    )
    return session_save(session=copy, speakers=[])


def conference_clashes(*, conference: Conference) -> list[str]:
    """Warnings for the organiser: speakers in two places and rooms booked twice."""
    return [
        warning.message
        for warning in programme_warnings(conference=conference)
        if warning.code in ("room_busy", "speaker_busy")
    ]


def speaker_create(*, conference: Conference, **fields) -> Speaker:
    speaker = Speaker.objects.create(conference=conference, **fields)
    conference_touch(conference=conference)
    return speaker


PRIVACY_FIELDS = (
    "organisation",
    "contact_email",
    "postal_address",
    "privacy_contact",
    "retention",
    "retention_en",
    "privacy_extra",
    "privacy_extra_en",
)


def site_profile_save(*, profile: SiteProfile) -> SiteProfile:
    """Save the site profile; a change to what the privacy notice says starts a new version,
    which later registrations accept and store."""
    with transaction.atomic():
        if profile.pk is None:
            profile.pk = 1
        current = SiteProfile.objects.select_for_update().filter(pk=profile.pk).first()
        if current is None:
            profile.save()
            transaction.on_commit(lambda: cache.delete(PRIVACY_VERSION_KEY))
            return profile
        if any(getattr(current, name) != getattr(profile, name) for name in PRIVACY_FIELDS):
            profile.privacy_version = current.privacy_version + 1
            profile.privacy_changed_at = timezone.now()
        else:
            profile.privacy_version = current.privacy_version
            profile.privacy_changed_at = current.privacy_changed_at
        profile.save()
        transaction.on_commit(
            lambda: cache.set(PRIVACY_VERSION_KEY, profile.privacy_version, 60 * 60)
        )
    return profile


# Funder acknowledgement ----------------------------------------------------------------------

FUNDER_LOGOS_MAX = 12


def funder_logo_add(
    *, conference: Conference, image, alt_text: str, alt_text_en: str = ""
) -> FunderLogo:
    """Add a funder's logo after the others. The image is checked (PNG or JPEG, at most 2 MB,
    sane dimensions) before anything is stored; a refused one raises ProgrammeError."""
    try:
        validate_logo(image)
    except ValidationError as exc:
        raise ProgrammeError(exc.code or "invalid_image", exc.messages[0], "image") from exc
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise ProgrammeError(
            "alt_text_missing",
            _("Write the funder's name for those who cannot see the logo."),
            "alt_text",
        )
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        existing = list(
            FunderLogo.objects.filter(conference=locked).values_list("position", flat=True)
        )
        if len(existing) >= FUNDER_LOGOS_MAX:
            raise ProgrammeError(
                "too_many_logos", _("A conference shows at most 12 funder logos."), "image"
            )
        logo = FunderLogo(
            conference=locked,
            image=image,
            alt_text=alt_text[:200],
            alt_text_en=(alt_text_en or "").strip()[:200],
            position=max(existing, default=-1) + 1,
        )
        logo.save()
        conference_touch(conference=locked)
    return logo


def funder_logo_delete(*, logo: FunderLogo) -> None:
    """Remove a funder's logo and its file (after commit)."""
    storage, name = logo.image.storage, logo.image.name
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=logo.conference_id)
        logo.delete()
        conference_touch(conference=conference)
        transaction.on_commit(lambda: storage.delete(name))


# Retention ----------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


def conference_retention_warn(*, conference: Conference, now=None) -> bool:
    """E-mail the organisers that the conference's personal data will be anonymised on its
    date. At most once per conference: the row is claimed by setting `retention_warned_at` in
    one conditional UPDATE before sending; a failed send releases it for the next sweep."""
    now = now or timezone.now()
    claimed = Conference.objects.filter(pk=conference.pk, retention_warned_at__isnull=True).update(
        retention_warned_at=now
    )
    if not claimed:
        return False
    recipients = sorted(
        {email for email in conference.organisers.values_list("email", flat=True) if email}
    )
    if not recipients:
        return True
    due = conference.anonymise_after
    parts = []
    for language in ("sv", "en"):
        with translation.override(language), timezone.override(conference.time_zone):
            parts.append(
                render_to_string(
                    "conference/email/retention_warning.txt",
                    {
                        "conference": conference,
                        "name": conference.localized("name"),
                        "due": timezone.localtime(due),
                        "url": settings.SITE_URL
                        + reverse("organiser:retention", kwargs={"slug": conference.slug}),
                    },
                ).strip()
            )
    with translation.override("sv"):
        subject = _("The personal data of %(name)s will be anonymised") % {"name": conference.name}
    try:
        EmailMessage(
            subject=subject,
            body="\n\n----\n\n".join(parts) + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        ).send()
    except Exception:
        logger.exception("retention warning for conference %s not sent", conference.pk)
        Conference.objects.filter(pk=conference.pk).update(retention_warned_at=None)
        return False
    conference.retention_warned_at = now
    return True
