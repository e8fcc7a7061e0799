"""Every organiser page in Swedish: no English where the catalogue has Swedish, and none of
Django's own English form messages.

The routes come from organiser/urls.py itself, so pages added later are covered without
touching this file: `<slug>` is a conference the user organises, every other argument is tried
with the keys of a conference that has one of everything (`everything` below) until the page
answers. A route that answers only POST (405 to GET) is skipped. A page with a form that posts
back to itself is also posted empty, so that its error messages are checked too.

(a) A msgid of locale/sv/LC_MESSAGES/django.po with a non-empty Swedish msgstr must not appear
in its English form in the visible text (text nodes, title, alt, aria-label, placeholder; not
scripts, styles or elements marked with another language such as the link "English"). Whole
msgids are compared, split at their placeholders, where a piece has two words or more, or is
one word of five letters or more (so "Team" or "Save" cannot hit by chance). (b) Django's own
English form and validation messages must not appear at all.
"""

import re
from datetime import date
from html.parser import HTMLParser
from itertools import product
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone, translation

import organiser.urls
from checkin.models import BadgeJob, Checkpoint, DoorAssignment
from checkin.services import checkpoints_ensure, door_link_create
from checkin.services.badge_codes import badge_code_for
from conference.models import Session
from impact.models import EmailRule
from impact.rules import rule_run, rules_create_defaults
from registration.models import EmailLog, MessageSend, Registration, Signup
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SignupFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    local,
)

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
# Proper names that are the same in both languages and would otherwise match a msgid.
ALLOWLIST = {"Samla"}
# Django's own English that a Swedish form must never show (its forms, validators and models).
DJANGO_ENGLISH = [
    "This field is required",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "Ensure that there are no more",
    "is not one of the available choices",
    "This field cannot be",
    "already exists",
    "Enter a whole number",
    "Enter a number",
    "The two password fields",
    "This password is too",
    "Please correct the error",
    "Currently",
    "Clear",
    "Unknown",
    "Choose a file",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\{.*?\}\}|\{\w*\}")
TEXT_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")


def _po_entries(path: Path):
    """(msgid, msgid_plural, [msgstr ...]) of every entry that is not fuzzy."""
    entries, current, key, fuzzy = [], None, None, False

    def flush():
        if current and current["msgid"] and not fuzzy:
            entries.append(current)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            flush()
            current, key, fuzzy = None, None, False
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'(msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            if match.group(1) == "msgid" and current and current.get("msgid"):
                flush()
                fuzzy = False
                current = None
            current = current or {"msgid": "", "msgid_plural": "", "msgstr": []}
            key = match.group(1)
            if key.startswith("msgstr"):
                current["msgstr"].append("")
            value = bytes(match.group(2), "utf-8").decode("unicode_escape").encode("latin-1")
            value = value.decode("utf-8")
            if key.startswith("msgstr"):
                current["msgstr"][-1] += value
            else:
                current[key] += value
        elif line.startswith('"') and current is not None and key:
            value = bytes(line[1:-1], "utf-8").decode("unicode_escape").encode("latin-1")
            value = value.decode("utf-8")
            if key.startswith("msgstr"):
                current["msgstr"][-1] += value
            else:
                current[key] += value
    flush()
    return entries


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _telling(piece: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", piece)
    return len(words) >= 2 or (len(words) == 1 and len(words[0]) >= 5 and words[0] == piece)


def english_pieces() -> list[str]:
    """Pieces of English that have a Swedish translation and that Swedish text never contains."""
    pieces = set()
    for entry in _po_entries(CATALOGUE):
        swedish = " ".join(_squash(s) for s in entry["msgstr"])
        if not any(s.strip() for s in entry["msgstr"]):
            continue
        for msgid in (entry["msgid"], entry["msgid_plural"]):
            for piece in PLACEHOLDER.split(_squash(msgid)):
                piece = piece.strip(" .,:;!?()[]·–-—\"'“”")
                if piece and _telling(piece) and piece not in swedish and piece not in ALLOWLIST:
                    pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


class VisibleText(HTMLParser):
    """The text a person sees or hears, without scripts, styles and other-language parts."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, hidden)
        self.parts = []
        self.forms = []  # (method, action, field names)

    @property
    def hidden(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        hidden = (
            self.hidden
            # <code> holds literal identifiers (a spreadsheet's column names), not prose.
            or tag in ("script", "style", "template", "code")
            or (lang is not None and not lang.startswith("sv"))
        )
        if not hidden:
            self.parts.extend(attrs[a] for a in TEXT_ATTRIBUTES if attrs.get(a))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag == "form":
            self.forms.append([(attrs.get("method") or "get").lower(), attrs.get("action"), []])
        named = attrs.get("name") not in (None, "csrfmiddlewaretoken")
        visible_field = named and attrs.get("type") != "hidden"
        if tag in ("input", "select", "textarea") and self.forms and visible_field:
            self.forms[-1][2].append(attrs["name"])
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

    def text(self):
        # {name}-style placeholders of scheduled e-mails are literal identifiers, like <code>.
        return _squash(re.sub(r"\{\w+\}", " ", " ".join(self.parts)))


def visible(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def organiser_routes(patterns=None, prefix=""):
    """(url name, argument names, converters) of every named route of organiser/urls.py."""
    for pattern in patterns if patterns is not None else organiser.urls.urlpatterns:
        if isinstance(pattern, URLResolver):
            yield from organiser_routes(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"every organiser route needs a name: {pattern.pattern}"
            converters = getattr(pattern.pattern, "converters", {})
            names = list(pattern.pattern.regex.groupindex)
            yield pattern.name, names, converters


@pytest.fixture
def everything():
    """A conference with one of everything an organiser page may be about."""
    conference = ConferenceFactory(
        slug="allt",
        name="Lärkonferens 2027",
        name_en="Learning Conference 2027",
        start=local(2027, 3, 16, 12, 0),
        end=local(2027, 3, 17, 13, 30),
        registration_closes=date(2027, 3, 7),
        is_published=False,
    )
    organiser = UserFactory(username="arrangor", is_staff=True, first_name="Anna")
    conference.organisers.add(organiser)
    volunteer = UserFactory(username="dorr", is_staff=False, first_name="Dora")
    assignment = DoorAssignment.objects.create(conference=conference, user=volunteer)
    room = RoomFactory(conference=conference, name="Aulan", capacity=40)
    track = TrackFactory(conference=conference, name="Samverkan")
    speaker = SpeakerFactory(conference=conference, name="Lena Lind", organisation="Region Skåne")
    workshop = SessionFactory(
        conference=conference, title="Verkstad om samverkan", kind=Session.Kind.WORKSHOP,
        requires_signup=True, capacity=2, room=room, track=track,
        start=local(2027, 3, 16, 14, 0), end=local(2027, 3, 16, 15, 0),
    )  # fmt: skip
    workshop.speakers.add(speaker)
    lunch = SessionFactory(
        conference=conference, title="Lunch", kind=Session.Kind.MEAL,
        start=local(2027, 3, 16, 12, 0), end=local(2027, 3, 16, 13, 0),
    )  # fmt: skip
    confirmed = RegistrationFactory(
        conference=conference, name="Karin Karlsson", diets=["vegetarian"], diet_other="Nötter"
    )
    confirmed.meals.add(lunch)
    SignupFactory(registration=confirmed, session=workshop, status=Signup.Status.CONFIRMED)
    waiting = RegistrationFactory(
        conference=conference, name="Vera Väntar", status=Registration.Status.WAITING,
        waiting_since=timezone.now(),
    )  # fmt: skip
    cancelled = RegistrationFactory(
        conference=conference, name="Anders Avbokad", status=Registration.Status.CANCELLED
    )
    email = EmailLog.objects.create(
        conference=conference, registration=confirmed, kind=EmailLog.Kind.CONFIRMATION,
        to=confirmed.email, subject="Välkommen", status=EmailLog.Status.FAILED, error="550",
    )  # fmt: skip
    checkpoints_ensure(conference=conference)
    badge = badge_code_for(confirmed, actor=organiser)
    door_link, _secret = door_link_create(conference=conference, user=volunteer, actor=organiser)
    job = BadgeJob.objects.create(
        conference=conference,
        requested_by=organiser,
        kind=BadgeJob.Kind.CARD,
        count=1,
        status=BadgeJob.Status.DONE,
    )
    job.file.save("namnbrickor.pdf", ContentFile(b"%PDF-1.4"))
    send = MessageSend.objects.create(
        conference=conference, key="k1", subject="Välkomna", body="Hej!", actor=organiser
    )
    rules = rules_create_defaults(conference=conference)
    rule_run(rule=rules[0])
    from registration.services import question_create

    question = question_create(
        conference=conference,
        kind="single",
        text="Typ av organisation",
        choices=["Kommun", "Region"],
    )
    objects = [
        confirmed, waiting, cancelled, workshop, lunch, room, track, speaker, email, assignment,
        job, badge, volunteer, door_link, send, question,
        *Checkpoint.objects.filter(conference=conference),
        *EmailRule.objects.filter(conference=conference),
    ]  # fmt: skip
    return conference, organiser, objects


def candidates(name, converter, conference, objects):
    if name == "slug":
        return [conference.slug]
    ints = sorted({obj.pk for obj in objects})
    texts = [getattr(obj, attr) for obj in objects for attr in ("code", "manage_token", "token")
             if isinstance(getattr(obj, attr, None), str)]  # fmt: skip
    if isinstance(converter, IntConverter):
        return ints
    return texts + [str(i) for i in ints]


def test_every_organiser_page_is_swedish_in_swedish(client, everything):
    conference, organiser, objects = everything
    client.force_login(organiser)
    pieces = english_pieces()
    found, unreachable, checked = {}, [], []
    with translation.override("sv"):
        for name, arguments, converters in organiser_routes():
            options = [
                candidates(arg, converters.get(arg), conference, objects) for arg in arguments
            ]
            response = None
            for values in product(*options):
                kwargs = dict(zip(arguments, values, strict=True))
                path = reverse(f"organiser:{name}", kwargs=kwargs)
                response = client.get(path, follow=True)
                if response.status_code not in (404, 403):
                    break
            if response.status_code == 405:
                continue  # POST only
            if "text/html" not in response.get("Content-Type", ""):
                continue  # a download or a JSON endpoint: not a page
            # 400: a page that says what is wrong with its link (an used invitation): a page too.
            if response.status_code not in (200, 400):
                unreachable.append(f"{name}: {response.status_code}")
                continue
            pages = [(path, response)]
            page = visible(response.content.decode())
            for method, action, fields in page.forms:
                if method == "post" and fields and action in (None, "", path):
                    pages.append((f"{path} (posted empty)", client.post(path, {})))
            for where, answer in pages:
                if "text/html" not in answer.get("Content-Type", ""):
                    continue
                html = answer.content.decode()
                # A whole page says it is Swedish; a fragment (for htmx) has no <html> of its own.
                assert "<html" not in html or '<html lang="sv">' in html, where
                text = visible(html).text()
                english = [p for p in pieces if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
                english += [p for p in DJANGO_ENGLISH if p in text]
                if english:
                    found[where] = english
                checked.append(where)

    assert unreachable == [], "add what these pages need to the `everything` fixture"
    assert found == {}, "\n".join(f"{where}: {english}" for where, english in found.items())
    assert len(checked) >= 7


def test_the_check_finds_english_that_has_a_swedish_translation():
    pieces = english_pieces()
    text = visible(
        '<html lang="sv"><title>Översikt</title><p>Nothing in the programme needs your '
        'attention.</p><a lang="en" href="/en/">English</a><script>var x="Overview";</script>'
    ).text()

    hits = [p for p in pieces if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]

    assert hits == ["Nothing in the programme needs your attention"]
