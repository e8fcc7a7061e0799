import io

import pytest
from django.core.management import call_command

from registration.models import Registration, Signup

pytestmark = pytest.mark.django_db


def test_demo_attendees_fill_the_demo_conferences_once_without_overbooking():
    quiet = io.StringIO()
    call_command("demo_setup", stdout=quiet)

    call_command("demo_attendees", stdout=quiet)
    call_command("demo_attendees", stdout=quiet)

    kristianstad = Registration.objects.filter(conference__slug="kristianstad-2018")
    confirmed = kristianstad.filter(status=Registration.Status.CONFIRMED).count()
    assert Registration.objects.filter(conference__slug="malmo-2017").count() == 120
    assert (confirmed, kristianstad.count()) == (130, 136)
    for signup in Signup.objects.select_related("session"):
        held = Signup.objects.filter(session=signup.session, status=Signup.Status.CONFIRMED)
        assert held.count() <= signup.session.seats
    assert all(r.email.endswith("@example.org") for r in Registration.objects.all())
