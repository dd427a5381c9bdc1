"""Writes every app uses: the outbox and notifications. Import from here: ``from core import services``."""

from .notifications import notification_mark_read, notify, users_with_role
from .outbox import outbox_claim, outbox_dispatch, outbox_enqueue, outbox_flush

__all__ = [
    "notification_mark_read",
    "notify",
    "outbox_claim",
    "outbox_dispatch",
    "outbox_enqueue",
    "outbox_flush",
    "users_with_role",
]
