"""Notifications: mail per user preference per kind of event, the daily digest, the badge and the settings screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core import events
from core.exceptions import DomainError
from core.models import MailMode, Notification, NotificationPreference
from core.roles import Role
from core.services import (
    notification_digest_send,
    notification_preferences,
    notification_preferences_set,
    notify,
)


@pytest.fixture
def purchasers(make_user):
    return [make_user(Role.PURCHASER) for _ in range(3)]


def test_mail_follows_each_users_preference_for_the_kind(purchasers, django_capture_on_commit_callbacks):
    at_once, digest, never = purchasers
    notification_preferences_set(user=digest, modes={events.QUALITY_HOLD: MailMode.DIGEST})
    notification_preferences_set(user=never, modes={events.QUALITY_HOLD: MailMode.NEVER})

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=purchasers, message="Hold on GR-1", email_subject="Quality hold", kind=events.QUALITY_HOLD)

    assert Notification.objects.filter(kind=events.QUALITY_HOLD).count() == 3
    assert [m.to for m in mail.outbox] == [[at_once.email]]


def test_the_daily_digest_collects_each_note_once(purchasers, django_capture_on_commit_callbacks):
    user = purchasers[0]
    notification_preferences_set(user=user, modes={events.TRANSFER_SHORT: MailMode.DIGEST})
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], message="T-1 arrived short", email_subject="short", kind=events.TRANSFER_SHORT)
        notify(users=[user], message="T-2 arrived short", email_subject="short", kind=events.TRANSFER_SHORT)
        notify(users=[user], message="Hold on GR-9", email_subject="hold", kind=events.QUALITY_HOLD)
    assert [m.subject for m in mail.outbox] == ["hold"]

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send() == 1
        assert notification_digest_send() == 0

    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.to == [user.email]
    assert "T-1 arrived short" in digest.body
    assert "T-2 arrived short" in digest.body
    assert "GR-9" not in digest.body


def test_old_notes_are_not_put_in_a_first_digest(purchasers, django_capture_on_commit_callbacks):
    user = purchasers[0]
    notify(users=[user], message="old", kind=events.TRANSFER_SHORT)
    Notification.objects.update(created_at=timezone.now() - timedelta(days=5))
    notification_preferences_set(user=user, modes={events.TRANSFER_SHORT: MailMode.DIGEST})
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send() == 0
    assert mail.outbox == []


def test_bad_preferences_are_refused_and_change_nothing(purchasers):
    user = purchasers[0]
    with pytest.raises(DomainError):
        notification_preferences_set(user=user, modes={events.QUALITY_HOLD: "never", "stock.exploded": "never"})
    with pytest.raises(DomainError):
        notification_preferences_set(user=user, modes={events.QUALITY_HOLD: "hourly"})
    assert NotificationPreference.objects.count() == 0
    assert set(notification_preferences(user=user).values()) == {MailMode.AT_ONCE}


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="Unknown event kind"):
        notify(users=[], message="x", kind="nothing.happened")


def test_settings_screen_saves_the_choice(client, purchasers):
    user = purchasers[0]
    client.force_login(user)
    page = client.get("/account/notifications/")
    assert page.status_code == 200
    form = {kind: MailMode.AT_ONCE for kind in events.NOTIFY_KINDS} | {events.MONTH_END_CLOSED: MailMode.NEVER}
    saved = client.post("/account/notifications/", form)
    assert saved.status_code == 302
    assert notification_preferences(user=user)[events.MONTH_END_CLOSED] == MailMode.NEVER
    refused = client.post("/account/notifications/", form | {events.MONTH_END_CLOSED: "hourly"})
    assert refused.status_code == 200
    assert notification_preferences(user=user)[events.MONTH_END_CLOSED] == MailMode.NEVER


def test_badge_shows_the_unread_count(client, purchasers, django_assert_max_num_queries):
    user = purchasers[0]
    client.force_login(user)
    assert client.get("/notifications/badge/").content == b""
    notify(users=[user, user], message="two")
    with django_assert_max_num_queries(6):
        badge = client.get("/notifications/badge/")
    assert b">2</span>" in badge.content
