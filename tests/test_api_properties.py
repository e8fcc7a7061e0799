"""Property-based API testing: schemathesis generates requests for every operation of the OpenAPI
schema (valid ones from the schema, and invalid ones), sent through the WSGI app as an anonymous
client, an organiser and a door device, with the real slug, token, checkpoint and session code
most of the time. Every answer must be no server error and match the schema (status code,
content type, body)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.worlds import conference_in_use

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Bounded for CI: 19 operations x 3 clients; see the report for the cases this makes.
MAX_EXAMPLES = 20
CASES = []


@pytest.fixture(scope="module", autouse=True)
def _report_cases():
    yield
    statuses = sorted({status for _label, status in CASES})
    print(f"\nschemathesis: {len(CASES)} cases over {len({label for label, _ in CASES})} "
          f"operations, statuses {statuses}")  # fmt: skip


@pytest.fixture
def keep_connection():
    """The WSGI app closes the database connection after each request; inside a test that
    would end its transaction. Django's test client unhooks the same signal."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, keep_connection):
    world = conference_in_use()
    conference, workshop, registration = world.conference, world.workshop, world.registration
    organiser, door = world.organiser, world.door
    from checkin.models import Checkpoint

    return {
        "slug": conference.slug,
        "token": registration.manage_token,
        "code": workshop.code,
        "id": Checkpoint.objects.filter(conference=conference).first().pk,
        "headers": {
            "anonymous": {},
            "organiser": {"Authorization": f"Token {Token.objects.create(user=organiser).key}"},
            "door": {"Authorization": f"Token {Token.objects.create(user=door).key}"},
        },
    }


def _real_parameters(case, world):
    # Three cases in four name real objects; the rest keep what was generated (404s, 400s).
    if hash(repr(sorted((case.path_parameters or {}).items()))) % 4 == 0:
        return
    for name in case.path_parameters or {}:
        if name in world:
            case.path_parameters[name] = world[name]


@pytest.mark.parametrize("client", ["anonymous", "organiser", "door"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_no_server_error_and_answers_match_schema(case, client, world):
    _real_parameters(case, world)

    response = case.call(headers=world["headers"][client])

    CASES.append((case.operation.label, response.status_code))
    case.validate_response(response, checks=CHECKS)
