"""The evaluation's results: figures per question, feedback per session, the headline figures
for the impact report, and the table behind the CSV/XLSX exports."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference, Session
from registration.exports import Table
from registration.models import QuestionKind, Registration

from .attendance import attendance_get
from .models import Evaluation, EvaluationQuestion, EvaluationResponse, SessionFeedback


def _evaluation_get(conference):
    from .evaluation import evaluation_get

    return evaluation_get(conference=conference)


@dataclass
class Figure:
    """One question's result: counts per option (in order), and a mean where it means
    something."""

    label: str
    counts: list[tuple[str, int]] = field(default_factory=list)
    mean: float | None = None
    total: int | None = None
    answers: int = 0
    texts: list[str] = field(default_factory=list)


@dataclass
class SessionResult:
    session: Session
    answers: int
    mean: float | None
    counts: list[tuple[str, int]]
    comments: list[str]


@dataclass
class Results:
    evaluation: Evaluation
    invited: int
    invited_are_present: bool
    respondents: int
    figures: list[Figure]
    comments: list[str]
    sessions: list[SessionResult]

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.respondents / self.invited, 1) if self.invited else None


def _mean(values) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 2) if values else None


def _scale(values) -> list[tuple[str, int]]:
    counts = Counter(values)
    return [(str(n), counts[n]) for n in range(1, 6)]


def _own_figure(question: EvaluationQuestion, responses) -> Figure:
    key = str(question.pk)
    given = [r.answers[key] for r in responses if r.answers.get(key) not in (None, "", [])]
    figure = Figure(label=question.localized("text"), answers=len(given))
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        counts = Counter()
        for answer in given:
            counts.update(answer if isinstance(answer, list) else [answer])
        labels = question.localized("choices")
        figure.counts = [
            (labels[i] if i < len(labels) else choice, counts[choice])
            for i, choice in enumerate(question.choices)
        ]
    elif question.kind == QuestionKind.YES_NO:
        counts = Counter(bool(a) for a in given)
        figure.counts = [(_("Yes"), counts[True]), (_("No"), counts[False])]
    elif question.kind == QuestionKind.NUMBER:
        numbers = [a for a in given if isinstance(a, int | float)]
        figure.mean, figure.total = _mean(numbers), sum(numbers)
    else:
        figure.texts = [str(a) for a in given]
    return figure


def evaluation_results(*, conference: Conference) -> Results:
    """Every figure of the results page and the exports, in a fixed number of queries."""
    evaluation = _evaluation_get(conference)
    responses = list(evaluation.responses.all())
    questions = list(evaluation.questions.all())
    attendance = attendance_get(conference=conference)
    present = (
        Registration.objects.filter(pk__in=attendance.present())
        .exclude(status=Registration.Status.CANCELLED)
        .count()
    )
    invited = (
        present or conference.registrations.filter(status=Registration.Status.CONFIRMED).count()
    )
    values = [r.value for r in responses]
    learned = Counter(r.learned for r in responses)
    cooperate = Counter(r.cooperate for r in responses)
    figures = [
        Figure(
            label=str(EvaluationResponse._meta.get_field("value").verbose_name),
            counts=_scale(values),
            mean=_mean(values),
            answers=len(values),
        ),
        Figure(
            label=str(EvaluationResponse._meta.get_field("learned").verbose_name),
            counts=[(label, learned[key]) for key, label in EvaluationResponse.Learned.choices],
            answers=len(responses),
        ),
        Figure(
            label=str(EvaluationResponse._meta.get_field("contacts").verbose_name),
            mean=_mean(r.contacts for r in responses),
            total=sum(r.contacts for r in responses),
            answers=len(responses),
        ),
        Figure(
            label=str(EvaluationResponse._meta.get_field("cooperate").verbose_name),
            counts=[(_("Yes"), cooperate[True]), (_("No"), cooperate[False])],
            answers=len(responses),
        ),
        *[_own_figure(q, responses) for q in questions],
    ]
    feedback_by_session: dict[int, list[SessionFeedback]] = {}
    for feedback in SessionFeedback.objects.filter(session__conference=conference):
        feedback_by_session.setdefault(feedback.session_id, []).append(feedback)
    sessions = [
        SessionResult(
            session=session,
            answers=len(items),
            mean=_mean(f.rating for f in items),
            counts=_scale(f.rating for f in items),
            comments=[f.comment for f in items if f.comment],
        )
        for session in Session.objects.filter(pk__in=feedback_by_session).order_by("start", "id")
        for items in [feedback_by_session[session.pk]]
    ]
    return Results(
        evaluation=evaluation,
        invited=invited,
        invited_are_present=bool(present),
        respondents=len(responses),
        figures=figures,
        comments=[r.different for r in responses if r.different],
        sessions=sessions,
    )


def evaluation_headlines(*, conference: Conference) -> dict:
    """The headline figures for the impact report: response rate (per cent), respondents,
    mean overall value (1-5), share who learned something they will use (yes), new contacts
    (total and mean), share who plan to cooperate (per cent). None while the conference has no
    evaluation (reading the report never makes one)."""
    if not Evaluation.objects.filter(conference=conference).exists():
        return None
    evaluation = _evaluation_get(conference)
    responses = EvaluationResponse.objects.filter(evaluation=evaluation)
    figures = responses.aggregate(
        respondents=Count("id"), value=Avg("value"), contacts=Avg("contacts")
    )
    results = evaluation_results(conference=conference)
    n = figures["respondents"]

    def share(count):
        return round(100 * count / n, 1) if n else None

    return {
        "respondents": n,
        "invited": results.invited,
        "response_rate": results.response_rate,
        "value_mean": round(figures["value"], 2) if n else None,
        "learned_yes": share(responses.filter(learned="yes").count()),
        "contacts_total": sum(responses.values_list("contacts", flat=True)),
        "contacts_mean": round(figures["contacts"], 2) if n else None,
        "cooperate_yes": share(responses.filter(cooperate=True).count()),
    }


def evaluation_table(*, conference: Conference) -> Table:
    """One row per answer for CSV/XLSX; names only when the evaluation is named."""
    evaluation = _evaluation_get(conference)
    questions = list(evaluation.questions.all())
    responses = list(evaluation.responses.select_related("registration"))
    zone = conference.time_zone
    headers = [_("Answered")]
    if not evaluation.is_anonymous:
        headers += [_("Name"), _("E-mail")]
    headers += [
        str(EvaluationResponse._meta.get_field(name).verbose_name)
        for name in ("value", "learned", "contacts", "cooperate", "different")
    ] + [q.localized("text") for q in questions]
    rows = []
    with timezone.override(zone):
        for r in responses:
            row = [r.submitted_at]
            if not evaluation.is_anonymous:
                person = r.registration
                row += [person.name if person else "", person.email if person else ""]
            row += [
                r.value,
                r.get_learned_display(),
                r.contacts,
                _("Yes") if r.cooperate else _("No"),
                r.different,
            ]
            for q in questions:
                answer = r.answers.get(str(q.pk))
                if isinstance(answer, list):
                    answer = ", ".join(answer)
                elif isinstance(answer, bool):
                    answer = _("Yes") if answer else _("No")
                row.append(answer if answer is not None else "")
            rows.append(row)
    return Table(headers=headers, rows=rows)
