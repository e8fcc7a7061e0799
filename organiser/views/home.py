"""Log-in and the organiser's own list of conferences, the page an organiser lands on."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from conference.selectors import conferences_for_user
from conference.services import conference_may_create

from ..access import refuse_door_link_session


class OrganiserLoginView(auth_views.LoginView):
    template_name = "organiser/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("organiser:home")


class OrganiserLogoutView(auth_views.LogoutView):
    next_page = "organiser:login"


@login_required(login_url="organiser:login")
def conference_list(request):
    refuse_door_link_session(request)
    conferences = conferences_for_user(request.user).order_by("-start")
    return render(
        request,
        "organiser/home.html",
        {"conferences": conferences, "may_create": conference_may_create(request.user)},
    )
