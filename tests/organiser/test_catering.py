"""Förtäring: each meal on its own, with people and dietary needs per meal."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from conference.models import Session
from registration.selectors import catering_per_meal
from tests.factories import SessionFactory
from tests.registration.conftest import register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_consistent")]


@pytest.fixture
def dinner(conference):
    return SessionFactory(
        conference=conference,
        kind=Session.Kind.MEAL,
        title="Middag",
        start=conference.start + timedelta(hours=7),
        end=conference.start + timedelta(hours=9),
    )


def test_catering_counts_each_meal_with_its_own_diets(conference, lunch, dinner):
    conference.capacity = 10
    conference.save(update_fields=["capacity"])
    register(conference, email="a@example.org", meal_ids=[lunch.pk, dinner.pk], diets=["vegan"])
    register(
        conference,
        email="b@example.org",
        meal_ids=[lunch.pk],
        diets=["vegan", "halal"],
        diet_other="Inga svampar",
    )
    register(conference, email="c@example.org", meal_ids=[dinner.pk], diet_other="Ingen fisk")
    register(conference, email="d@example.org", diets=["gluten_free"])  # no meals
    cancelled, _ = register(conference, email="e@example.org", meal_ids=[lunch.pk])
    from registration.services import registration_cancel

    registration_cancel(registration=cancelled)

    with translation.override("en"):
        meals = [
            (m.meal.title, m.people, [(str(label), n) for label, n in m.diets], m.other)
            for m in catering_per_meal(conference=conference)
        ]

    assert meals == [
        ("Lunch", 2, [("Vegan", 2), ("Halal", 1)], ["Inga svampar"]),
        ("Middag", 2, [("Vegan", 1)], ["Ingen fisk"]),
    ]


def test_catering_page_per_meal_printable(client, organiser, conference, lunch, dinner):
    register(conference, email="a@example.org", meal_ids=[lunch.pk], diets=["vegan"])

    response = client.get(f"/organiser/{conference.slug}/catering/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/static/organiser/print.css" media="print"' in html
    assert "Lunch, tisdag 16 mars 12.00" in html
    assert "Middag, tisdag 16 mars 19.00" in html
    assert [m.people for m in response.context["meals"]] == [1, 0]


def test_catering_page_runs_the_same_queries_at_3_and_30_people(
    client, organiser, conference, lunch, dinner
):
    conference.capacity = 100
    conference.save(update_fields=["capacity"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/organiser/{conference.slug}/catering/")
        return len(ctx)

    for i in range(3):
        register(conference, email=f"a{i}@example.org", meal_ids=[lunch.pk], diets=["vegan"])
    small = count()
    for i in range(27):
        register(conference, email=f"b{i}@example.org", meal_ids=[lunch.pk, dinner.pk])

    assert count() == small
