"""The bin-move screen: scan the part, the bin it leaves, the bin it goes to, the quantity.

Keyboard and scanner first like the other counter screens (``static/js/posting.js``:
Enter moves on, Ctrl+Enter posts, a double submit moves once through the form's
idempotency key). A bin field takes a scanned bin label (``BIN:<warehouse>:<bin>``)
or the typed bin code. The form checks the input, ``stock_bin_move`` moves, a
refusal is shown on the form and changes nothing.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import POSTING_ROLES, user_access
from core.views import ServiceFormView

from . import selectors, services
from .bounds import MAX_QUANTITY
from .demand.views import own_warehouses
from .forms import own_warehouse_id, preselect_warehouse, scanned_part
from .models import Bin, BinMove, Warehouse
from .scan_codes import BinCode, parse_scan


class BinMoveForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=gettext_lazy("Warehouse"))
    part_number = forms.CharField(max_length=40, label=gettext_lazy("Part number"))
    from_bin = forms.CharField(required=False, max_length=60, label=gettext_lazy("From bin (empty: stock in no bin)"))
    to_bin = forms.CharField(max_length=60, label=gettext_lazy("To bin"))
    quantity = forms.DecimalField(
        min_value=0.001, max_value=MAX_QUANTITY, max_digits=14, decimal_places=3, label=gettext_lazy("Quantity")
    )
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Note"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = own_warehouses(user).order_by("code")
        preselect_warehouse(self, "warehouse", own_warehouse_id(user_access(user)))
        self.fields["part_number"].widget.attrs.update(autofocus=True, autocomplete="off")
        for name in ("from_bin", "to_bin"):
            self.fields[name].widget.attrs.update(autocomplete="off")

    def clean_part_number(self):
        number = self.cleaned_data["part_number"].strip()
        self.part = scanned_part(number)
        return number

    def clean(self):
        values = super().clean()
        warehouse = values.get("warehouse")
        if warehouse is None:
            return values
        for name in ("from_bin", "to_bin"):
            if name in values:
                values[name] = self._bin(name, values[name], warehouse)
        return values

    def _bin(self, name: str, text: str, warehouse: Warehouse) -> Bin | None:
        scanned = parse_scan(text)
        if scanned is None:
            return None
        if isinstance(scanned, BinCode):
            if scanned.warehouse.upper() != warehouse.code.upper():
                self.add_error(
                    name, _("That label is a bin of %(code)s, not of this warehouse.") % {"code": scanned.warehouse}
                )
                return None
            code = scanned.bin
        else:
            code = text.strip()
        bin = Bin.objects.filter(warehouse=warehouse, code__iexact=code).first()
        if bin is None:
            self.add_error(name, _("No bin %(code)s in %(warehouse)s.") % {"code": code, "warehouse": warehouse.code})
        return bin


class BinMoveView(RoleRequiredMixin, ServiceFormView[BinMoveForm, BinMove]):
    required_roles = tuple(POSTING_ROLES["bin_move"])
    template_name = "inventory/bin_move.html"
    form_class = BinMoveForm

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        recent = selectors.bin_move_list(warehouses=own_warehouses(self.request.user))[:10]
        return super().get_context_data(**kwargs) | {"recent": recent}

    def perform(self, form: BinMoveForm) -> BinMove:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["warehouse"])
        return services.stock_bin_move(
            part=form.part,
            warehouse=values["warehouse"],
            from_bin=values["from_bin"],
            to_bin=values["to_bin"],
            quantity=values["quantity"],
            note=values["note"],
            user=self.request.user,
            idempotency_key=f"bin-move-form-{values['key']}",
        )

    def success_message(self, form: BinMoveForm, outcome: BinMove) -> str:
        return _("%(number)s: %(quantity)s × %(part)s moved from %(source)s to %(target)s in %(warehouse)s.") % {
            "number": outcome.number,
            "quantity": f"{outcome.quantity.normalize():f}",
            "part": form.part.number,
            "source": outcome.from_bin.code if outcome.from_bin else _("no bin"),
            "target": outcome.to_bin.code,
            "warehouse": outcome.warehouse.code,
        }
