"""Catalogue writes: parts and their supersession."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ..exceptions import InventoryError, SupersessionCycle
from ..models import Part, normalize_part_number

ZERO = Decimal("0")


def _check_supersession(part: Part, new_part: Part | None) -> None:
    if new_part is None:
        return
    if new_part.pk == part.pk:
        raise SupersessionCycle(_("%(part)s cannot supersede itself.") % {"part": part.number})
    seen = {part.pk}
    node: Part | None = new_part
    while node is not None:
        if node.pk in seen:
            raise SupersessionCycle(
                _("%(new_part)s already leads back to %(part)s; a supersession chain cannot loop.")
                % {"new_part": new_part.number, "part": part.number}
            )
        seen.add(node.pk)
        node = node.superseded_by


@transaction.atomic
def part_create(
    *,
    number: str,
    description: str,
    unit: str = "PCS",
    category: str = "",
    list_price: Decimal = ZERO,
    superseded_by: Part | None = None,
    is_critical: bool = False,
) -> Part:
    """Create a part; the normalised number must be new."""
    part = Part(
        number=number.strip(),
        description=description.strip(),
        unit=unit,
        category=category.strip(),
        list_price=Decimal(list_price),
        is_critical=is_critical,
    )
    part.full_clean(exclude=["number_normalized", "superseded_by"])
    # The lookup key is set on save; compare on it now, so "11-22 333" clashes with "1122333".
    if Part.objects.filter(number_normalized=normalize_part_number(part.number)).exists():
        raise InventoryError(_("Part number %(part)s already exists.") % {"part": part.number}, field="number")
    try:
        with transaction.atomic():
            part.save()
    except IntegrityError as error:  # created by someone else a moment ago
        raise InventoryError(
            _("Part number %(part)s already exists.") % {"part": part.number}, field="number"
        ) from error
    if superseded_by is not None:
        part_supersede(part=part, new_part=superseded_by)
    return part


@transaction.atomic
def parts_create_bulk(*, parts: Sequence[dict[str, Any]]) -> list[Part]:
    """Create many parts at once (a catalogue import), each by ``part_create``'s rules; returns them in order.

    ``parts`` are the keyword arguments of ``part_create`` without ``superseded_by``.
    Every part is checked before any is written, and a number whose normalised
    form is taken (in the database or earlier in the list) refuses them all.
    The parts and their history records go in with one insert each.
    """
    created = []
    for fields in parts:
        part = Part(
            number=fields["number"].strip(),
            description=fields["description"].strip(),
            unit=fields.get("unit", "PCS"),
            category=fields.get("category", "").strip(),
            list_price=Decimal(fields.get("list_price", ZERO)),
            is_critical=fields.get("is_critical", False),
        )
        # Uniqueness is checked below for all parts at once; the check constraints repeat ``clean``
        # (a list price not below zero) and would cost a query each.
        part.full_clean(
            exclude=["number_normalized", "superseded_by"], validate_unique=False, validate_constraints=False
        )
        part.number_normalized = normalize_part_number(part.number)
        created.append(part)
    seen: set[str] = set()
    for part in created:
        if part.number_normalized in seen:
            raise InventoryError(_("Part number %(part)s already exists.") % {"part": part.number}, field="number")
        seen.add(part.number_normalized)
    taken = Part.objects.filter(number_normalized__in=seen).values_list("number", flat=True).first()
    if taken is not None:
        raise InventoryError(_("Part number %(part)s already exists.") % {"part": taken}, field="number")
    return bulk_create_with_history(created, Part, batch_size=1000)


@transaction.atomic
def part_update(*, part: Part, **changes: Any) -> Part:
    """Change catalogue fields of a part; supersession goes through ``part_supersede``."""
    allowed = {"number", "description", "unit", "category", "list_price", "is_critical", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise InventoryError(_("Cannot change %(unknown)s here.") % {"unknown": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(part, name, value)
    part.full_clean(exclude=["number_normalized", "superseded_by"])
    clash = Part.objects.filter(number_normalized=normalize_part_number(part.number)).exclude(pk=part.pk)
    if clash.exists():
        raise InventoryError(_("Part number %(part)s already exists.") % {"part": part.number}, field="number")
    part.save()
    return part


@transaction.atomic
def part_supersede(*, part: Part, new_part: Part | None) -> Part:
    """Point a part to its replacement (or clear it); chains are allowed, cycles refused."""
    # Lock the chain's rows so two planners cannot build a loop at the same moment.
    list(Part.objects.select_for_update().filter(pk__in=[part.pk] + ([new_part.pk] if new_part else [])))
    if new_part is not None:
        new_part.refresh_from_db(fields=["superseded_by"])
    _check_supersession(part, new_part)
    part.superseded_by = new_part
    part.save(update_fields=["superseded_by"])
    return part
