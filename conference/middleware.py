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
