"""A user's own settings: the language of their screens, mails and API messages."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

from core.exceptions import DomainError
from core.models import UserProfile

# Where the chosen language is kept for the session, so that a request does not read the profile.
SESSION_LANGUAGE_KEY = "user_language"


def user_language_set(*, user, language: str) -> UserProfile:
    """Keep ``language`` (a code of ``settings.LANGUAGES``, or "" for the browser's) on the profile."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language and language not in codes:
        raise DomainError(gettext("Choose one of the languages offered."), field="language")
    profile, _created = UserProfile.objects.update_or_create(user=user, defaults={"language": language})
    return profile


def remember_language_at_login(*, request, user, **_signal) -> None:
    """Keep the user's chosen language in the new session (``user_logged_in``), saved with the login.

    Requests then read it from the session that is loaded anyway: no query and no session write
    per request.
    """
    if request is None or not hasattr(request, "session"):
        return
    chosen = UserProfile.objects.filter(user=user).values_list("language", flat=True).first() or ""
    request.session[SESSION_LANGUAGE_KEY] = chosen
