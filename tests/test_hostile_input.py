"""Hostile values into every page: never a server error, and nothing saved when the answer is
an error.

The pages are found generically, so that pages added later are covered without a change here:
the URL resolver gives every route (the admin and the API excepted: Django's own admin, and
tests/test_api_properties.py for the API) and its URL parameters; each is opened with real
objects (a conference, a registration's tokens, a session code, ids of the rows a route may
name), as an anonymous visitor, an organiser or a door volunteer, whoever gets the page; lxml
finds its <form>s, their fields and submit buttons, and the query parameters of its GET forms
and links. Then every field, URL parameter and query parameter gets each hostile value.

Each hostile request runs in a savepoint that is rolled back, so every request starts from the
same database; when the answer is an error (4xx, or a form shown again with its errors), the
tables' contents must still equal that starting point."""

import hashlib
import logging
from datetime import timedelta
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import lxml.html
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from checkin.models import BadgeJob, Checkpoint
from checkin.services import badge_code_for
from conference.materials import material_add
from conference.models import Session
from tests.factories import (
    SessionFactory,
)
from tests.worlds import conference_in_use

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "a\x00b",
    "\x01\x02\x08\x0b\x1b[31m\x7f",
    "line\r\nSet-Cookie: x=1",
    "9" * 23,
    "-" + "9" * 23,
    "1e309",
    "x" * 100_000,
    "\u202eevil\u202c \u200fرتب\u200e",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "' OR '1'='1' --",
    '"; DROP TABLE registration_registration; --',
    "",
    "2027-02-30T25:61",
    "\ufeff\U0001f642" * 20,
]
# In a URL also bytes that are not UTF-8 (sent percent-encoded as they are).
HOSTILE_IN_URL = [quote(value, safe="") for value in HOSTILE] + ["%ff%fe", "%ed%a0%80", "%c0%af"]
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"logout"}  # would end the role's log-in for the rest of the walk
UNCHANGING = {"sessions.session"}  # the log-in sessions of the three clients
SAMLA_APPS = {"conference", "registration", "checkin", "organiser", "impact"}
# Links whose parameters are secrets sent by e-mail or printed (an invitation, a printed door
# log-in, a certificate's code), or that answer only after the conference (the certificate):
# a wrong value or moment opens their refusal page, and that page takes the hostile values.
SECRET_LINKS = {
    "checkin:door-link",
    "organiser:team-welcome",
    "impact:verify",
    "impact:certificate-download",
}


def routes():
    """(name, converters) of every route outside the admin and the API."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or None)
            elif isinstance(pattern, URLPattern) and pattern.name:
                path = prefix + str(pattern.pattern)
                if path.startswith("api/") or pattern.name in SKIPPED_NAMES:
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                converters = pattern.pattern.converters.items()
                found.append((name, tuple(sorted((k, type(v).__name__) for k, v in converters))))

    walk(get_resolver().url_patterns, "", None)
    return sorted(set(found))


def snapshot():
    """A digest of every table's rows (the log-in sessions aside)."""
    digest = {}
    for model in apps.get_models():
        if model._meta.label_lower in UNCHANGING:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digest[model._meta.label_lower] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digest


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = conference_in_use()
    conference, room, track = world.conference, world.room, world.track
    workshop, speaker, registration = world.workshop, world.speaker, world.registration
    organiser, door = world.organiser, world.door
    job = BadgeJob.objects.create(
        conference=conference, kind="a6", filters={}, status=BadgeJob.Status.DONE, count=1
    )
    job.file.save(f"hostile-test-{job.pk}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    # A session already held, so that its feedback form (open from the session's start) shows.
    held = SessionFactory(
        conference=conference,
        kind=Session.Kind.SEMINAR,
        start=timezone.now() - timedelta(hours=2),
        end=timezone.now() - timedelta(hours=1),
    )
    material = material_add(
        session=workshop,
        title="Bilder",
        upload=SimpleUploadedFile("bilder.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    clients = {"anonymous": Client()}
    for role, user in (("organiser", organiser), ("door", door)):
        clients[role] = Client()
        clients[role].force_login(user)
    known = [registration.pk, *Checkpoint.objects.values_list("pk", flat=True), job.pk]
    known += [room.pk, track.pk, workshop.pk, speaker.pk, organiser.pk, door.pk, material.pk]
    known += [held.pk]
    return {
        "clients": clients,
        # What a URL parameter may name: strings by their converter; ids of these rows first,
        # then of every row of Samla's own apps, so that a page added later (an organiser
        # page naming a speaker, a door, a message ...) opens too.
        "str": [
            conference.slug,
            registration.manage_token,
            registration.calendar_token,
            badge_code_for(registration).code,
        ],
        "code": list(Session.objects.values_list("code", flat=True)),
        "int": list(dict.fromkeys([*known, *_every_id()])),
    }


def _every_id():
    for model in apps.get_models():
        if model._meta.app_label in SAMLA_APPS:
            ids = model._base_manager.order_by("pk").values_list("pk", flat=True)[:20]
            yield from (pk for pk in ids if isinstance(pk, int))


def _candidates(world, kwarg, converter):
    if converter == "IntConverter":
        return world["int"]
    if kwarg == "code":
        return world["code"]
    return world["str"] + world["code"]


def _open(world, name, kwargs):
    """The first (url, role, response) that shows the route with real objects, or None."""
    names = [kwarg for kwarg, _converter in kwargs]
    choices = [[{}]]
    for kwarg, converter in kwargs:
        choices.append([{kwarg: value} for value in _candidates(world, kwarg, converter)])
    combos = [{}]
    for options in choices[1:]:
        combos = [{**combo, **option} for combo in combos for option in options]
    post_only = None
    for combo in combos:
        url = reverse(name, kwargs=combo) if names else reverse(name)
        for role, client in world["clients"].items():
            response = client.get(url)
            if response.status_code == 200:
                return url, role, combo, response
            if name in SECRET_LINKS and response.status_code in (400, 403, 404, 409):
                return url, role, combo, response
            if response.status_code in (302, 405) and post_only is None:
                # An action only posted to: its forms are on the pages that show them.
                post_only = url, role, combo, response
    return post_only


def _forms(url, response):
    """(method, action, enctype, variants) of the page's forms; a variant is one submit button's
    fields, each a list of (name, value) pairs."""
    if not response.get("Content-Type", "").startswith("text/html") or not response.content.strip():
        return []
    page = lxml.html.fromstring(response.content)
    found = []
    for form in page.forms:
        method = (form.get("method") or "get").lower()
        action = urljoin(url, form.get("action") or url)
        fields, buttons = [], []
        for element in form.iter("input", "select", "textarea", "button"):
            name = element.get("name")
            if not name:
                continue
            kind = (element.get("type") or "").lower()
            if element.tag == "button" or kind in ("submit", "image"):
                buttons.append((name, element.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    fields.append((name, element.get("value") or "on"))
            elif element.tag == "select":
                options = element.xpath(".//option")
                chosen = [o for o in options if o.get("selected") is not None] or options[:1]
                fields += [(name, o.get("value", o.text_content())) for o in chosen]
            elif element.tag == "textarea":
                fields.append((name, element.text or ""))
            else:
                fields.append((name, element.get("value") or ""))
        # Check boxes and radios that are off are fields too: hostile values go to them as well.
        names = {name for name, _ in fields} | {
            e.get("name") for e in form.inputs if e.get("name") and e.get("type") != "submit"
        }
        variants = [fields + [button] for button in buttons] or [fields]
        found.append((method, action, form.get("enctype") or "", variants, sorted(names)))
    return found


def _links_query_names(url, response):
    if not response.get("Content-Type", "").startswith("text/html") or not response.content.strip():
        return set()
    page = lxml.html.fromstring(response.content)
    names = set()
    for href in page.xpath("//a/@href"):
        target = urlsplit(urljoin(url, href))
        if target.path == urlsplit(url).path:
            names |= {key for key, _ in parse_qsl(target.query, keep_blank_values=True)}
    return names


class Walk:
    def __init__(self, baseline):
        self.baseline = baseline
        self.tried = 0
        self.refused = 0
        self.failures = []

    def send(self, client, label, method, url, data=None, *, enctype=""):
        """One hostile request in a savepoint rolled back afterwards."""
        self.tried += 1
        with transaction.atomic():
            try:
                if method == "post" and "multipart" in enctype:
                    response = client.post(url, dict(_grouped(data)))
                elif method == "post":
                    response = client.post(
                        url,
                        urlencode(data, doseq=True),
                        content_type="application/x-www-form-urlencoded",
                    )
                else:
                    response = client.get(url)
            except Exception as error:  # noqa: BLE001 — a server error is what is looked for
                self.failures.append((label, f"{type(error).__name__}: {str(error)[:200]}"))
                transaction.set_rollback(True)
                return
            status = response.status_code
            if status >= 500:
                self.failures.append((label, f"{status}"))
            elif _is_error(method, response):
                self.refused += 1
                after = snapshot()
                if after != self.baseline:
                    changed = [k for k, v in after.items() if self.baseline.get(k) != v]
                    self.failures.append((label, f"{status} but changed {changed}"))
            transaction.set_rollback(True)


def _grouped(pairs):
    grouped = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _is_error(method, response):
    if response.status_code >= 400:
        return True
    if method != "post" or response.status_code != 200:
        return False
    content = response.content
    return b"errorlist" in content or b'role="alert"' in content


def _with(pairs, name, value):
    """The form's pairs with every value of `name` replaced by `value` (or added)."""
    kept = [(n, v) for n, v in pairs if n != name]
    return kept + [(name, value)]


@pytest.fixture
def quiet_request_log():
    """Thousands of refused requests would each log a warning."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def test_hostile_values_never_a_server_error_and_nothing_saved_on_error(world, quiet_request_log):
    pages = []
    unopened = []
    for name, kwargs in routes():
        opened = _open(world, name, kwargs)
        if opened is None:
            unopened.append(name)
        else:
            pages.append((name, kwargs, *opened))
    walk = Walk(snapshot())

    for name, kwargs, url, role, combo, response in pages:
        client = world["clients"][role]
        # URL parameters.
        for kwarg, _converter in kwargs:
            real = quote(str(combo[kwarg]), safe="")
            for value in HOSTILE_IN_URL:
                walk.send(
                    client, f"{name} {kwarg}={value[:20]!r}", "get", url.replace(real, value, 1)
                )
        # Query parameters: those of the page's GET forms and links, and one it does not know.
        forms = _forms(url, response)
        query_names = _links_query_names(url, response) | {"q"}
        for method, action, _enctype, _variants, names in forms:
            if method == "get" and urlsplit(action).path == urlsplit(url).path:
                query_names |= set(names)
        for query in sorted(query_names):
            for value in HOSTILE:
                walk.send(
                    client,
                    f"{name} ?{query}={value[:20]!r}",
                    "get",
                    f"{url}?{urlencode({query: value})}",
                )
        # Form fields.
        for method, action, enctype, variants, names in forms:
            if method != "post":
                continue
            for variant in variants:
                for field in sorted(set(names) | {n for n, _ in variant}):
                    for value in HOSTILE:
                        walk.send(
                            client,
                            f"{name} POST {field}={value[:20]!r}",
                            "post",
                            action,
                            _with(variant, field, value),
                            enctype=enctype,
                        )

    print(
        f"\nhostile inputs: {walk.tried} requests into {len(pages)} pages, "
        f"{walk.refused} answered with an error (database compared after each)"
    )
    assert walk.failures[:30] == [], f"{len(walk.failures)} failures"
    # A route none of the world's objects opens is not covered: give world() a row it names.
    assert unopened == [], unopened
    assert walk.tried > 1000
