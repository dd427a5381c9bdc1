"""Middleware every app relies on."""

from __future__ import annotations

from django.utils import translation

from core.models import UserProfile
from core.services.profile import SESSION_LANGUAGE_KEY


class UserLanguageMiddleware:
    """Activate the language a signed-in user chose; without a choice, LocaleMiddleware's stays.

    The choice is read from the profile once per session and kept in the session; choosing a
    language updates both. An API request authenticated by token has no session: its language
    comes from Accept-Language, as a partner system expects.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._chosen(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)

    @staticmethod
    def _chosen(request) -> str:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is None or user is None or not user.is_authenticated:
            return ""
        language = session.get(SESSION_LANGUAGE_KEY)
        if language is None:
            language = UserProfile.objects.filter(user=user).values_list("language", flat=True).first() or ""
            session[SESSION_LANGUAGE_KEY] = language
        return language
