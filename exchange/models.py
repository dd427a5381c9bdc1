"""Partner dealers, the stock offered to them, and their requests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import COST, QTY, Part, Warehouse

from . import pricing

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class PartnerDealer(models.Model):
    """A dealer outside the group that may buy surplus and dead stock through the exchange."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PartnerUser(models.Model):
    """The partner dealer a login belongs to (the partner role sees that dealer's requests only)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_link")
    dealer = models.ForeignKey(PartnerDealer, on_delete=models.CASCADE, related_name="users")

    def __str__(self) -> str:
        return f"{self.user} @ {self.dealer.code}"


class PriceRule(models.TextChoices):
    PERCENT_OF_COST = pricing.PERCENT_OF_COST, _("per cent of average cost")
    FIXED = pricing.FIXED, _("fixed price")


class OfferState(models.TextChoices):
    OPEN = "open", _("open")
    WITHDRAWN = "withdrawn", _("withdrawn")
    SOLD_OUT = "sold_out", _("sold out")


class Offer(models.Model):
    """A quantity of a part in a warehouse that partners may ask for, at a price set by a rule."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY, help_text=_("Still offered: lowered as requests are shipped."))
    price_rule = models.CharField(max_length=20, choices=PriceRule.choices)
    rule_value = models.DecimalField(**COST)
    unit_price = models.DecimalField(**MONEY, help_text=_("The rule applied when the offer was made."))
    state = models.CharField(max_length=10, choices=OfferState.choices, default=OfferState.OPEN, db_index=True)
    valid_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["part__number_normalized", "warehouse__code"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="exchange_offer_quantity_not_negative"),
            models.UniqueConstraint(
                fields=["part", "warehouse"], condition=Q(state="open"), name="exchange_one_open_offer_per_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part.number} × {self.quantity} @ {self.unit_price}"


class RequestState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    SHIPPED = "shipped", _("shipped")
    REJECTED = "rejected", _("rejected")


class ExchangeRequest(models.Model):
    """A partner dealer's request for offered parts; shipped, it is a sale with a delivery note."""

    dealer = models.ForeignKey(PartnerDealer, on_delete=models.PROTECT, related_name="requests")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=RequestState.choices, default=RequestState.REQUESTED)
    reference = models.CharField(max_length=60, blank=True, help_text=_("The partner's own order number."))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "idempotency_key"], name="exchange_request_idempotency"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"EX-{self.pk:06d}" if self.pk else "EX-new"


class ExchangeRequestLine(models.Model):
    request = models.ForeignKey(ExchangeRequest, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="request_lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    unit_price = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="exchange_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"

    @property
    def value(self):
        return self.quantity * self.unit_price
