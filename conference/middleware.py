from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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


# Everything from Samla itself, nothing inline: templates keep scripts in static/<app>/*.js and
# styles in static files, so an injected <script> or style="" does nothing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)


# Swagger UI's stylesheet draws its icons as data: SVG images (images cannot run script).
DATA_IMAGE_PATHS = ("/api/docs/",)


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
        response.headers.setdefault(
            "Content-Security-Policy", f"{policy}; frame-ancestors {ancestors}"
        )
        return response
