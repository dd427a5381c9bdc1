"""Writes every app uses: the outbox and notifications. Import from here: ``from core import services``."""

from .access import user_access_set
from .notifications import notification_mark_read, notify, users_with_role
from .outbox import outbox_claim, outbox_dispatch, outbox_enqueue, outbox_flush

__all__ = [
    "notification_mark_read",
    "notify",
    "outbox_claim",
    "outbox_dispatch",
    "outbox_enqueue",
    "outbox_flush",
    "user_access_set",
    "users_with_role",
]
