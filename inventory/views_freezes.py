"""Screens for freezes of stock on the shelf: the list of what is frozen, freezing, and the decision on a freeze.

Keyboard and scanner first like the other posting screens (``static/js/posting.js``).
Thin views: forms check the input, ``inventory.services`` freezes and settles,
a refusal is shown on the form and changes nothing. Returning frozen stock to
its supplier is the supplier-return flow's and lives in ``suppliers.views``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError
from core.exports import Column
from core.lists import ListScreenMixin
from core.permissions import RoleRequiredMixin
from core.roles import FREEZE_ANYWHERE_ROLES, FREEZE_ROLES, Role, user_access
from core.views import refusal_on_form

from . import selectors, services
from .bounds import MAX_QUANTITY
from .demand.views import own_warehouses
from .forms import own_warehouse_id, scanned_part
from .models import FreezeAction, StockFreeze, Warehouse
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


class FreezeNewView(RoleRequiredMixin, TemplateView):
    template_name = "inventory/freeze_form.html"
    required_roles = tuple(FREEZE_ROLES)

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or FreezeForm(initial={"key": uuid.uuid4().hex}, user=self.request.user)
        return super().get_context_data(**kwargs) | {"form": form}

    def post(self, request):
        form = FreezeForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        values = form.cleaned_data
        try:
            freezes = services.stock_freeze(
                part=form.part,
                warehouse=form.warehouse(),
                quantity=values["quantity"],
                reason=values["reason"],
                reference=values["reference"],
                user=request.user,
                idempotency_key=f"freeze-form-{values['key']}",
            )
        except DomainError as error:
            field = {"warehouse": "scope"}.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("%(part)s frozen: %(where)s. Purchasing and the planners have been told.")
            % {
                "part": form.part.number,
                "where": ", ".join(
                    _("%(quantity)s in %(warehouse)s (%(number)s)")
                    % {
                        "quantity": f"{freeze.quantity.normalize():f}",
                        "warehouse": freeze.warehouse.code,
                        "number": freeze.number,
                    }
                    for freeze in freezes
                ),
            },
        )
        if len(freezes) == 1:
            return redirect(reverse("inventory:freeze-detail", args=[freezes[0].pk]))
        return redirect(reverse("inventory:freezes") + f"?part={form.part.number}")


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


class FreezeDetailView(RoleRequiredMixin, TemplateView):
    """One freeze, what was decided on it, and the forms to release or scrap what is still frozen."""

    template_name = "inventory/freeze_detail.html"
    required_roles = Role.INTERNAL
    forms = {FreezeAction.RELEASE: ReleaseForm, FreezeAction.SCRAP: ScrapFrozenForm}

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

    def get_context_data(self, **kwargs):
        freeze = kwargs.get("freeze") or self.freeze()
        bound = kwargs.get("bound") or {}
        allowed = self.allowed(freeze)
        return super().get_context_data(**kwargs) | {
            "freeze": freeze,
            "settlements": list(freeze.settlements.all()),
            "release_form": bound.get(FreezeAction.RELEASE) or ReleaseForm(initial={"key": uuid.uuid4().hex}),
            "scrap_form": bound.get(FreezeAction.SCRAP) or ScrapFrozenForm(initial={"key": uuid.uuid4().hex}),
            "can_release": FreezeAction.RELEASE in allowed,
            "can_scrap": FreezeAction.SCRAP in allowed,
            "can_return": FreezeAction.RETURN in allowed,
        }

    def post(self, request, pk: int):
        freeze = self.freeze()
        action = request.POST.get("action", "")
        form_class = self.forms.get(action)  # type: ignore[call-overload]
        if form_class is None or action not in self.allowed(freeze):
            messages.error(request, _("You cannot settle this freeze: it is settled, or not in your warehouses."))
            return redirect(request.path)
        form = form_class(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(freeze=freeze, bound={action: form}), status=400)
        values = form.cleaned_data
        key = f"freeze-{action}-form-{values['key']}"
        try:
            if action == FreezeAction.RELEASE:
                settlement = services.stock_freeze_release(
                    freeze=freeze,
                    user=request.user,
                    quantity=values["quantity"],
                    note=values["note"],
                    idempotency_key=key,
                )
            else:
                settlement = services.stock_freeze_scrap(
                    freeze=freeze,
                    user=request.user,
                    quantity=values["quantity"],
                    reason=values["reason"],
                    idempotency_key=key,
                )
        except DomainError as error:
            refusal_on_form(form, error)
            return self.render_to_response(self.get_context_data(freeze=freeze, bound={action: form}), status=400)
        messages.success(request, settled_message(settlement))
        return redirect(request.path)


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
