"""Writes every app uses: the outbox and notifications. Import from here: ``from core import services``."""

from .access import user_access_set
from .notifications import (
    notification_digest_send,
    notification_mark_read,
    notification_preferences,
    notification_preferences_set,
    notification_unread_count,
    notify,
    users_with_role,
)
from .outbox import outbox_dispatch, outbox_enqueue, outbox_flush, outbox_take

__all__ = [
    "notification_digest_send",
    "notification_mark_read",
    "notification_preferences",
    "notification_preferences_set",
    "notification_unread_count",
    "notify",
    "outbox_dispatch",
    "outbox_enqueue",
    "outbox_flush",
    "outbox_take",
    "user_access_set",
    "users_with_role",
]
