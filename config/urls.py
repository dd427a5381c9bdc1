"""Top-level routes: screens per app, the REST API under /api/v1/, schema and docs, admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token

from core.settings_screens import SettingsHubView
from core.views import HomeView, favicon
from core.views_language import LanguageView
from core.views_notifications import NotificationBadgeView, NotificationPreferencesView

api_v1: list[URLPattern | URLResolver] = [
    path("", include("inventory.api.urls")),
    path("", include("suppliers.api.urls")),
    path("", include("kpis.api.urls")),
    path("", include("planning.api.urls")),
    path("", include("counting.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("exchange.api.urls")),
    path("auth/token/", obtain_auth_token, name="api-token"),
]

urlpatterns = [
    # The API first: Django tries patterns in order, and API calls are most of the traffic.
    path("api/v1/", include(api_v1)),
    path("", HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/language/", LanguageView.as_view(), name="language"),
    # Browsers ask for /favicon.ico whatever the page declares.
    path("favicon.ico", favicon),
    path("account/notifications/", NotificationPreferencesView.as_view(), name="notification-preferences"),
    path("notifications/badge/", NotificationBadgeView.as_view(), name="notification-badge"),
    path("settings/", SettingsHubView.as_view(), name="settings"),
    # Django's set_language: the language switch on the login page, before anyone has a profile.
    path("i18n/", include("django.conf.urls.i18n")),
    path("inventory/", include("inventory.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("kpis/", include("kpis.urls")),
    path("planning/", include("planning.urls")),
    path("counting/", include("counting.urls")),
    path("imports/", include("imports.urls")),
    path("documents/", include("documents.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("exchange/", include("exchange.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

# Unmatched URLs under /api/ answer JSON like every other API error (see inventory/api/exceptions.py).
handler404 = "core.api.exceptions.page_not_found"
# Bodies over the upload limit and unreadable requests: JSON under /api/, a page inside the layout elsewhere.
handler400 = "config.middleware.bad_request"
