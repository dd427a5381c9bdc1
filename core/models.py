"""Models every app uses: who posts where, in-app notifications and the outbox.

They were created by the inventory app and keep its table names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WarehouseMembership(models.Model):
    """The warehouses a user posts in. Managers post everywhere; others only here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="warehouse_memberships")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        db_table = "inventory_warehousemembership"
        constraints = [models.UniqueConstraint(fields=["user", "warehouse"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.warehouse.code}"


class Notification(models.Model):
    """An in-app message to one user (quality hold, backorder filled, ...). Mail is sent besides."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # The event's name in core.events.CATALOGUE; empty for notes outside the catalogue (backorder filled).
    kind = models.CharField(max_length=60, blank=True)
    # The text in English (the source language), as it was sent; what a reader sees is rendered from
    # message_id and params in the reader's language (``text``). Notes from before message ids have
    # only this.
    message = models.CharField(max_length=300)
    # The message's gettext id (its English source with named placeholders) and the values for them.
    message_id = models.TextField(blank=True, default="")
    params = models.JSONField(blank=True, default=dict)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the note went out in a daily digest (only notes of kinds the user wants as a digest wait for one).
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "inventory_notification"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read_idx")]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The message in the active language (the reader's); the stored English for notes without an id."""
        if not self.message_id:
            return self.message
        from core.messages import message_render

        return message_render(self.message_id, self.params)


class MailMode(models.TextChoices):
    AT_ONCE = "at_once", _("at once")
    DIGEST = "digest", _("daily digest")
    NEVER = "never", _("never")


class NotificationPreference(models.Model):
    """How one user wants mail about one kind of event; without a row, mail comes at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=60)
    mail = models.CharField(max_length=10, choices=MailMode.choices, default=MailMode.AT_ONCE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.mail}"


class OutboxMessage(models.Model):
    """A Celery task to run after a commit, written in the same transaction as the change behind it.

    If the broker is down at commit time the row stays pending and the
    periodic ``outbox_flush`` task dispatches it once the broker is back:
    side effects (mail, follow-up work) are never lost and never block a posting.
    Tasks dispatched through the outbox must be idempotent (they may run twice).
    """

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "inventory_outboxmessage"
        ordering = ["id"]
        # Every posting with a webhook subscription inserts a row, so one index besides the key: the
        # pending rows in id order, which is how the collector and the flush read them.
        indexes = [models.Index(fields=["id"], name="outbox_pending_idx", condition=Q(dispatched_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.task_name} ({'dispatched' if self.dispatched_at else 'pending'})"


class UserProfile(models.Model):
    """What a user chose for themselves: so far the language of the screens, mails and API messages."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Empty: follow the browser (Accept-Language) as on the first visit.
    language = models.CharField(max_length=10, blank=True, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user}: {self.language or 'browser language'}"


class AccessChange(models.Model):
    """One change of a user's roles or warehouses, made in the app: who, when, and what they became."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="access_changes_made"
    )
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    roles = models.CharField(max_length=200, help_text=_("The roles after the change, space-separated."))
    warehouses = models.CharField(max_length=400, blank=True, help_text=_("Warehouse codes after the change."))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} → {self.roles} @ {self.warehouses}"
