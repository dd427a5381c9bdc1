"""The audit trail: who changed which master data, targets, settings and stock, in one time-ordered list.

Master data, targets and settings keep their history with django-simple-history
(every model with ``history = HistoricalRecords()``, found through the app
registry, so the inventory app imports no other app); stock changes are the
ledger's movements; closing and reopening months are period events; changes of a
level's minimum and maximum are ``LimitChange`` rows (the levels themselves change with
every posting, too often for a history table); changes of a user's roles and
warehouses made in the app are core's ``AccessChange`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.models import AccessChange

from .models import LimitChange, PeriodEvent, StockMovement

MOVEMENTS = "stock.movement"
PERIODS = "ledger.period"
LIMITS = "stock.limits"
ACCESS = "users.access"
_HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    user: str
    area: str
    object: str
    action: str
    detail: str


def _historical_models() -> dict[str, Any]:
    """Area key (``app.model`` of the tracked model) -> its historical model."""
    found = {}
    for model in apps.get_models():
        tracked = getattr(model, "instance_type", None)
        if tracked is not None and hasattr(model, "history_date"):
            found[f"{tracked._meta.app_label}.{tracked._meta.model_name}"] = model
    return dict(sorted(found.items()))


def audit_areas() -> list[tuple[str, str]]:
    """(key, label) of every area the trail covers."""
    areas = [
        (key, str(model.instance_type._meta.verbose_name).capitalize()) for key, model in _historical_models().items()
    ]
    return [
        *areas,
        (MOVEMENTS, _("Stock movement")),
        (PERIODS, _("Closed period")),
        (LIMITS, _("Minimum and maximum")),
        (ACCESS, _("User roles and warehouses")),
    ]


@dataclass(frozen=True)
class _Filter:
    """What the reader asked for: [start, end), one user's changes when named, the newest ``limit``."""

    start: datetime | None
    end: datetime | None
    username: str
    limit: int

    def newest(self, queryset: QuerySet, *, at: str, by: str, tie: str = "id") -> QuerySet:
        """An area's rows that pass, newest first: ``at`` dates a row, ``by`` is who made it."""
        rows = queryset
        if self.start is not None:
            rows = rows.filter(**{f"{at}__gte": self.start})
        if self.end is not None:
            rows = rows.filter(**{f"{at}__lt": self.end})
        if self.username:
            rows = rows.filter(**{f"{by}__username": self.username})
        return rows.order_by(f"-{at}", f"-{tie}")[: self.limit]


def _name(user) -> str:
    return user.username if user else ""


def audit_entries(
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    area: str = "",
    username: str = "",
    limit: int = 50,
) -> list[AuditEntry]:
    """The newest ``limit`` entries in [start, end), of one area or all, by one user or all.

    Each area is read newest first up to ``limit`` rows (one query per area)
    and the lists are merged, so a page costs the same whatever the history's size.
    """
    entries: list[AuditEntry] = []
    labels = {key: str(label) for key, label in audit_areas()}
    asked = _Filter(start=start, end=end, username=username, limit=limit)
    for key, model in _historical_models().items():
        if area and area != key:
            continue
        rows = model.objects.select_related("history_user")
        for row in asked.newest(rows, at="history_date", by="history_user", tie="history_id"):
            entries.append(
                AuditEntry(
                    at=row.history_date,
                    user=_name(row.history_user),
                    area=labels[key],
                    object=str(row.instance) if row.history_type != "-" else f"#{row.id}",
                    action=_HISTORY_ACTIONS.get(row.history_type, row.history_type),
                    detail=row.history_change_reason or "",
                )
            )
    if not area or area == MOVEMENTS:
        movements = StockMovement.objects.select_related("user", "part", "warehouse")
        for m in asked.newest(movements, at="posted_at", by="user"):
            late = f"; dated {m.intended_at:%Y-%m-%d}" if m.intended_at else ""
            entries.append(
                AuditEntry(
                    at=m.posted_at,
                    user=m.user.username,
                    area=labels[MOVEMENTS],
                    object=f"{m.part.number} @ {m.warehouse.code}",
                    action=m.get_kind_display(),
                    detail=f"{m.quantity.normalize():f} {m.document_type} {m.document_ref} {m.reason}".strip() + late,
                )
            )
    if not area or area == PERIODS:
        events = PeriodEvent.objects.select_related("user")
        for event in asked.newest(events, at="at", by="user"):
            entries.append(
                AuditEntry(
                    at=event.at,
                    user=_name(event.user),
                    area=labels[PERIODS],
                    object=f"{event.month:%Y-%m}",
                    action=event.get_action_display(),
                    detail=event.reason,
                )
            )
    if not area or area == LIMITS:
        changes = LimitChange.objects.select_related("changed_by", "part", "warehouse")
        for change in asked.newest(changes, at="changed_at", by="changed_by"):
            entries.append(
                AuditEntry(
                    at=change.changed_at,
                    user=_name(change.changed_by),
                    area=labels[LIMITS],
                    object=f"{change.part.number} @ {change.warehouse.code}",
                    action=change.get_source_display(),
                    detail=(
                        f"min {change.min_before.normalize():f} → {change.min_after.normalize():f}, "
                        f"max {change.max_before.normalize():f} → {change.max_after.normalize():f}"
                    ),
                )
            )
    if not area or area == ACCESS:
        access = AccessChange.objects.select_related("changed_by", "user")
        for change in asked.newest(access, at="changed_at", by="changed_by"):
            entries.append(
                AuditEntry(
                    at=change.changed_at,
                    user=_name(change.changed_by),
                    area=labels[ACCESS],
                    object=change.user.username,
                    action=str(_("changed") if change.is_active else _("deactivated")),
                    detail=f"{change.roles} @ {change.warehouses or '-'}",
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
