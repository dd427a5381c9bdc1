"""Supplier price list import (CSV / XLSX) through django-import-export in the admin.

One row per supplier and part: supplier code, part number (as printed;
spaces, dashes and case do not matter), the supplier's own number, price,
lead time, MOQ, pack size, preferred, and the supplier's purchase unit with
its factor (stock units per purchase unit; empty: our stock unit). An existing (supplier, part) row is
updated, a new one created. A row with an unknown supplier or part, or a bad
number, is reported with its line; with ``IMPORT_EXPORT_USE_TRANSACTIONS``
nothing at all is imported while any row fails.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from inventory.selectors import part_by_number

from .models import Supplier, SupplierPart


class SupplierCodeWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Supplier, field="code")

    def clean(self, value, row=None, **kwargs):
        code = (value or "").strip()
        if not code:
            raise ValueError(_("The supplier code is missing."))
        supplier = Supplier.objects.filter(code__iexact=code).first()
        if supplier is None:
            raise ValueError(_("No supplier with code %(code)s.") % {"code": repr(code)})
        return supplier


class PartNumberWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        from inventory.models import Part

        super().__init__(Part, field="number")

    def clean(self, value, row=None, **kwargs):
        number = str(value or "").strip()
        if not number:
            raise ValueError(_("The part number is missing."))
        part = part_by_number(number)
        if part is None:
            raise ValueError(_("No part with number %(number)s; create the part first.") % {"number": repr(number)})
        return part


class PositiveDecimalWidget(widgets.DecimalWidget):
    def __init__(self, *, allow_zero: bool, places: int):
        super().__init__()
        self.allow_zero = allow_zero
        self.places = places

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(_("A value is required."))
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("%(value)s is not a number.") % {"value": repr(value)}) from None
        if not number.is_finite() or number < 0 or (number == 0 and not self.allow_zero):
            if self.allow_zero:
                raise ValueError(_("%(value)s must be zero or more.") % {"value": repr(value)})
            raise ValueError(_("%(value)s must be greater than zero.") % {"value": repr(value)})
        quantum = Decimal(1).scaleb(-self.places)
        if number != number.quantize(quantum):
            raise ValueError(
                _("%(value)s has more than %(places)s decimal places.") % {"value": repr(value), "places": self.places}
            )
        return number


class FactorWidget(PositiveDecimalWidget):
    """Stock units per purchase unit; empty means 1 (the supplier sells in our stock unit)."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return Decimal(1)
        return super().clean(value, row, **kwargs)


class SupplierPartResource(resources.ModelResource):
    supplier = fields.Field(attribute="supplier", column_name="supplier", widget=SupplierCodeWidget())
    part = fields.Field(attribute="part", column_name="part_number", widget=PartNumberWidget())
    price = fields.Field(
        attribute="price", column_name="price", widget=PositiveDecimalWidget(allow_zero=True, places=4)
    )
    min_order_qty = fields.Field(
        attribute="min_order_qty", column_name="min_order_qty", widget=PositiveDecimalWidget(allow_zero=False, places=3)
    )
    pack_size = fields.Field(
        attribute="pack_size", column_name="pack_size", widget=PositiveDecimalWidget(allow_zero=False, places=3)
    )
    purchase_factor = fields.Field(
        attribute="purchase_factor", column_name="purchase_factor", widget=FactorWidget(allow_zero=False, places=3)
    )

    class Meta:
        model = SupplierPart
        import_id_fields = ["supplier", "part"]
        fields = [
            "supplier",
            "part",
            "supplier_part_number",
            "price",
            "lead_time_days",
            "min_order_qty",
            "pack_size",
            "is_preferred",
            "purchase_unit",
            "purchase_factor",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def get_queryset(self):
        return SupplierPart.objects.select_related("supplier", "part")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The purchase unit and factor by the same rule as the screen (``services.purchase_unit_checked``)."""
        from .exceptions import PurchasingError
        from .services import purchase_unit_checked

        errors = dict(import_validation_errors or {})
        if instance.part_id is not None and "purchase_factor" not in errors:
            try:
                instance.purchase_unit, instance.purchase_factor = purchase_unit_checked(
                    part=instance.part, unit=instance.purchase_unit or "", factor=instance.purchase_factor
                )
            except PurchasingError as error:
                errors[error.field or "purchase_factor"] = [ValidationError(error.message)]
        super().validate_instance(instance, errors, validate_unique)

    def dehydrate_supplier(self, supplier_part):
        return supplier_part.supplier.code

    def dehydrate_part(self, supplier_part):
        return supplier_part.part.number
