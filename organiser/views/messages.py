"""Meddelanden: write to attendees, see the e-mail and how many get it before sending, and
what was sent to whom. Sending is idempotent by the form's key."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from registration import selectors, services
from registration.errors import RegistrationError

from ..access import organiser_required
from ..forms import MessageForm

AREA = "messages"


@organiser_required
@require_http_methods(["GET", "POST"])
def compose(request, conference):
    action = request.POST.get("action") if request.method == "POST" else None
    form = MessageForm(
        request.POST or None, sessions=selectors.message_sessions(conference=conference)
    )
    context = {"conference": conference, "nav_active": AREA, "form": form}
    if action in ("preview", "send") and form.is_valid():
        session = form.chosen_session()
        data = form.cleaned_data
        if action == "send":
            try:
                send, created = services.organiser_message_send(
                    conference=conference,
                    session=session,
                    subject=data["subject"],
                    body=data["body"],
                    actor=request.user,
                    key=data["key"],
                )
            except RegistrationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if created:
                    messages.success(request, _("The message is being sent in the background."))
                else:
                    messages.info(request, _("This message was already sent; it went out once."))
                return redirect("organiser:message", slug=conference.slug, pk=send.pk)
        else:
            with timezone.override(conference.time_zone):
                count, email = services.organiser_message_preview(
                    conference=conference,
                    session=session,
                    subject=data["subject"],
                    body=data["body"],
                )
            return render(
                request,
                "organiser/messages/preview.html",
                {**context, "count": count, "email": email, "session": session},
            )
    context["history"] = selectors.message_history(conference=conference)
    return render(
        request,
        "organiser/messages/compose.html",
        context,
        status=400 if action in ("preview", "send") else 200,
    )


@organiser_required
def message_detail(request, conference, pk):
    send = selectors.message_send_get(conference=conference, pk=pk)
    if send is None:
        raise Http404("message")
    return render(
        request,
        "organiser/messages/detail.html",
        {"conference": conference, "nav_active": AREA, "send": send, "logs": send.emails.all()},
    )
