"""The organiser's own registration questions and the answers people give.

A choice question stores its choices as lists of labels; an answer names choices by index, so a
label may be reworded, and choices added at the end, without changing what people answered.
Removing or reordering choices that have answers is refused. Answers go with the person
(`Answer` cascades from `Registration`).
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from conference.models import Conference

from ..errors import RegistrationError
from ..models import Answer, Question, QuestionKind, Registration

TEXT_MAX = 300
ANSWER_TEXT_MAX = 500
CHOICES_MAX = 60
NUMBER_LIMIT = 1_000_000_000

# Skåne's 33 municipalities (kommuner), in Swedish alphabetical order; the names are the same in
# English.
SKANE_MUNICIPALITIES = [
    "Bjuv",
    "Bromölla",
    "Burlöv",
    "Båstad",
    "Eslöv",
    "Helsingborg",
    "Hässleholm",
    "Höganäs",
    "Hörby",
    "Höör",
    "Klippan",
    "Kristianstad",
    "Kävlinge",
    "Landskrona",
    "Lomma",
    "Lund",
    "Malmö",
    "Osby",
    "Perstorp",
    "Simrishamn",
    "Sjöbo",
    "Skurup",
    "Staffanstorp",
    "Svalöv",
    "Svedala",
    "Tomelilla",
    "Trelleborg",
    "Vellinge",
    "Ystad",
    "Åstorp",
    "Ängelholm",
    "Örkelljunga",
    "Östra Göinge",
]


def _refuse(message, field=None):
    return RegistrationError("invalid_question", message, field)


def _clean_labels(labels, field) -> list[str]:
    cleaned = [str(label).strip() for label in (labels or []) if str(label).strip()]
    if len(cleaned) > CHOICES_MAX:
        raise _refuse(_("A question may have at most %(n)s choices.") % {"n": CHOICES_MAX}, field)
    if any(len(label) > 200 for label in cleaned):
        raise _refuse(_("A choice may be at most 200 characters long."), field)
    if len({label.casefold() for label in cleaned}) != len(cleaned):
        raise _refuse(_("Each choice may appear only once."), field)
    return cleaned


def _clean_question(kind, text, text_en, choices, choices_en) -> dict:
    if kind not in QuestionKind.values:
        raise _refuse(_("Choose a kind of question."), "kind")
    text, text_en = (text or "").strip(), (text_en or "").strip()
    if not text:
        raise _refuse(_("Write the question in Swedish."), "text")
    if len(text) > TEXT_MAX or len(text_en) > TEXT_MAX:
        raise _refuse(
            _("A question may be at most %(n)s characters long.") % {"n": TEXT_MAX}, "text"
        )
    choices = _clean_labels(choices, "choices")
    choices_en = _clean_labels(choices_en, "choices_en")
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(choices) < 2:
            raise _refuse(_("A choice question needs at least two choices."), "choices")
        if choices_en and len(choices_en) != len(choices):
            raise _refuse(_("Give as many English choices as Swedish ones, or none."), "choices_en")
    elif choices or choices_en:
        raise _refuse(_("Only choice questions have choices."), "choices")
    return {
        "kind": kind,
        "text": text,
        "text_en": text_en,
        "choices": choices,
        "choices_en": choices_en,
    }


def question_create(
    *,
    conference: Conference,
    kind: str,
    text: str,
    text_en: str = "",
    choices=(),
    choices_en=(),
    required: bool = False,
) -> Question:
    fields = _clean_question(kind, text, text_en, choices, choices_en)
    with transaction.atomic():
        last = Question.objects.filter(conference=conference).aggregate(m=Max("position"))["m"]
        return Question.objects.create(
            conference=conference,
            required=bool(required),
            position=0 if last is None else last + 1,
            **fields,
        )


def question_update(
    *,
    question: Question,
    text: str,
    text_en: str = "",
    choices=(),
    choices_en=(),
    required: bool = False,
) -> Question:
    """Reword a question or its choices, add choices at the end, make it required or not. Its
    kind stays; choices that have answers keep their place (removing one is refused)."""
    fields = _clean_question(question.kind, text, text_en, choices, choices_en)
    with transaction.atomic():
        removes = question.has_choices and len(fields["choices"]) < len(question.choices)
        if removes and Answer.objects.filter(question=question).exists():
            raise _refuse(
                _(
                    "People have answered this question: choices can be reworded or "
                    "added at the end, not removed."
                ),
                "choices",
            )
        for key, value in fields.items():
            setattr(question, key, value)
        question.required = bool(required)
        question.save(update_fields=[*fields, "required"])
    return question


def question_move(*, question: Question, up: bool) -> None:
    """Swap the question with its neighbour above (or below)."""
    with transaction.atomic():
        questions = list(Question.objects.filter(conference_id=question.conference_id))
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(questions):
            return
        questions[index], questions[other] = questions[other], questions[index]
        for position, item in enumerate(questions):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])


def question_delete(*, question: Question) -> None:
    """Delete the question and every answer to it."""
    question.delete()


def question_add_municipalities(*, conference: Conference, required: bool = False) -> Question:
    """The ready-made question "Which municipality?" with Skåne's 33 municipalities and a
    last choice for anywhere else."""
    return question_create(
        conference=conference,
        kind=QuestionKind.SINGLE,
        text="Vilken kommun kommer du från?",
        text_en="Which municipality are you from?",
        choices=[*SKANE_MUNICIPALITIES, "Utanför Skåne"],
        choices_en=[*SKANE_MUNICIPALITIES, "Outside Skåne"],
        required=required,
    )


def questions_required_exist(*, conference_slug: str) -> bool:
    """Whether the conference asks a question that must be answered (one query)."""
    return Question.objects.filter(conference__slug=conference_slug, required=True).exists()


def questions_of(conference: Conference) -> list[Question]:
    return list(Question.objects.filter(conference=conference))


def answer_clean(question: Question, value):
    """The stored form of an answer, or None for no answer. Raises `invalid_answer`."""
    field = f"question_{question.pk}"
    if value in (None, "", []):
        if question.required:
            raise RegistrationError("invalid_answer", _("This question must be answered."), field)
        return None
    kind = question.kind
    count = len(question.choices or [])
    try:
        if kind == QuestionKind.SINGLE:
            value = int(value)
            if not 0 <= value < count:
                raise ValueError
        elif kind == QuestionKind.MULTIPLE:
            value = sorted({int(v) for v in value})
            if any(not 0 <= v < count for v in value):
                raise ValueError
        elif kind == QuestionKind.TEXT:
            value = str(value).strip()
            if len(value) > ANSWER_TEXT_MAX:
                raise RegistrationError(
                    "invalid_answer",
                    _("Write at most %(n)s characters.") % {"n": ANSWER_TEXT_MAX},
                    field,
                )
            if not value:
                return answer_clean(question, None)
        elif kind == QuestionKind.NUMBER:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            value = int(value)
            if abs(value) >= NUMBER_LIMIT:
                raise ValueError
        elif kind == QuestionKind.YES_NO and not isinstance(value, bool):
            raise ValueError
    except (TypeError, ValueError):
        raise RegistrationError(
            "invalid_answer", _("That is not an answer this question takes."), field
        ) from None
    return value


def answers_set(*, registration: Registration, answers: dict[int, object]) -> None:
    """Store the person's answers to the conference's questions (a question left out, or
    answered with None, has no answer). Checks every answer first: one bad answer saves
    nothing."""
    questions = {q.pk: q for q in questions_of(registration.conference)}
    unknown = set(answers) - set(questions)
    if unknown:
        raise RegistrationError("invalid_answer", _("That question is not on this form."))
    cleaned = {pk: answer_clean(q, answers.get(pk)) for pk, q in questions.items()}
    with transaction.atomic():
        existing = {a.question_id: a for a in Answer.objects.filter(registration=registration)}
        Answer.objects.filter(
            registration=registration,
            question_id__in=[pk for pk, v in cleaned.items() if v is None and pk in existing],
        ).delete()
        new = []
        for pk, value in cleaned.items():
            if value is None:
                continue
            answer = existing.get(pk)
            if answer is None:
                new.append(Answer(registration=registration, question_id=pk, value=value))
            elif answer.value != value:
                answer.value = value
                answer.save(update_fields=["value"])
        Answer.objects.bulk_create(new)


def answer_text(question: Question, value, language=None) -> str:
    """An answer as a person reads it, in `language` (the active one by default)."""
    if value is None:
        return ""
    if question.kind == QuestionKind.SINGLE:
        labels = question.choice_labels(language)
        return labels[value] if 0 <= value < len(labels) else ""
    if question.kind == QuestionKind.MULTIPLE:
        labels = question.choice_labels(language)
        return ", ".join(labels[v] for v in value if 0 <= v < len(labels))
    if question.kind == QuestionKind.YES_NO:
        from django.utils import translation

        with translation.override(language or translation.get_language()):
            return str(_("Yes") if value else _("No"))
    return str(value)


def registration_create_answered(*, answers: dict[int, object], **arguments):
    """`registration_create` and the person's answers in one transaction: a refused answer
    saves no registration. A known address gets its registration back unchanged (answers
    included), as `registration_create` does."""
    from .registering import registration_create

    with transaction.atomic():
        registration, created = registration_create(**arguments)
        if created:
            answers_set(registration=registration, answers=answers)
    return registration, created


def registration_update_answered(*, registration: Registration, answers, **arguments):
    """`registration_update` and the answers in one transaction."""
    from .changes import registration_update

    with transaction.atomic():
        registration_update(registration=registration, **arguments)
        answers_set(registration=registration, answers=answers)
    return registration


def answers_of(registration: Registration) -> dict[int, object]:
    return dict(
        Answer.objects.filter(registration=registration).values_list("question_id", "value")
    )
