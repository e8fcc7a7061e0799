"""Writes to registrations: every rule that protects seats, deadlines and waiting-list order.

Seats are counted in `SeatCounter` rows (see registration.seats) and taken with one
conditional UPDATE each, so no pool can be oversold. Registering, the hot path, does its reads,
checks and inserts first and takes its seats last, right before COMMIT, so the counter rows are
locked only for those UPDATEs and the COMMIT; if no seat is left it turns its rows into
waiting-list places. Every other seat change (cancel, swap, offers, deletion, promotion from the
waiting list) first locks the conference's counter row and works under that lock, so the
waiting lists move in order. SQLite's IMMEDIATE transactions serialise writers. E-mails are an
`EmailLog` row in the transaction, handed to Celery with `transaction.on_commit()`.

The package: `checks` (input and the window), `waiting` (locks, audit, waiting lists),
`registering` (the hot path), `changes` (changes, cancels, deletion, offers, export) and
`messages` (organiser messages). Callers import from `registration.services`.
"""

from .changes import (
    offer_accept,
    registration_cancel,
    registration_correct,
    registration_delete,
    registration_expire_offers,
    registration_export,
    registration_update,
    signup_swap,
    signups_change,
)
from .checks import (
    DETAIL_FIELDS,
    DOUBLE_SUBMIT_WINDOW,
    LANGUAGES,
    LIMITS,
    SESSION_FIELDS,
    clean_details,
    clean_email,
    registration_deadline,
    registration_last_day,
    registration_window_state,
)
from .groups import group_of, group_register, registration_substitute
from .messages import (
    organiser_message_fan_out,
    organiser_message_preview,
    organiser_message_send,
)
from .questions import (
    SKANE_MUNICIPALITIES,
    answer_clean,
    answer_text,
    answers_of,
    answers_set,
    question_add_municipalities,
    question_create,
    question_delete,
    question_move,
    question_update,
    questions_of,
    questions_required_exist,
    registration_create_answered,
    registration_update_answered,
)
from .registering import (
    registration_arguments,
    registration_create,
)
from .testing import registration_test_send
from .waiting import (
    audit,
    conference_seats_taken,
    seats_hand_out,
    session_seats_taken,
)

__all__ = [
    "offer_accept",
    "registration_cancel",
    "registration_correct",
    "registration_delete",
    "registration_expire_offers",
    "registration_export",
    "registration_update",
    "signup_swap",
    "signups_change",
    "DETAIL_FIELDS",
    "DOUBLE_SUBMIT_WINDOW",
    "LANGUAGES",
    "LIMITS",
    "SESSION_FIELDS",
    "clean_details",
    "clean_email",
    "registration_deadline",
    "registration_last_day",
    "registration_window_state",
    "group_of",
    "group_register",
    "registration_substitute",
    "organiser_message_fan_out",
    "organiser_message_preview",
    "organiser_message_send",
    "SKANE_MUNICIPALITIES",
    "answer_clean",
    "answer_text",
    "answers_of",
    "answers_set",
    "question_add_municipalities",
    "question_create",
    "question_delete",
    "question_move",
    "question_update",
    "questions_of",
    "questions_required_exist",
    "registration_create_answered",
    "registration_update_answered",
    "registration_arguments",
    "registration_create",
    "registration_test_send",
    "audit",
    "conference_seats_taken",
    "seats_hand_out",
    "session_seats_taken",
]
