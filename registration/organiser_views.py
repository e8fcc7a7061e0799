from django.http import Http404


def _todo(request, slug, **kwargs):
    raise Http404


overview = registration_list = export_csv = catering = add = detail = message = _todo
audit_trail = email_failures = _todo
