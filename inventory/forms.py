"""Screen forms: they validate input and hand clean values to a service."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .bounds import MAX_QUANTITY, too_large
from .demand.services import DemandLine
from .models import Part, Warehouse

MAX_LINES = 30


def preselect_warehouse(form: forms.Form, name: str, own_warehouse_id: int | None) -> None:
    """Start a warehouse field on the user's own warehouse, or on the only one it offers.

    With a single choice there is no empty entry to pick by mistake.
    """
    if form.is_bound:
        return
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    if field.queryset is None:
        return
    choices = list(field.queryset.values_list("pk", flat=True)[:2])
    if len(choices) == 1:
        field.empty_label = None
        form.initial.setdefault(name, choices[0])
    elif own_warehouse_id is not None:
        form.initial.setdefault(name, own_warehouse_id)


def own_warehouse_id(access) -> int | None:
    """The user's warehouse when they belong to exactly one (a clerk's or a workshop's store)."""
    return next(iter(access.warehouse_ids)) if len(access.warehouse_ids) == 1 else None


class WorkshopRequestForm(forms.Form):
    """The request header; the lines come as parallel lists (``number``, ``quantity``, ``cancel``)."""

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=gettext_lazy("Store"))
    repair_order = forms.CharField(max_length=40, label=gettext_lazy("Repair order"))
    vehicle_ref = forms.CharField(max_length=60, required=False, label=gettext_lazy("Vehicle"))
    # The blank form's idempotency key: a double submit (a second Enter, a reload) posts once.
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        warehouses: QuerySet[Warehouse] | None = None,
        own_warehouse_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        warehouse_field = self.fields["warehouse"]
        assert isinstance(warehouse_field, forms.ModelChoiceField)  # declared above
        warehouse_field.queryset = warehouses if warehouses is not None else Warehouse.objects.all()
        preselect_warehouse(self, "warehouse", own_warehouse_id)
        self.lines: list[DemandLine] = []
        self.line_rows: list[dict] = []

    def clean(self):
        cleaned = super().clean()
        numbers = self.data.getlist("number") if hasattr(self.data, "getlist") else []
        quantities = self.data.getlist("quantity") if hasattr(self.data, "getlist") else []
        cancelled = set(self.data.getlist("cancel")) if hasattr(self.data, "getlist") else set()
        errors = []
        for index, (number, raw_quantity) in enumerate(zip(numbers, quantities, strict=False)):
            number, raw_quantity = number.strip(), raw_quantity.strip()
            self.line_rows.append({"number": number, "quantity": raw_quantity, "cancel": str(index) in cancelled})
            if not number:
                # An empty row keeps its prefilled quantity of 1: without a part it is not a line.
                continue
            if "\x00" in number + raw_quantity:
                errors.append(_("Line %(line)s: remove the NUL character.") % {"line": index + 1})
                continue
            part = selectors.part_by_number(number) if number else None
            if part is None:
                errors.append(
                    _("Line %(line)s: no part numbered “%(number)s”.") % {"line": index + 1, "number": number[:40]}
                )
                continue
            try:
                quantity = Decimal(raw_quantity or "1")
            except InvalidOperation:
                errors.append(
                    _("Line %(line)s: the quantity “%(quantity)s” is not a number.")
                    % {"line": index + 1, "quantity": raw_quantity[:20]}
                )
                continue
            if not quantity.is_finite() or quantity <= 0 or too_large(quantity, MAX_QUANTITY):
                errors.append(
                    _("Line %(line)s: enter a quantity between 0 and %(limit)s.")
                    % {"line": index + 1, "limit": format(MAX_QUANTITY, ",")}
                )
                continue
            self.lines.append(DemandLine(part, quantity, cancel_shortage=str(index) in cancelled))
        if len(self.lines) > MAX_LINES:
            errors.append(_("A request has at most %(limit)s lines.") % {"limit": MAX_LINES})
        if not self.lines and not errors:
            errors.append(_("Enter at least one part number."))
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class TransferAcceptForm(forms.Form):
    """One click on a transfer proposal: where from and how many."""

    from_warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.filter(is_active=True))
    quantity = forms.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal("0.001"))


class TransferCreateForm(forms.Form):
    from_warehouse = forms.ModelChoiceField(
        queryset=Warehouse.objects.filter(is_active=True), label=gettext_lazy("From")
    )
    to_warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.filter(is_active=True), label=gettext_lazy("To"))
    number = forms.CharField(max_length=40, label=gettext_lazy("Part number"))
    quantity = forms.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal("0.001"))

    def __init__(self, *args: Any, own_warehouse_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A transfer is asked for the user's own store: "to" is theirs.
        preselect_warehouse(self, "to_warehouse", own_warehouse_id)

    def clean_number(self):
        part = selectors.part_by_number(self.cleaned_data["number"])
        if part is None:
            raise forms.ValidationError(_("No part with this number."))
        self.cleaned_data["part"] = part
        return self.cleaned_data["number"]


def line_quantities(data, prefix: str, line_ids) -> dict[int, Decimal]:
    """Read ``<prefix>-<line id>`` inputs as decimals; blank means the default (left out)."""
    result = {}
    for line_id in line_ids:
        raw = (data.get(f"{prefix}-{line_id}") or "").strip()
        if raw == "":
            continue
        try:
            result[line_id] = Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(_("“%(raw)s” is not a number.") % {"raw": raw}) from None
    return result


def scanned_part(number: str) -> Part:
    """The part a scanned or typed number names (any spelling of dashes and spaces), or a form error."""
    part = selectors.part_by_number(number)
    if part is None:
        raise forms.ValidationError(_("No part %(number)s; scan the label again or look it up.") % {"number": number})
    return part
