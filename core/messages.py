"""Messages kept as a gettext id and parameters, rendered later in the reader's language.

A notification is written while someone else's request (or a Celery task) runs, so its text cannot
be translated then: the id and the values are stored, and every reader, mail and digest renders
them in its own language. A parameter that is itself a translatable text (a state's label) is kept
as ``{"msgid": ...}`` and translated when rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext


@dataclass(frozen=True)
class Message:
    """A message id (marked with ``gettext_noop``) and its values, as a parameter of another message."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


def _stored(value: Any) -> Any:
    if isinstance(value, Promise):
        with translation.override(None):
            return {"msgid": str(value)}
    if isinstance(value, Message):
        return {"msgid": value.msgid, "params": message_params(value.params)}
    if isinstance(value, list | tuple) and all(isinstance(item, Message | Promise) for item in value):
        # Translators read the separator too: Chinese lists use its own punctuation.
        return {"items": [_stored(item) for item in value]}
    return None


def _rendered(value: Any) -> Any:
    if isinstance(value, dict) and "items" in value:
        return gettext("; ").join(_rendered(item) for item in value["items"])
    if isinstance(value, dict) and "msgid" in value:
        return message_render(value["msgid"], value.get("params"))
    return value


def message_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """``params`` as JSON: numbers and texts as they are, translatable texts (lazy texts, ``Message``s and
    lists of them) by their English ids, so that they are translated when rendered."""
    stored: dict[str, Any] = {}
    for name, value in (params or {}).items():
        translatable = _stored(value)
        if translatable is not None:
            stored[name] = translatable
        elif isinstance(value, bool | int | float | str) or value is None:
            stored[name] = value
        else:
            stored[name] = str(value)
    return stored


def message_render(message_id: str, params: dict[str, Any] | None) -> str:
    """The message in the active language; stored parameters that are ids are translated too."""
    text = gettext(message_id)
    if not params:
        return text
    values = {name: _rendered(value) for name, value in params.items()}
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        # A catalogue that lost a placeholder must not hide the note: show the English source.
        return message_id % values


def message_english(message_id: str, params: dict[str, Any] | None) -> str:
    """The message in the source language (what ``Notification.message`` keeps)."""
    with translation.override(None):
        return message_render(message_id, params)


def user_language(user) -> str:
    """The language a user reads mail in: their profile's choice, else the site's default."""
    from core.models import UserProfile

    chosen = UserProfile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return chosen or settings.LANGUAGE_CODE


def users_languages(users) -> dict[int, str]:
    """Each user's mail language in one query (``user_language`` for many)."""
    from core.models import UserProfile

    ids = [user.pk for user in users]
    chosen = dict(UserProfile.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {pk: chosen.get(pk) or settings.LANGUAGE_CODE for pk in ids}
