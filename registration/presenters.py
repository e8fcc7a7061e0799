"""The audit trail in words: each AuditEntry kind and its details as a translated sentence.

Kinds are written by registration.services (registered, registered_again, details_changed,
details_corrected, sessions_changed, cancelled, deleted, offer_accepted, offer_expired,
session_offer_expired, session_confirmed, session_offered, confirmed, offered, message_sent), by
impact.services (marked_present, unmarked_present) and by checkin.services through
registration's audit() (badge.issue, badge.revoke).
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import AuditEntry, Registration


def actor_name(entry: AuditEntry, registration: Registration | None = None) -> str:
    """Who did it: the person themself, an organiser by name, or Samla on its own."""
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.get_username()
    if entry.actor_label == "attendee":
        person = registration or entry.registration
        return person.name if person is not None else _("The attendee")
    if entry.actor_label == "organiser":
        return _("The organiser")
    if entry.actor_label in ("system", ""):
        return _("Samla")
    return entry.actor_label


def _field_label(name: str) -> str:
    if name == "email":
        return _("e-mail address")
    try:
        return str(Registration._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _title(sessions: dict, session_id) -> str:
    try:
        session = sessions.get(int(session_id))
    except (TypeError, ValueError):
        session = None
    if session is None:
        return _("a session that no longer exists")
    return pgettext("quoted title", "“%(title)s”") % {"title": session.localized("title")}


def _sessions_changed(who: str, person: str | None, details: dict, sessions: dict) -> str:
    """`person` is set when someone else (an organiser) changed the person's workshops."""
    parts = []
    for session_id, status in sorted((details.get("added") or {}).items()):
        values = {"who": who, "person": person, "title": _title(sessions, session_id)}
        if status == "waiting" and person:
            parts.append(_("%(who)s put %(person)s on the waiting list for %(title)s.") % values)
        elif status == "waiting":
            parts.append(_("%(who)s joined the waiting list for %(title)s.") % values)
        elif person:
            parts.append(_("%(who)s signed %(person)s up for %(title)s.") % values)
        else:
            parts.append(_("%(who)s signed up for %(title)s.") % values)
    for session_id in details.get("removed") or []:
        values = {"who": who, "person": person, "title": _title(sessions, session_id)}
        if person:
            parts.append(_("%(who)s cancelled the place in %(title)s for %(person)s.") % values)
        else:
            parts.append(_("%(who)s cancelled the place in %(title)s.") % values)
    return " ".join(parts) or _("%(who)s kept the same workshops.") % {"who": who}


def _day_text(day) -> str:
    from datetime import date

    from django.utils import formats

    try:
        return formats.date_format(date.fromisoformat(day), "l j F")
    except (TypeError, ValueError):
        return _("a day that is not known")


def audit_sentence(
    entry: AuditEntry, *, sessions: dict, registration: Registration | None = None
) -> str:
    """`sessions`: {id: Session} of the sessions the entry names (selectors.audit_sessions)."""
    who = actor_name(entry, registration)
    details = entry.details or {}
    # Someone other than the person acted on their behalf: name the person too.
    subject = registration or entry.registration
    person = (
        subject.name
        if subject is not None and (entry.actor is not None or entry.actor_label == "organiser")
        else None
    )
    title = _title(sessions, details.get("session")) if details.get("session") else ""
    kind = entry.action
    if kind in ("registered", "registered_again"):
        values = {"who": who, "person": person}
        if kind == "registered_again" and person:
            sentence = _("%(who)s registered %(person)s again.") % values
        elif kind == "registered_again":
            sentence = _("%(who)s registered again.") % values
        elif details.get("status") == "waiting" and person:
            sentence = _("%(who)s registered %(person)s on the waiting list.") % values
        elif details.get("status") == "waiting":
            sentence = _("%(who)s registered and joined the waiting list.") % values
        elif person:
            sentence = _("%(who)s registered %(person)s.") % values
        else:
            sentence = _("%(who)s registered.") % values
        chosen = [
            _title(sessions, sid)
            for sid, status in sorted((details.get("sessions") or {}).items())
            if status != "cancelled"
        ]
        if chosen:
            sentence += " " + _("Workshops: %(titles)s.") % {"titles": ", ".join(chosen)}
        return sentence
    if kind in ("details_changed", "details_corrected"):
        fields = ", ".join(_field_label(f) for f in details.get("fields") or [])
        return _("%(who)s changed: %(fields)s.") % {"who": who, "fields": fields}
    if kind == "sessions_changed":
        return _sessions_changed(who, person, details, sessions)
    if kind == "cancelled":
        return _("%(who)s cancelled the registration.") % {"who": who}
    if kind == "deleted":
        return _("%(who)s deleted the person's data.") % {"who": who}
    if kind == "offer_accepted":
        if title:
            return _("%(who)s accepted the offered seat in %(title)s.") % {
                "who": who,
                "title": title,
            }
        return _("%(who)s accepted the offered seat at the conference.") % {"who": who}
    if kind == "offer_expired":
        return _("The seat offer for the conference expired.")
    if kind == "session_offer_expired":
        return _("The seat offer in %(title)s expired.") % {"title": title}
    if kind == "session_confirmed":
        return _("Got a seat in %(title)s from the waiting list.") % {"title": title}
    if kind == "session_offered":
        return _("Was offered a seat in %(title)s.") % {"title": title}
    if kind == "confirmed":
        return _("Got a seat at the conference from the waiting list.")
    if kind == "offered":
        return _("Was offered a seat at the conference.")
    if kind == "message_sent":
        if title:
            return _("%(who)s sent the message “%(subject)s” to %(title)s.") % {
                "who": who,
                "subject": details.get("subject", ""),
                "title": title,
            }
        return _("%(who)s sent the message “%(subject)s” to all confirmed attendees.") % {
            "who": who,
            "subject": details.get("subject", ""),
        }
    if kind in ("marked_present", "unmarked_present"):
        where = title or _day_text(details.get("day"))
        values = {"who": who, "person": person or _("the person"), "where": where}
        if kind == "marked_present":
            return _("%(who)s marked %(person)s present at %(where)s.") % values
        return _("%(who)s removed the mark that %(person)s was present at %(where)s.") % values
    if kind == "badge.issue":
        return _("%(who)s issued a new badge code.") % {"who": who}
    if kind == "badge.revoke":
        return _("%(who)s revoked the badge code.") % {"who": who}
    return pgettext("audit", "%(who)s: %(action)s") % {"who": who, "action": kind}
