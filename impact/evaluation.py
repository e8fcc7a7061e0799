"""The evaluation: answering it (the funders' questions, the organiser's own, feedback per
session), its results, and the headline figures for the impact report.

One answer per person: an `Answered` row (unique per person, and per person and session) is
inserted in the same transaction as the answer. A named answer can be changed until the
evaluation closes; an anonymous one is stored without the person and cannot be found again, so
it cannot be changed: the `Answered` row refuses a second one.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference, Session
from registration.models import QuestionKind, Registration

from .errors import ImpactError
from .models import Answered, Evaluation, EvaluationQuestion, EvaluationResponse, SessionFeedback

# An evaluation closes this long after the conference ends unless the organiser says otherwise.
OPEN_FOR = timedelta(days=21)
# Sessions without anything to give feedback on.
NO_FEEDBACK_KINDS = (Session.Kind.BREAK, Session.Kind.MEAL)


def evaluation_get(*, conference: Conference) -> Evaluation:
    """The conference's evaluation, made on first use (closing three weeks after the end)."""
    evaluation, _created = Evaluation.objects.get_or_create(
        conference=conference, defaults={"closes_at": conference.end + OPEN_FOR}
    )
    evaluation.conference = conference
    return evaluation


def evaluation_state(evaluation: Evaluation, now: datetime | None = None) -> str:
    """ "not_open" before the conference starts, "open", or "closed"."""
    now = now or timezone.now()
    if now < evaluation.conference.start:
        return "not_open"
    if now >= evaluation.closes_at:
        return "closed"
    return "open"


def evaluation_settings_save(
    *, evaluation: Evaluation, is_anonymous: bool, closes_at: datetime
) -> Evaluation:
    """Change the mode or the closing time. The mode is fixed once someone has answered: the
    answers already given were promised their mode."""
    if is_anonymous != evaluation.is_anonymous and evaluation.responses.exists():
        raise ImpactError(
            "mode_fixed",
            _("The mode cannot change once someone has answered."),
            "is_anonymous",
        )
    if closes_at <= evaluation.conference.start:
        raise ImpactError(
            "closes_before_start",
            _("The evaluation must close after the conference starts."),
            "closes_at",
        )
    evaluation.is_anonymous, evaluation.closes_at = is_anonymous, closes_at
    evaluation.save(update_fields=["is_anonymous", "closes_at"])
    return evaluation


def question_add(*, evaluation: Evaluation, **fields) -> EvaluationQuestion:
    if fields.get("kind") in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and not fields.get(
        "choices"
    ):
        raise ImpactError("no_choices", _("Give the choices, one per line."), "choices")
    if fields.get("choices_en") and len(fields["choices_en"]) != len(fields.get("choices", [])):
        raise ImpactError(
            "choices_differ",
            _("Give as many English choices as Swedish ones, or none."),
            "choices_en",
        )
    position = evaluation.questions.count()
    return EvaluationQuestion.objects.create(evaluation=evaluation, position=position, **fields)


def question_delete(*, question: EvaluationQuestion) -> None:
    question.delete()


def _check_person(evaluation: Evaluation, registration: Registration, now: datetime) -> None:
    if registration.conference_id != evaluation.conference_id:
        raise ImpactError("other_conference", _("That person belongs to another conference."))
    if registration.status != Registration.Status.CONFIRMED:
        raise ImpactError("not_confirmed", _("Only people with a seat can answer."))
    state = evaluation_state(evaluation, now)
    if state == "not_open":
        raise ImpactError("not_open", _("The evaluation opens when the conference starts."))
    if state == "closed":
        raise ImpactError("closed", _("The evaluation has closed; answers can no longer change."))


def evaluation_answer_get(
    *, evaluation: Evaluation, registration: Registration
) -> EvaluationResponse | None:
    """The person's own answer, to show and change; None when anonymous or not answered."""
    if evaluation.is_anonymous:
        return None
    return EvaluationResponse.objects.filter(
        evaluation=evaluation, registration=registration
    ).first()


def has_answered(*, registration: Registration, session: Session | None = None) -> bool:
    return Answered.objects.filter(registration=registration, session=session).exists()


def evaluation_submit(
    *,
    evaluation: Evaluation,
    registration: Registration,
    value: int,
    learned: str,
    contacts: int,
    cooperate: bool,
    different: str = "",
    answers: dict | None = None,
    now: datetime | None = None,
) -> EvaluationResponse:
    """Save the person's answer: the first, or (named mode) a change to it. Refused, nothing
    saved: not open, closed, no seat, or a second anonymous answer."""
    now = now or timezone.now()
    _check_person(evaluation, registration, now)
    if not 1 <= value <= 5:
        raise ImpactError("value_range", _("Choose 1 to 5."), "value")
    fields = {
        "value": value,
        "learned": learned,
        "contacts": contacts,
        "cooperate": cooperate,
        "different": different.strip(),
        "answers": answers or {},
    }
    try:
        with transaction.atomic():
            if evaluation.is_anonymous:
                # The unique row refuses a second answer, also one sent at the same moment.
                Answered.objects.create(registration=registration)
                return EvaluationResponse.objects.create(evaluation=evaluation, **fields)
            Answered.objects.get_or_create(registration=registration, session=None)
            response, _created = EvaluationResponse.objects.update_or_create(
                evaluation=evaluation, registration=registration, defaults=fields
            )
            return response
    except IntegrityError:
        raise ImpactError(
            "already_answered",
            _("You have already answered; an anonymous answer cannot be changed."),
        ) from None


def feedback_sessions(*, conference: Conference, now: datetime | None = None) -> list[Session]:
    """Sessions open for feedback: started, not cancelled, not a break or a meal."""
    now = now or timezone.now()
    return list(
        Session.objects.filter(conference=conference, start__lte=now)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(kind__in=NO_FEEDBACK_KINDS)
        .select_related("room")
        .order_by("start", "id")
    )


def session_feedback_submit(
    *,
    evaluation: Evaluation,
    registration: Registration,
    session: Session,
    rating: int,
    comment: str = "",
    now: datetime | None = None,
) -> SessionFeedback:
    """Feedback on a session, from its start until the evaluation closes; one per person and
    session (changeable when named)."""
    now = now or timezone.now()
    _check_person(evaluation, registration, now)
    if session.conference_id != evaluation.conference_id or session.kind in NO_FEEDBACK_KINDS:
        raise ImpactError("no_such_session", _("There is no such session."))
    if now < session.start:
        raise ImpactError("session_not_started", _("Feedback opens when the session starts."))
    if not 1 <= rating <= 5:
        raise ImpactError("rating_range", _("Choose 1 to 5."), "rating")
    try:
        with transaction.atomic():
            if evaluation.is_anonymous:
                Answered.objects.create(registration=registration, session=session)
                return SessionFeedback.objects.create(
                    session=session, rating=rating, comment=comment.strip()
                )
            Answered.objects.get_or_create(registration=registration, session=session)
            feedback, _created = SessionFeedback.objects.update_or_create(
                session=session,
                registration=registration,
                defaults={"rating": rating, "comment": comment.strip()},
            )
            return feedback
    except IntegrityError:
        raise ImpactError(
            "already_answered",
            _("You have already answered; an anonymous answer cannot be changed."),
        ) from None


def evaluation_not_answered(*, conference: Conference, attendance=None):
    """Present people who have not answered the evaluation (the reminder's audience)."""
    from .attendance import present_registrations

    answered = Answered.objects.filter(
        registration__conference=conference, session__isnull=True
    ).values("registration_id")
    return present_registrations(conference=conference, attendance=attendance).exclude(
        pk__in=answered
    )


# The results live in their own module; imported here so that `impact.evaluation` stays the one
# address for the evaluation (the organiser's views and the tests import the results from here).
from .evaluation_results import (  # noqa: E402, F401
    Figure,
    Results,
    SessionResult,
    evaluation_headlines,
    evaluation_results,
    evaluation_table,
)
