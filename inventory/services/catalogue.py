"""Catalogue writes: parts and their supersession."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.fastpath.rows import quote, update_rows

from ..exceptions import InventoryError, SupersessionCycle
from ..models import Part, normalize_part_number
from .bulk import history_rows_write

ZERO = Decimal("0")


def _check_supersession(part: Part, new_part: Part | None) -> None:
    """Refuse a supersession that would make a loop, following the stored links from ``new_part``."""
    if new_part is None:
        return

    def next_of(pk: int) -> int | None:
        return Part.objects.filter(pk=pk).values_list("superseded_by_id", flat=True).first()

    if _leads_back(next_of, part.pk, new_part.pk):
        raise _loop_refusal(part.number, new_part.number, itself=new_part.pk == part.pk)


def _leads_back(next_of: Callable[[int], int | None], source: int | None, new: int) -> bool:
    """Whether following the supersessions (``next_of``: a part's replacement) from ``new`` comes back to
    ``source``: the one loop rule, for one link and for a whole file of them."""
    seen: set[int] = set()
    node: int | None = new
    while node is not None and node not in seen:
        if node == source:
            return True
        seen.add(node)
        node = next_of(node)
    return False


def _loop_refusal(part: str, new_part: str, *, itself: bool) -> SupersessionCycle:
    if itself:
        return SupersessionCycle(_("%(part)s cannot supersede itself.") % {"part": part})
    return SupersessionCycle(
        _("%(new_part)s already leads back to %(part)s; a supersession chain cannot loop.")
        % {"new_part": new_part, "part": part}
    )


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


@transaction.atomic
def parts_supersede_bulk(*, links: Mapping[int, int | None], user, reason: str = "import") -> list[int]:
    """Point many parts (by id) to their replacements (or clear them) at once; returns the ids that changed.

    The rule of ``part_supersede`` for the whole set: chains are allowed, a
    loop is refused, judged on the supersessions as they will be once every
    link is set (so a file may point forward to its own later rows). Any loop
    refuses them all, with ``SupersessionCycle.parts`` naming every part whose
    link closes one. Links that change nothing are not written; the others in
    one UPDATE, each part with its history row ("~", ``reason``).
    """
    graph, changes = _supersessions_changed(links)
    if changes:
        # Lock the changed parts and their new targets in primary-key order, as part_supersede does, so no
        # planner builds a loop meanwhile; then read the links again under the lock.
        wanted = sorted({*changes, *(new for new in changes.values() if new is not None)})
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {quote(Part._meta.db_table)} WHERE id = ANY(%s) ORDER BY id FOR UPDATE",  # noqa: S608
                [wanted],
            )
        graph, changes = _supersessions_changed(links)
    for source, new in changes.items():
        if new is None:
            graph.pop(source, None)
        else:
            graph[source] = new
    loops = [
        (source, new) for source, new in changes.items() if new is not None and _leads_back(graph.get, source, new)
    ]
    if loops:
        part, new_part = loops[0]
        numbers = dict(Part.objects.filter(pk__in=[part, new_part]).values_list("pk", "number"))
        error = _loop_refusal(numbers[part], numbers[new_part], itself=part == new_part)
        error.parts = tuple(source for source, _new in loops)
        raise error
    sources = list(changes)
    update_rows(Part, sources, ["superseded_by"], [[changes[source] for source in sources]])
    history_rows_write(Part, sources, history_type="~", user=user, reason=reason)
    return sources


def _supersessions_changed(links: Mapping[int, int | None]) -> tuple[dict[int, int], dict[int, int | None]]:
    """Every stored supersession (part id -> new part id), and the links that differ from it."""
    graph = dict(Part.objects.filter(superseded_by__isnull=False).values_list("pk", "superseded_by_id"))
    return graph, {source: new for source, new in links.items() if graph.get(source) != new}
