"""Middleware every app relies on."""

from __future__ import annotations

from django.utils import translation

from core.services.profile import SESSION_LANGUAGE_KEY


class UserLanguageMiddleware:
    """Activate the language a signed-in user chose; without a choice, LocaleMiddleware's stays.

    The choice is copied from the profile into the session at login and read from there; choosing
    a language updates both. An API request authenticated by token has no session: its language
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
        session = getattr(request, "session", None)
        return session.get(SESSION_LANGUAGE_KEY, "") if session is not None else ""
