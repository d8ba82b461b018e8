from __future__ import annotations

from collections.abc import Sequence

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from recommendations.views.home import home

handler404 = "config.api.not_found"
handler500 = "config.api.server_error"


@login_not_required
def media(request, path: str):
    """Uploads, outside production. MEDIA_ROOT is read per request (tests move it)."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


# The admin signs in through allauth: its rate limits and two-factor apply there too.
# Replaced on this one site, as allauth documents; mypy takes any method assignment for a mistake.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Bazaar administration"
admin.site.site_title = "Bazaar admin"

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("accounts.api.urls")),
    path("", include("social.api.urls")),
    path("privacy/", include("privacy.api.urls")),
    path("market/", include("marketplace.api.urls")),
    path("discover/", include("recommendations.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("social.urls")),
    path("privacy/", include("privacy.urls")),
    path("market/", include("marketplace.urls")),
    path("discover/", include("recommendations.urls")),
    path("api/", include(api_patterns)),
]


def _guards_itself(urls: Sequence[URLPattern | URLResolver]) -> None:
    """Exempt these views from LoginRequiredMiddleware: they ask to sign in themselves (the
    admin sends to its login, allauth's signed-in pages to ours) and their sign-in, sign-up,
    reset and social-login pages must stay open."""
    for entry in urls:
        if isinstance(entry, URLResolver):
            _guards_itself(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            entry.callback = login_not_required(entry.callback)


_guards_itself([entry for entry in urlpatterns if str(entry.pattern) in ("admin/", "accounts/")])

if not settings.PRODUCTION:
    # Production serves uploads from the web server or object storage.
    urlpatterns += [path("media/<path:path>", media, name="media")]
