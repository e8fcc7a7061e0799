import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

# Outside the public pages the address carries no language: the browser's choice (or the
# language cookie) decides, so an English-speaking organiser gets an English admin and API.
UNPREFIXED = ("/admin/", "/api/")


class SamlaLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith(UNPREFIXED):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


# PostgreSQL text (and jsonb) cannot hold NUL, and no UTF-8 encoder takes a lone surrogate
# (which JSON's "\ud800" escape produces); either one reaching a query is a server error.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
JSON_CONTENT_TYPES = ("application/json", "application/problem+json")
# What JSON text needs to carry either: a raw NUL, or the escape of a NUL or of a surrogate.
JSON_SUSPECT = re.compile(rb"\x00|\\u0000|\\u[dD][89a-fA-F]")


def unstorable(value) -> bool:
    """Whether `value` (a string, or JSON data of lists and dicts) holds a character that no
    database column can store."""
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(unstorable(key) or unstorable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(unstorable(item) for item in value)
    return False


def _querydict_unstorable(querydict) -> bool:
    return any(unstorable(key) or unstorable(values) for key, values in querydict.lists())


# Django re-percent-encodes the bytes of an address that are not UTF-8 ("%FF"), so what is left
# of them is a percent sign before a byte from 0x80 up. (A literal "%FF", sent as "%25FF", looks
# the same; no Samla address holds a percent sign, so it is refused with them.)
BROKEN_UTF8 = re.compile("%[89A-Fa-f][0-9A-Fa-f]")


def _path_unstorable(request) -> bool:
    return unstorable(request.path_info) or BROKEN_UTF8.search(request.path_info) is not None


def _headers_unstorable(request) -> bool:
    return any(
        unstorable(value)
        for name, value in request.META.items()
        if name.startswith("HTTP_") and name != "HTTP_COOKIE"
    )


def _body_unstorable(request) -> bool:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return _querydict_unstorable(request.POST)
    if content_type in JSON_CONTENT_TYPES or content_type.endswith("+json"):
        try:
            body = request.body
        except RequestDataTooBig:
            return False  # Django answers 400 itself when the view reads the body
        # Parsed only when it may hold one: a registration rush posts JSON on its hot path.
        if not JSON_SUSPECT.search(body):
            return False
        try:
            data = json.loads(body)
        except ValueError:
            return False  # not JSON: the parser's own 400
        return unstorable(data)
    return False


class RefuseUnstorableInputMiddleware:
    """Refuses, with a 400 and the code `unstorable_input`, any request whose address, query,
    headers, form fields or JSON body hold a NUL, a lone surrogate or bytes that are not UTF-8.

    One check for every view, the admin and the API, before any of them queries: such input
    never names a row and cannot be stored. Cookies holding it are dropped instead of refused,
    so that a browser with a spoilt cookie is not locked out (the session store would query
    with it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if unstorable(value)]:
            del request.COOKIES[name]
        if (
            _path_unstorable(request)
            or _querydict_unstorable(request.GET)
            or _headers_unstorable(request)
            or _body_unstorable(request)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        path = request.path_info
        # As SamlaLocaleMiddleware would have chosen: pages without a prefix are Swedish.
        if path.startswith(UNPREFIXED):
            language = translation.get_language_from_request(request, check_path=False)
        else:
            language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
        with translation.override(language):
            detail = _(
                "The request holds characters that cannot be stored, such as a NUL character."
            )
            if path.startswith("/api/"):
                return JsonResponse({"code": "unstorable_input", "detail": detail}, status=400)
            response = render(
                request,
                "400.html",
                {"detail": detail, "sv_path": "/", "en_path": "/en/"},
                status=400,
            )
            response["Content-Language"] = language
            return response


# Everything from Samla itself, nothing inline: templates keep scripts in static/<app>/*.js and
# styles in static files, so an injected <script> or style="" does nothing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)


# Swagger UI's stylesheet draws its icons as data: SVG images (images cannot run script).
DATA_IMAGE_PATHS = ("/api/docs/",)
# The door scanner decodes QR codes with ZXing compiled to WebAssembly, served by Samla itself;
# compiling it needs 'wasm-unsafe-eval' (which allows no eval() of script).
WASM_PATHS = ("/door/", "/en/door/")


class ContentSecurityPolicyMiddleware:
    """Sends the policy on every response. Framing is refused (`frame-ancestors 'none'`, beside
    X-Frame-Options DENY) unless the view set `response.frame_ancestors` to the origins that may
    embed it (see conference.embed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = getattr(response, "frame_ancestors", None)
        ancestors = " ".join(origins) if origins else "'none'"
        policy = CONTENT_SECURITY_POLICY
        if request.path_info.startswith(DATA_IMAGE_PATHS):
            policy = policy.replace("img-src 'self';", "img-src 'self' data:;")
        if request.path_info.startswith(WASM_PATHS):
            policy = policy.replace("script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';")
        response.headers.setdefault(
            "Content-Security-Policy", f"{policy}; frame-ancestors {ancestors}"
        )
        return response
