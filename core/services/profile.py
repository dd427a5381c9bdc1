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
