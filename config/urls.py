from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.site.site_header = "Samla"
admin.site.site_title = "Samla"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves the page's script apart from it: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("checkin.api_urls")),
    path("api/", include("impact.api_urls")),
    path("api/", include("registration.api_urls")),
    path("api/", include("conference.api_urls")),
]
urlpatterns += i18n_patterns(
    path("organiser/", include("organiser.urls")),
    path("", include("conference.site_urls")),
    path("", include("checkin.urls")),
    path("", include("impact.urls")),
    path("", include("registration.urls")),
    path("", include("conference.urls")),
    prefix_default_language=False,
)

handler404 = "conference.views.page_not_found"
handler500 = "conference.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
