"""In-app notifications, with an email queued after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.events import BY_NAME, NOTIFY_KINDS
from core.exceptions import DomainError
from core.messages import message_english, message_params, message_render, user_language, users_languages
from core.models import MailMode, Notification, NotificationPreference

from .outbox import outbox_enqueue


def notify(
    *,
    users: Iterable,
    message: str,
    params: dict[str, Any] | None = None,
    link: str = "",
    email_subject: str | None = None,
    subject_params: dict[str, Any] | None = None,
    kind: str = "",
) -> list[Notification]:
    """Tell users something now; when ``email_subject`` is given, mail them after commit.

    ``message`` and ``email_subject`` are gettext ids in English (marked with ``gettext_noop``) with
    named placeholders filled from ``params`` / ``subject_params``: each reader sees the note, and
    each recipient gets the mail, in their own language, whoever's request wrote it.

    ``kind`` names the event in ``core.events.CATALOGUE``: each user's
    preference for it decides the mail (at once, in the daily digest, never;
    at once without a preference). The mail goes through the outbox: queued
    after commit, so a rolled-back posting never sends mail, a slow mail
    server never slows a posting, and a broker outage only delays it.
    """
    if kind and kind not in BY_NAME:
        raise ValueError(f"Unknown event kind {kind!r}; add it to core.events.CATALOGUE.")
    recipients = [user for user in users if user is not None]
    stored = message_params(params)
    english = message_english(message, stored)
    notes = Notification.objects.bulk_create(
        [
            Notification(
                user=user, kind=kind, message=english[:300], message_id=message, params=stored, link=link[:200]
            )
            for user in recipients
        ]
    )
    if email_subject:
        modes = {}
        if kind:
            modes = dict(
                NotificationPreference.objects.filter(user__in=recipients, kind=kind).values_list("user_id", "mail")
            )
        mailed = {
            user.pk: user
            for user in recipients
            if user.email and modes.get(user.pk, MailMode.AT_ONCE) == MailMode.AT_ONCE
        }
        by_language: dict[str, set[str]] = {}
        for pk, language in users_languages(mailed.values()).items():
            by_language.setdefault(language, set()).add(mailed[pk].email)
        subject_stored = message_params(subject_params)
        for language, emails in sorted(by_language.items()):
            with translation.override(language):
                outbox_enqueue(
                    task_name="inventory.tasks.send_notification_email",
                    kwargs={
                        "subject": message_render(email_subject, subject_stored),
                        "body": message_render(message, stored),
                        "recipients": sorted(emails),
                    },
                )
    return notes


def notification_preferences(*, user) -> dict[str, str]:
    """The user's mail mode for every kind people are notified of (at once where nothing was chosen)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "mail"))
    return {kind: chosen.get(kind, MailMode.AT_ONCE) for kind in NOTIFY_KINDS}


@transaction.atomic
def notification_preferences_set(*, user, modes: dict[str, str]) -> dict[str, str]:
    """Keep the user's mail mode per kind; an unknown kind or mode is refused and nothing changes."""
    for kind, mode in modes.items():
        if kind not in NOTIFY_KINDS:
            raise DomainError(_("Unknown kind of notification: %(kind)s.") % {"kind": kind}, field=kind)
        if mode not in MailMode.values:
            raise DomainError(_("Choose at once, daily digest or never."), field=kind)
    for kind, mode in modes.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"mail": mode})
    return notification_preferences(user=user)


# Notes older than this are not put in a digest (a user who just chose the digest gets no backlog).
DIGEST_WINDOW = timedelta(days=2)


@transaction.atomic
def notification_digest_send(*, now: datetime | None = None) -> int:
    """Mail each user who wants a digest the notes of those kinds not sent in one yet; returns mails queued.

    Each note goes in one digest only (``digest_sent_at``), so a rerun sends nothing twice.
    """
    now = now or timezone.now()
    wanted: dict[int, set[str]] = {}
    for user_id, kind in NotificationPreference.objects.filter(mail=MailMode.DIGEST).values_list("user_id", "kind"):
        wanted.setdefault(user_id, set()).add(kind)
    mails = 0
    users = get_user_model().objects.filter(pk__in=list(wanted), is_active=True).exclude(email="")
    for user in users:
        notes = list(
            Notification.objects.select_for_update()
            .filter(
                user=user,
                kind__in=sorted(wanted[user.pk]),
                digest_sent_at__isnull=True,
                created_at__gte=now - DIGEST_WINDOW,
            )
            .order_by("created_at", "id")
        )
        if not notes:
            continue
        with translation.override(user_language(user)):
            body = "\n".join(f"{timezone.localtime(note.created_at):%Y-%m-%d %H:%M}  {note.text}" for note in notes)
            outbox_enqueue(
                task_name="inventory.tasks.send_notification_email",
                kwargs={
                    "subject": ngettext(
                        "Your daily digest: %(count)d notification",
                        "Your daily digest: %(count)d notifications",
                        len(notes),
                    )
                    % {"count": len(notes)},
                    "body": body,
                    "recipients": [user.email],
                },
            )
        Notification.objects.filter(pk__in=[note.pk for note in notes]).update(digest_sent_at=now)
        mails += 1
    return mails


def notification_unread_exists(*, kind: str, link: str) -> bool:
    """Whether somebody still has an unread note of this kind about this page (so as not to ask twice)."""
    return Notification.objects.filter(kind=kind, link=link, read_at__isnull=True).exists()


def notification_unread_count(*, user) -> int:
    """The number behind the header badge."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def users_with_role(role: str, *, warehouse=None):
    """Active users in a role group (whom to tell about a quality hold); with ``warehouse``, those who work there."""
    users = get_user_model().objects.filter(groups__name=role, is_active=True)
    if warehouse is not None:
        users = users.filter(warehouse_memberships__warehouse=warehouse)
    return users.distinct()


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when no ids are given); returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
