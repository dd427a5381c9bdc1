"""Screens for freezes of stock on the shelf: the list of what is frozen, freezing, and the decision on a freeze.

Keyboard and scanner first like the other posting screens (``static/js/posting.js``).
Thin views: forms check the input, ``inventory.services`` freezes and settles,
a refusal is shown on the form and changes nothing. Returning frozen stock to
its supplier is the supplier-return flow's and lives in ``suppliers.views``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from core.exports import Column
from core.lists import ListScreenMixin
from core.permissions import RoleRequiredMixin
from core.roles import FREEZE_ANYWHERE_ROLES, FREEZE_ROLES, Role, user_access
from core.views import ServiceFormView

from . import selectors, services
from .bounds import MAX_QUANTITY
from .demand.views import own_warehouses
from .forms import own_warehouse_id, scanned_part
from .models import FreezeAction, StockFreeze, StockFreezeSettlement, Warehouse
from .services.freezes import SETTLE_ROLES

NETWORK = "network"


def _quantity_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        min_value=Decimal("0.001"),
        max_value=MAX_QUANTITY,
        max_digits=14,
        decimal_places=3,
        label=label,
    )


class FreezeForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Where"))
    part_number = forms.CharField(max_length=40, label=gettext_lazy("Part number"))
    quantity = _quantity_field(gettext_lazy("Quantity (empty: everything available)"))
    reason = forms.CharField(max_length=200, label=gettext_lazy("Why (suspect batch, recall)"))
    reference = forms.CharField(required=False, max_length=60, label=gettext_lazy("Recall or batch reference"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        access = user_access(user)
        warehouses = own_warehouses(user).order_by("code")
        choices = [(str(w.pk), f"{w.code} {w.name}") for w in warehouses]
        if access.has_any(FREEZE_ANYWHERE_ROLES):
            choices.append((NETWORK, _("Whole network: every warehouse holding it")))
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices
        own = own_warehouse_id(access)
        if own is not None and not self.is_bound:
            self.initial.setdefault("scope", str(own))
        self.fields["part_number"].widget.attrs.update(autofocus=True, autocomplete="off")
        self.warehouses = {str(w.pk): w for w in warehouses}

    def clean_part_number(self):
        number = self.cleaned_data["part_number"].strip()
        self.part = scanned_part(number)
        return number

    def warehouse(self) -> Warehouse | None:
        scope = self.cleaned_data["scope"]
        return None if scope == NETWORK else self.warehouses[scope]


class FreezeListView(RoleRequiredMixin, ListScreenMixin, ListView):
    """What is frozen, where, since when and how much is still waiting for a decision."""

    template_name = "inventory/freeze_list.html"
    required_roles = Role.INTERNAL
    paginate_by = 50
    context_object_name = "freezes"
    sort_fields = {
        "frozen": "frozen_at",
        "part": "part__number",
        "warehouse": "warehouse__code",
        "open": "open_quantity",
    }
    export_columns = (
        Column(gettext_lazy("Freeze"), lambda f: f.number),
        Column(gettext_lazy("Part"), lambda f: f.part.number),
        Column(gettext_lazy("Warehouse"), lambda f: f.warehouse.code),
        Column(gettext_lazy("Frozen"), lambda f: f.quantity),
        Column(gettext_lazy("Still frozen"), lambda f: f.open_quantity),
        Column(gettext_lazy("Reason"), lambda f: f.reason),
        Column(gettext_lazy("Reference"), lambda f: f.reference),
        Column(gettext_lazy("Frozen at"), lambda f: f.frozen_at),
        Column(gettext_lazy("By"), lambda f: f.frozen_by.username),
        Column(gettext_lazy("Closed at"), lambda f: f.closed_at),
    )
    export_name = "freezes"

    def get_queryset(self):
        params = self.request.GET
        state = params.get("state") if params.get("state") in ("open", "closed", "all") else "open"
        warehouse = params.get("warehouse", "")
        number = params.get("part", "").strip()[:40]
        part = selectors.part_by_number(number) if number else None
        if number and part is None:
            return StockFreeze.objects.none()
        freezes = selectors.freeze_list(
            state=state, warehouse_ids={int(warehouse)} if warehouse.isdigit() else None, part=part
        )
        return self.sorted_queryset(freezes)

    def get_context_data(self, **kwargs):
        access = user_access(self.request.user)
        return super().get_context_data(**kwargs) | {
            "warehouses": Warehouse.objects.filter(is_active=True).order_by("code"),
            "params": self.request.GET,
            "state": self.request.GET.get("state") or "open",
            "states": [("open", _("Open")), ("closed", _("Settled")), ("all", _("All"))],
            "can_freeze": access.has_any(FREEZE_ROLES),
        }


class FreezeNewView(RoleRequiredMixin, ServiceFormView[FreezeForm, list[StockFreeze]]):
    template_name = "inventory/freeze_form.html"
    required_roles = tuple(FREEZE_ROLES)
    form_class = FreezeForm
    refusal_fields = {"warehouse": "scope"}

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form: FreezeForm) -> list[StockFreeze]:
        values = form.cleaned_data
        return services.stock_freeze(
            part=form.part,
            warehouse=form.warehouse(),
            quantity=values["quantity"],
            reason=values["reason"],
            reference=values["reference"],
            user=self.request.user,
            idempotency_key=f"freeze-form-{values['key']}",
        )

    def success_message(self, form: FreezeForm, outcome: list[StockFreeze]) -> str:
        where = ", ".join(
            _("%(quantity)s in %(warehouse)s (%(number)s)")
            % {
                "quantity": f"{freeze.quantity.normalize():f}",
                "warehouse": freeze.warehouse.code,
                "number": freeze.number,
            }
            for freeze in outcome
        )
        return _("%(part)s frozen: %(where)s. Purchasing and the planners have been told.") % {
            "part": form.part.number,
            "where": where,
        }

    def success_url(self, form: FreezeForm, outcome: list[StockFreeze]) -> str:
        if len(outcome) == 1:
            return reverse("inventory:freeze-detail", args=[outcome[0].pk])
        return reverse("inventory:freezes") + f"?part={form.part.number}"


class ReleaseForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial=FreezeAction.RELEASE)
    quantity = _quantity_field(gettext_lazy("Quantity to release (empty: all still frozen)"))
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("Inspection note"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)


class ScrapFrozenForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial=FreezeAction.SCRAP)
    quantity = _quantity_field(gettext_lazy("Quantity to scrap (empty: all still frozen)"))
    reason = forms.CharField(max_length=200, label=gettext_lazy("Why is it scrapped?"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)


class FreezeDetailView(RoleRequiredMixin, ServiceFormView[ReleaseForm | ScrapFrozenForm, StockFreezeSettlement]):
    """One freeze, what was decided on it, and the forms to release or scrap what is still frozen."""

    template_name = "inventory/freeze_detail.html"
    required_roles = Role.INTERNAL
    forms: ClassVar[dict[str, type[ReleaseForm | ScrapFrozenForm]]] = {
        FreezeAction.RELEASE: ReleaseForm,
        FreezeAction.SCRAP: ScrapFrozenForm,
    }

    @cached_property
    def freeze(self) -> StockFreeze:
        found = selectors.freeze_detail(pk=self.kwargs["pk"])
        if found is None:
            raise Http404(_("No such freeze."))
        return found

    def allowed(self, freeze: StockFreeze) -> set[str]:
        user = self.request.user
        if not freeze.is_open or not services.freeze_may_act_in(user, freeze.warehouse_id):
            return set()
        access = user_access(user)
        return {action for action, roles in SETTLE_ROLES.items() if access.has_any(roles)}

    def get_form(self) -> ReleaseForm | ScrapFrozenForm:
        return self.forms[self.request.POST["action"]](self.request.POST)

    def get_context_data(self, **kwargs):
        freeze = self.freeze
        allowed = self.allowed(freeze)
        shown = {action: form_class(initial=self.get_initial()) for action, form_class in self.forms.items()}
        if kwargs.get("form") is not None:
            shown[self.request.POST["action"]] = kwargs["form"]
        kwargs.setdefault("form", None)  # two forms, each under its own name
        return super().get_context_data(**kwargs) | {
            "freeze": freeze,
            "settlements": list(freeze.settlements.all()),
            "release_form": shown[FreezeAction.RELEASE],
            "scrap_form": shown[FreezeAction.SCRAP],
            "can_release": FreezeAction.RELEASE in allowed,
            "can_scrap": FreezeAction.SCRAP in allowed,
            "can_return": FreezeAction.RETURN in allowed,
        }

    def post(self, request, *args, **kwargs):
        if request.POST.get("action", "") not in self.forms.keys() & self.allowed(self.freeze):
            messages.error(request, _("You cannot settle this freeze: it is settled, or not in your warehouses."))
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def perform(self, form: ReleaseForm | ScrapFrozenForm) -> StockFreezeSettlement:
        values = form.cleaned_data
        key = f"freeze-{values['action']}-form-{values['key']}"
        if isinstance(form, ReleaseForm):
            return services.stock_freeze_release(
                freeze=self.freeze,
                user=self.request.user,
                quantity=values["quantity"],
                note=values["note"],
                idempotency_key=key,
            )
        return services.stock_freeze_scrap(
            freeze=self.freeze,
            user=self.request.user,
            quantity=values["quantity"],
            reason=values["reason"],
            idempotency_key=key,
        )

    def success_message(self, form: ReleaseForm | ScrapFrozenForm, outcome: StockFreezeSettlement) -> str:
        return settled_message(outcome)


def settled_message(settlement) -> str:
    """What the clerk sees after a decision: what moved, and what is still frozen."""
    freeze = settlement.freeze
    text = _("%(quantity)s of %(part)s %(action)s from %(number)s.") % {
        "quantity": f"{settlement.quantity.normalize():f}",
        "part": freeze.part.number,
        "action": settlement.get_action_display(),
        "number": freeze.number,
    }
    if freeze.open_quantity:
        return text + " " + _("%(open)s still frozen.") % {"open": f"{freeze.open_quantity.normalize():f}"}
    return text + " " + _("Nothing of it is frozen any more.")
