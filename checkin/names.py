"""Name search at the door that ignores case and diacritics in both directions.

"odeg", "Ödeg" and "OEDEG" all find Ödegaard, and "ödeg" finds a person registered as Oedegaard:
a text is folded two ways, the plain way (Ö→o, Ø→o, Å→a, Æ→ae, ß→ss) and the spelled-out way
that German, Danish and Norwegian use without the letters (Ö→oe, Ø→oe, Å→aa, Ä→ae, Ü→ue), and a
query matches when any fold of it is inside any fold of the name or organisation.
static/checkin/names.js does the same on the phone; tests/checkin/test_names.py keeps them equal.
"""

import unicodedata

# Letters NFKD does not split into a base letter and a mark.
_PLAIN = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ı": "i"}
)
_SPELLED = {"ö": "oe", "ø": "oe", "ä": "ae", "æ": "ae", "å": "aa", "ü": "ue"}


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The plain fold: lower case, no diacritics."""
    return _strip_marks((text or "").casefold()).translate(_PLAIN)


def folds(text: str) -> set[str]:
    """The plain and the spelled-out fold of `text`."""
    lower = unicodedata.normalize("NFC", (text or "").casefold())
    spelled = "".join(_SPELLED.get(c, c) for c in lower)
    return {fold(lower), fold(spelled)}


def matches(query_folds: set[str], *texts: str) -> bool:
    return any(q in f for text in texts if text for f in folds(text) for q in query_folds)
