"""Refusals of the webhook services."""

from core.exceptions import DomainError


class WebhookError(DomainError):
    code = "webhook_invalid"
