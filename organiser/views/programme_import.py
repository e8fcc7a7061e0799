"""Import a programme from a spreadsheet: upload → a preview of every row and its problems →
confirm saves all rows in one transaction (conference.importing). The preview carries the rows
to the confirm step signed, so nothing is stored between the two requests."""

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conference.errors import ProgrammeError
from conference.importing import COLUMNS, programme_import, rows_read, template_csv

from ..access import organiser_required
from ..programme_forms import ImportForm

SALT = "organiser.programme-import"


def _page(request, conference, status=200, **context):
    return render(
        request,
        "organiser/programme_import.html",
        {"conference": conference, "nav_active": "programme", "columns": COLUMNS, **context},
        status=status,
    )


@organiser_required
def programme_import_view(request, conference):
    if request.method != "POST":
        return _page(request, conference, form=ImportForm())
    if "rows" in request.POST:
        return _confirm(request, conference)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, conference, form=form)
    upload = form.cleaned_data["file"]
    try:
        rows = rows_read(name=upload.name, content=upload.read())
    except ProgrammeError as error:
        form.add_error("file", error.message)
        return _page(request, conference, form=form)
    result = programme_import(conference=conference, rows=rows, commit=False)
    return _page(
        request,
        conference,
        form=ImportForm(),
        result=result,
        signed=signing.dumps({"c": conference.pk, "rows": rows}, salt=SALT, compress=True),
    )


def _confirm(request, conference):
    try:
        data = signing.loads(request.POST["rows"], salt=SALT)
    except signing.BadSignature:
        data = None
    if not data or data.get("c") != conference.pk:
        return _page(
            request,
            conference,
            form=ImportForm(),
            upload_error=_("The preview has expired or was changed; upload the file again."),
            status=400,
        )
    result = programme_import(conference=conference, rows=data["rows"], commit=True)
    if not result.saved:
        # The programme changed since the preview: show the rows' problems as they are now.
        return _page(
            request, conference, form=ImportForm(), result=result, signed=request.POST["rows"]
        )
    count = len(result.rows)
    messages.success(
        request,
        ngettext("%(count)d session imported.", "%(count)d sessions imported.", count)
        % {"count": count},
    )
    return redirect(reverse("organiser:programme", kwargs={"slug": conference.slug}))


@organiser_required
def programme_import_template(request, conference):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="programme-template.csv"'
    return response
