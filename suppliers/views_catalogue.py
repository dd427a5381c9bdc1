"""Who sells what, in the app: the supplier parts list, and a form to add or change one.

Purchasing, planners and managers keep prices, lead times, order minimums,
packs and the supplier's purchase unit here (``suppliers.services.supplier_part_save``); a whole price list still
comes in through the imports. The list exports the import's columns, so an
export edited in a spreadsheet imports back.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from core.exports import Column
from core.lists import ListScreenMixin
from core.permissions import RoleRequiredMixin
from core.roles import Role, user_access
from core.views import ServiceFormView
from inventory.bounds import MAX_QUANTITY
from inventory.forms import scanned_part
from inventory.selectors import part_by_number

from . import services
from .models import Supplier, SupplierPart
from .services.catalogue import SUPPLIER_PART_EDITORS

READ_ROLES = (Role.PURCHASER, Role.PLANNER, Role.MANAGER, Role.CLERK)


class SupplierPartForm(forms.Form):
    supplier = forms.ModelChoiceField(queryset=Supplier.objects.none(), label=gettext_lazy("Supplier"))
    part_number = forms.CharField(max_length=40, label=gettext_lazy("Part number"))
    supplier_part_number = forms.CharField(required=False, max_length=40, label=gettext_lazy("Supplier's part number"))
    price = forms.DecimalField(min_value=0, max_digits=14, decimal_places=4, label=gettext_lazy("Price"))
    lead_time_days = forms.IntegerField(min_value=0, max_value=365, initial=7, label=gettext_lazy("Lead time (days)"))
    min_order_qty = forms.DecimalField(
        min_value=Decimal("0.001"), max_value=MAX_QUANTITY, decimal_places=3, initial=1,
        label=gettext_lazy("Order minimum"),
    )  # fmt: skip
    pack_size = forms.DecimalField(
        min_value=Decimal("0.001"), max_value=MAX_QUANTITY, decimal_places=3, initial=1,
        label=gettext_lazy("Pack size"),
    )  # fmt: skip
    purchase_unit = forms.CharField(
        required=False, max_length=20, label=gettext_lazy("Purchase unit"),
        help_text=gettext_lazy("The supplier's unit (box, drum, set); empty when it sells in our stock unit."),
    )  # fmt: skip
    purchase_factor = forms.DecimalField(
        required=False, min_value=Decimal("0.001"), max_value=MAX_QUANTITY, decimal_places=3, initial=1,
        label=gettext_lazy("Stock units per purchase unit"),
        help_text=gettext_lazy("e.g. 10 for a box of 10 pieces. Price, order minimum and pack are per purchase unit."),
    )  # fmt: skip
    is_preferred = forms.BooleanField(required=False, label=gettext_lazy("Preferred supplier of this part"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["supplier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Supplier.objects.filter(is_active=True).order_by("code")

    def clean_part_number(self):
        number = self.cleaned_data["part_number"].strip()
        self.part = scanned_part(number)
        return number


class SupplierPartListView(RoleRequiredMixin, ListScreenMixin, ListView):
    """Every supplier's parts: by part or supplier, sorted, paged, exported as the import reads them."""

    template_name = "suppliers/supplierpart_list.html"
    required_roles = READ_ROLES
    paginate_by = 50
    context_object_name = "rows"
    sort_fields = {"part": "part__number_normalized", "supplier": "supplier__code", "price": "price"}
    export_columns = (
        Column("supplier", lambda r: r.supplier.code),
        Column("part_number", lambda r: r.part.number),
        Column("supplier_part_number", lambda r: r.supplier_part_number),
        Column("price", lambda r: r.price),
        Column("lead_time_days", lambda r: r.lead_time_days),
        Column("min_order_qty", lambda r: r.min_order_qty),
        Column("pack_size", lambda r: r.pack_size),
        Column("is_preferred", lambda r: r.is_preferred),
        Column("purchase_unit", lambda r: r.purchase_unit),
        Column("purchase_factor", lambda r: r.purchase_factor),
    )
    export_name = "supplier-parts"

    def get_queryset(self):
        params = self.request.GET
        rows = SupplierPart.objects.select_related("supplier", "part").order_by(
            "part__number_normalized", "-is_preferred"
        )
        number = params.get("part", "").strip()[:40]
        if number:
            part = part_by_number(number)
            rows = rows.filter(part=part) if part else rows.none()
        supplier = params.get("supplier", "")
        if supplier.isdigit():
            rows = rows.filter(supplier_id=int(supplier))
        if params.get("preferred") == "yes":
            rows = rows.filter(is_preferred=True)
        return self.sorted_queryset(rows)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "params": self.request.GET,
            "suppliers": Supplier.objects.filter(is_active=True).order_by("code"),
            "can_edit": user_access(self.request.user).has_any(SUPPLIER_PART_EDITORS),
        }


class SupplierPartEditView(RoleRequiredMixin, ServiceFormView[SupplierPartForm, SupplierPart]):
    """Add what a supplier sells (no id), or change a line (with its id)."""

    template_name = "suppliers/supplierpart_form.html"
    required_roles = SUPPLIER_PART_EDITORS
    form_class = SupplierPartForm
    refusal_fields = {"part": "part_number"}

    @cached_property
    def row(self) -> SupplierPart | None:
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        row = SupplierPart.objects.select_related("supplier", "part").filter(pk=pk).first()
        if row is None:
            raise Http404(_("No such supplier part."))
        return row

    def get_initial(self):
        row = self.row
        if row is None:
            return {"part_number": self.request.GET.get("part", "")[:40]}
        return {
            "supplier": row.supplier_id,
            "part_number": row.part.number,
            "supplier_part_number": row.supplier_part_number,
            "price": row.price,
            "lead_time_days": row.lead_time_days,
            "min_order_qty": row.min_order_qty.normalize(),
            "pack_size": row.pack_size.normalize(),
            "is_preferred": row.is_preferred,
            "purchase_unit": row.purchase_unit,
            "purchase_factor": row.purchase_factor.normalize(),
        }

    def get_context_data(self, **kwargs):
        row = self.row
        history = list(row.history.select_related("history_user")[:10]) if row is not None else []
        return super().get_context_data(**kwargs) | {"row": row, "history": history}

    def perform(self, form: SupplierPartForm) -> SupplierPart:
        values = form.cleaned_data
        return services.supplier_part_save(
            user=self.request.user,
            supplier_part=self.row,
            supplier=values["supplier"],
            part=form.part,
            supplier_part_number=values["supplier_part_number"],
            price=values["price"],
            lead_time_days=values["lead_time_days"],
            min_order_qty=values["min_order_qty"],
            pack_size=values["pack_size"],
            is_preferred=values["is_preferred"],
            purchase_unit=values["purchase_unit"],
            purchase_factor=values["purchase_factor"] if values["purchase_factor"] is not None else Decimal(1),
        )

    def success_message(self, form: SupplierPartForm, outcome: SupplierPart) -> str:
        return _("%(supplier)s sells %(part)s at %(price)s.") % {
            "supplier": outcome.supplier.code,
            "part": outcome.part.number,
            "price": f"{outcome.price.normalize():f}",
        }

    def success_url(self, form: SupplierPartForm, outcome: SupplierPart) -> str:
        return reverse("suppliers:supplier-parts") + f"?part={outcome.part.number}"
