"""Reads for returns: the line a return is for (by number and part), recent returns, the misdiagnosis report."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet

from inventory.models import (
    CounterSaleLine,
    CustomerReturn,
    WorkshopRequestLine,
    WorkshopReturn,
    WorkshopReturnReason,
    normalize_part_number,
)
from inventory.months import add_months, month_begins

_NUMBER = re.compile(r"^\s*(?:(?P<prefix>[A-Za-z]{2})[-\s]?)?0*(?P<digits>\d{1,9})\s*$")


def document_pk(number: str, prefix: str) -> int | None:
    """The id in a printed document number (``WR-000123`` → 123); the bare digits do as well."""
    match = _NUMBER.match(number or "")
    if match is None or (match["prefix"] and match["prefix"].upper() != prefix):
        return None
    return int(match["digits"])


def _part_matches(number: str) -> Q:
    key = normalize_part_number(number)
    return Q(part__number_normalized=key) | Q(requested_part__number_normalized=key)


def workshop_return_line(*, request_number: str, part_number: str) -> WorkshopRequestLine | None:
    """The request line a workshop return is for: the request by its number, the part as served or as asked for."""
    pk = document_pk(request_number, "WR")
    if pk is None or not normalize_part_number(part_number):
        return None
    return (
        WorkshopRequestLine.objects.select_related("part", "request__warehouse")
        .filter(_part_matches(part_number), request_id=pk)
        .order_by("id")
        .first()
    )


def customer_return_line(*, sale_number: str, part_number: str) -> CounterSaleLine | None:
    """The counter sale line a customer return is for."""
    pk = document_pk(sale_number, "CS")
    if pk is None or not normalize_part_number(part_number):
        return None
    return (
        CounterSaleLine.objects.select_related("part", "sale__warehouse")
        .filter(_part_matches(part_number), sale_id=pk)
        .order_by("id")
        .first()
    )


def workshop_returns_recent(*, warehouse_ids: Iterable[int] | None, limit: int = 20) -> QuerySet[WorkshopReturn]:
    returns = WorkshopReturn.objects.select_related("part", "warehouse", "line__request__repair_order")
    if warehouse_ids is not None:
        returns = returns.filter(warehouse_id__in=list(warehouse_ids))
    return returns.order_by("-returned_at", "-id")[:limit]


def customer_returns_recent(*, warehouse_ids: Iterable[int] | None, limit: int = 20) -> QuerySet[CustomerReturn]:
    returns = CustomerReturn.objects.select_related("part", "warehouse", "line__sale")
    if warehouse_ids is not None:
        returns = returns.filter(warehouse_id__in=list(warehouse_ids))
    return returns.order_by("-returned_at", "-id")[:limit]


def misdiagnosis_returns(*, month: date, warehouse_ids: Iterable[int] | None) -> QuerySet[WorkshopReturn]:
    """Workshop returns for misdiagnosis in a month (local time), oldest first, with what the report prints."""
    start = month_begins(month, settings.TIME_ZONE)
    end = month_begins(add_months(month, 1), settings.TIME_ZONE)
    returns = WorkshopReturn.objects.select_related(
        "part", "warehouse", "returned_by", "line__request__repair_order"
    ).filter(reason=WorkshopReturnReason.MISDIAGNOSIS, returned_at__gte=start, returned_at__lt=end)
    if warehouse_ids is not None:
        returns = returns.filter(warehouse_id__in=list(warehouse_ids))
    return returns.order_by("returned_at", "id")
