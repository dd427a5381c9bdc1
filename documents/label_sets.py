"""Which labels to print: parts, bins, and the parts of a goods receipt (per unit or per line)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from inventory.scan_codes import bin_code, part_code

from . import selectors
from .labels import Label, render_labels

PER_UNIT, PER_LINE = "unit", "line"
MAX_LABELS = 2000


class TooManyLabels(ValueError):
    pass


def part_label(*, number: str, description: str, bin_text: str) -> Label:
    lines = [description]
    if bin_text:
        lines.append(_("Bin %(bin)s") % {"bin": bin_text})
    return Label(code=part_code(number), title=number, lines=lines)


def part_labels(*, numbers: Sequence[str], warehouse_id: int | None = None, copies: int = 1) -> list[Label]:
    found = selectors.parts_for_labels(numbers=numbers, warehouse_id=warehouse_id)
    labels = [part_label(number=p.number, description=p.description, bin_text=b) for p, b in found]
    return [label for label in labels for _copy in range(copies)]


def bin_labels(*, pairs: Sequence[tuple[str, str]], symbology: str = "code128") -> list[Label]:
    return [
        Label(
            code=bin_code(b.warehouse.code, b.code),
            title=f"{b.warehouse.code} / {b.code}",
            lines=[b.warehouse.name],
            symbology=symbology,
        )
        for b in selectors.bins_for_labels(pairs=pairs)
    ]


def receipt_labels(*, number: str, per: str = PER_LINE) -> list[Label]:
    """One label per received line, or one per received unit (whole units; a fraction still gets one)."""
    receipt = selectors.goods_receipt_for_document(number=number)
    labels: list[Label] = []
    for line in receipt.lines.all():
        label = part_label(
            number=line.part.number, description=line.part.description, bin_text=line.bin.code if line.bin else ""
        )
        count = max(1, int(line.quantity.to_integral_value(rounding="ROUND_CEILING"))) if per == PER_UNIT else 1
        labels += [label] * count
    if len(labels) > MAX_LABELS:
        raise TooManyLabels(_("At most %(max)s labels at once.") % {"max": MAX_LABELS})
    return labels


def labels_pdf(labels: Sequence[Label], *, layout: str) -> bytes:
    if len(labels) > MAX_LABELS:
        raise TooManyLabels(_("At most %(max)s labels at once.") % {"max": MAX_LABELS})
    return render_labels(labels, layout=layout)
