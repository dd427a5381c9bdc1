"""In-app notifications, with an email queued after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import Notification

from .outbox import outbox_enqueue


def notify(*, users: Iterable, message: str, link: str = "", email_subject: str | None = None) -> list[Notification]:
    """Tell users something now; when ``email_subject`` is given, mail them after commit.

    The mail goes through the outbox: queued after commit, so a rolled-back
    posting never sends mail, a slow mail server never slows a posting, and a
    broker outage only delays it.
    """
    recipients = [user for user in users if user is not None]
    notes = Notification.objects.bulk_create(
        [Notification(user=user, message=message[:300], link=link[:200]) for user in recipients]
    )
    if email_subject:
        emails = sorted({user.email for user in recipients if user.email})
        if emails:
            outbox_enqueue(
                task_name="inventory.tasks.send_notification_email",
                kwargs={"subject": email_subject, "body": message, "recipients": emails},
            )
    return notes


def users_with_role(role: str):
    """Active users in a role group (whom to tell about a quality hold, say)."""
    return get_user_model().objects.filter(groups__name=role, is_active=True).distinct()


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when no ids are given); returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
