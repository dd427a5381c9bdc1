"""What waits for a user: the start page lists it, each count linking to its filtered list.

Each app answers for its own work through a ``waiting(*, user, access)`` function named in
``settings.HOME_WAITING``; core imports none of them, so the apps stay above core.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from .roles import Access, user_access


@dataclass(frozen=True)
class Waiting:
    """One line of the start page: ``count`` things of a kind, behind ``url``."""

    label: str
    count: int
    url: str
    # Something to act on (a hold, an approval) rather than to know (the last run).
    attention: bool = True
    detail: str = ""


def waiting_for(user) -> list[Waiting]:
    """Everything that waits for ``user``, in the order of ``settings.HOME_WAITING``; empty kinds left out."""
    access: Access = user_access(user)
    items: list[Waiting] = []
    for path in settings.HOME_WAITING:
        items.extend(item for item in import_string(path)(user=user, access=access) if item.count or item.detail)
    return items
