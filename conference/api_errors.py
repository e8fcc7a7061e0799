"""Every API error answers with a machine-readable `code` and a translated `detail`."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApiError(exceptions.APIException):
    """Raise with a status, a code and a translated message: ApiError(400, "x", _("..."))."""

    def __init__(self, status_code, code, detail, errors=None):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.code = code
        self.errors = errors


def _first_code(codes):
    while isinstance(codes, dict | list):
        if not codes:
            return "invalid"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, ApiError):
        body = {"code": exc.code, "detail": str(exc.detail)}
        if exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        from django.utils.translation import gettext as _

        errors = exc.detail
        if not isinstance(errors, dict):
            # A body that is not an object (null, a list): errors stay keyed by field.
            errors = {"non_field_errors": errors}
        response.data = {
            "code": "invalid_input",
            "detail": _("Some fields are missing or invalid."),
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        response.data = {"code": _first_code(exc.get_codes()), "detail": str(exc.detail)}
    return response


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Machine-readable, e.g. not_found."},
        "detail": {"type": "string", "description": "For people, in the request's language."},
        "errors": {"type": "object", "description": "Per field, when the input was invalid."},
    },
    "required": ["code", "detail"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input; `unstorable_input` for characters no database can store.",
    "401": "No or an unknown token.",
    "403": "Not allowed for this user.",
    "404": "Nothing with that identifier (or not visible to this user).",
    "415": "The body is not JSON.",
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing: the error answers every operation can give, in the one
    shape the exception handler above and conference.middleware give them."""
    result.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            statuses = ["400"]  # conference.middleware refuses unstorable input anywhere
            if "{" in path:
                statuses.append("404")
            if any(operation.get("security") or ()):
                statuses += ["401", "403"]
            if "requestBody" in operation:
                statuses.append("415")
            responses = operation.setdefault("responses", {})
            for status_code in statuses:
                responses.setdefault(
                    status_code,
                    {"description": ERROR_DESCRIPTIONS[status_code], "content": content},
                )
    return result
