"""The outbox: side effects are stored with the change and survive a broker outage."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from core import services as core_services
from core.models import Notification, OutboxMessage

from ..factories import UserFactory


def test_notification_mail_is_recorded_and_sent_after_commit(postgres, django_capture_on_commit_callbacks):
    # given a user with an email address
    user = UserFactory(email="buyer@example.com")

    # when a notification with mail is created and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        core_services.notify(users=[user], message="PO-1 line 2 on quality hold", email_subject="Quality hold")

    # then the note exists, the outbox row is dispatched and the mail was sent (eager Celery)
    assert Notification.objects.get().message == "PO-1 line 2 on quality hold"
    message = OutboxMessage.objects.get()
    assert message.task_name == "inventory.tasks.send_notification_email"
    assert message.last_error == ""
    assert message.dispatched_at is not None
    assert message.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Quality hold"]
    assert mail.outbox[0].to == ["buyer@example.com"]


def test_broker_down_leaves_message_pending_then_flush_sends_it(
    postgres, django_capture_on_commit_callbacks, monkeypatch
):
    # given a broker that refuses connections
    from celery import current_app

    task = current_app.tasks["inventory.tasks.send_notification_email"]

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(task, "apply_async", refuse)
    user = UserFactory(email="buyer@example.com")

    # when a notification is committed while the broker is down
    with django_capture_on_commit_callbacks(execute=True):
        core_services.notify(users=[user], message="hold", email_subject="Quality hold")

    # then nothing failed, the message is pending with the error recorded, no mail yet
    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None
    assert message.attempts == 1
    assert "Redis is down" in message.last_error
    assert mail.outbox == []

    # when the broker is back and the flush runs
    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    sent = core_services.outbox_flush()

    # then the mail goes out once and a second flush sends nothing
    assert sent == 1
    assert len(mail.outbox) == 1
    assert core_services.outbox_flush() == 0
    assert OutboxMessage.objects.get().dispatched_at is not None
