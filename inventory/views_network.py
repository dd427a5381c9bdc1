"""The warehouse network in the app: warehouses, their neighbours and bins, kept by planners and managers.

Every internal role reads it. One page per warehouse holds its forms (the
warehouse itself, a neighbour, bins), each posting an ``action``; the services
in ``inventory.services.network`` check and write, a refusal is shown on its form.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin
from core.roles import CATALOGUE_EDITORS, DOCUMENT_NETWORK_ROLES, Role, user_access
from core.views import ServiceFormView, refusal_on_form

from .models import Bin, Echelon, Warehouse, WarehouseNeighbour
from .services import network


class WarehouseForm(forms.Form):
    code = forms.CharField(max_length=12, label=gettext_lazy("Code"))
    name = forms.CharField(max_length=100, label=gettext_lazy("Name"))
    echelon = forms.ChoiceField(choices=Echelon.choices, label=gettext_lazy("Level in the network"))
    parent = forms.ModelChoiceField(
        queryset=Warehouse.objects.none(), required=False, label=gettext_lazy("Supplied by (parent)")
    )
    is_active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Active"))

    def __init__(self, *args, exclude: Warehouse | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Warehouse.objects.filter(is_active=True).exclude(echelon=Echelon.STORE).order_by("code")
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = parents.exclude(pk=exclude.pk) if exclude else parents


class NeighbourForm(forms.Form):
    neighbour = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=gettext_lazy("Neighbour"))
    lead_time_days = forms.IntegerField(
        min_value=0, max_value=60, initial=1, label=gettext_lazy("Transfer lead time (days)")
    )

    def __init__(self, *args, warehouse: Warehouse, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["neighbour"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Warehouse.objects.filter(is_active=True).exclude(pk=warehouse.pk).order_by("code")


class BinsForm(forms.Form):
    codes = forms.CharField(
        max_length=10000,
        label=gettext_lazy("New bin codes"),
        help_text=gettext_lazy("Separated by commas, spaces or new lines, e.g. A-01-1 A-01-2."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_codes(self):
        return [code for code in re.split(r"[\s,;]+", self.cleaned_data["codes"]) if code]


class WarehouseListView(RoleRequiredMixin, ListView):
    template_name = "inventory/warehouse_list.html"
    required_roles = Role.INTERNAL
    context_object_name = "warehouses"
    paginate_by = 100

    def get_queryset(self):
        return (
            Warehouse.objects.select_related("parent")
            .annotate(
                bin_count=Count("bins", filter=Q(bins__is_active=True), distinct=True),
                neighbour_count=Count("neighbour_links", distinct=True),
            )
            .order_by("echelon", "code")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "can_edit": user_access(self.request.user).has_any(CATALOGUE_EDITORS)
        }


class WarehouseCreateView(RoleRequiredMixin, ServiceFormView[WarehouseForm, Warehouse]):
    template_name = "inventory/warehouse_form.html"
    required_roles = tuple(CATALOGUE_EDITORS)
    form_class = WarehouseForm

    def perform(self, form: WarehouseForm) -> Warehouse:
        return network.warehouse_save(user=self.request.user, **form.cleaned_data)

    def success_message(self, form: WarehouseForm, outcome: Warehouse) -> str:
        return _("Warehouse %(code)s created; add its bins and neighbours.") % {"code": outcome.code}

    def success_url(self, form: WarehouseForm, outcome: Warehouse) -> str:
        return reverse("inventory:warehouse-detail", args=[outcome.pk])


def _labels_in_scope(user, warehouse: Warehouse) -> bool:
    scope = user_access(user).warehouse_scope(DOCUMENT_NETWORK_ROLES)
    return scope is None or warehouse.pk in scope


class WarehouseDetailView(RoleRequiredMixin, TemplateView):
    """A warehouse: its place in the network, neighbours and bins, with the forms to change them."""

    template_name = "inventory/warehouse_detail.html"
    required_roles = Role.INTERNAL

    def warehouse(self) -> Warehouse:
        found = Warehouse.objects.select_related("parent").filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise Http404(_("No such warehouse."))
        return found

    def get_context_data(self, **kwargs):
        warehouse = kwargs.get("warehouse") or self.warehouse()
        bound = kwargs.get("bound", {})
        initial = {
            "code": warehouse.code,
            "name": warehouse.name,
            "echelon": warehouse.echelon,
            "parent": warehouse.parent_id,
            "is_active": warehouse.is_active,
        }
        return super().get_context_data(**kwargs) | {
            "warehouse": warehouse,
            "can_edit": user_access(self.request.user).has_any(CATALOGUE_EDITORS),
            # Labels, like documents, are printed for the user's own warehouses (the whole network: managers,
            # purchasers, planners).
            "can_print_labels": _labels_in_scope(self.request.user, warehouse),
            "form": bound.get("warehouse") or WarehouseForm(initial=initial, exclude=warehouse),
            "neighbour_form": bound.get("neighbour") or NeighbourForm(warehouse=warehouse),
            "bins_form": bound.get("bins") or BinsForm(),
            "neighbours": WarehouseNeighbour.objects.filter(warehouse=warehouse).select_related("neighbour"),
            "bins": Bin.objects.filter(warehouse=warehouse).order_by("-is_active", "route", "code"),
            "children": Warehouse.objects.filter(parent=warehouse).order_by("code"),
        }

    def post(self, request, pk: int):
        warehouse = self.warehouse()
        if not user_access(request.user).has_any(CATALOGUE_EDITORS):
            messages.error(request, _("Only planners and managers change the warehouse network."))
            return redirect(request.path)
        action = request.POST.get("action", "")
        handler = {
            "warehouse": self._save,
            "neighbour": self._neighbour,
            "neighbour-remove": self._neighbour_remove,
            "bins": self._bins,
            "bin-close": self._bin_active,
            "bin-reopen": self._bin_active,
            "bin-route": self._bin_route,
        }.get(action)
        if handler is None:
            return redirect(request.path)
        return handler(request, warehouse, action)

    def _refused(self, warehouse, name: str, form, error: DomainError):
        refusal_on_form(form, error)
        return self.render_to_response(self.get_context_data(warehouse=warehouse, bound={name: form}), status=400)

    def _save(self, request, warehouse, action):
        form = WarehouseForm(request.POST, exclude=warehouse)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(warehouse=warehouse, bound={"warehouse": form}), status=400
            )
        try:
            network.warehouse_save(user=request.user, warehouse=warehouse, **form.cleaned_data)
        except DomainError as error:
            return self._refused(self.warehouse(), "warehouse", form, error)
        messages.success(request, _("Warehouse %(code)s saved.") % {"code": warehouse.code})
        return redirect(request.path)

    def _neighbour(self, request, warehouse, action):
        form = NeighbourForm(request.POST, warehouse=warehouse)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(warehouse=warehouse, bound={"neighbour": form}), status=400
            )
        try:
            link = network.warehouse_neighbour_set(
                user=request.user,
                warehouse=warehouse,
                neighbour=form.cleaned_data["neighbour"],
                lead_time_days=form.cleaned_data["lead_time_days"],
            )
        except DomainError as error:
            return self._refused(warehouse, "neighbour", form, error)
        messages.success(
            request,
            _("%(neighbour)s covers %(warehouse)s in %(days)s days.")
            % {"neighbour": link.neighbour.code, "warehouse": warehouse.code, "days": link.transfer_lead_time_days},
        )
        return redirect(request.path)

    def _neighbour_remove(self, request, warehouse, action):
        link = WarehouseNeighbour.objects.filter(warehouse=warehouse, pk=request.POST.get("link") or 0).first()
        if link is not None:
            network.warehouse_neighbour_remove(user=request.user, link=link)
            messages.success(request, _("Neighbour removed."))
        return redirect(request.path)

    def _bins(self, request, warehouse, action):
        form = BinsForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(warehouse=warehouse, bound={"bins": form}), status=400)
        try:
            added = network.bins_create(user=request.user, warehouse=warehouse, codes=form.cleaned_data["codes"])
        except DomainError as error:
            return self._refused(warehouse, "bins", form, error)
        messages.success(request, _("%(count)s bins added or reopened.") % {"count": len(added)})
        return redirect(request.path)

    def _bin_route(self, request, warehouse, action):
        bin = Bin.objects.filter(warehouse=warehouse, pk=request.POST.get("bin") or 0).first()
        if bin is None:
            return redirect(request.path)
        try:
            route = int(request.POST.get("route", "").strip())
        except ValueError:
            route = -1  # refused by the service with the rule in words
        try:
            network.bin_set_route(user=request.user, bin=bin, route=route)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Bin %(code)s is at place %(route)s of the pick route.") % {"code": bin.code, "route": route}
            )
        return redirect(request.path)

    def _bin_active(self, request, warehouse, action):
        bin = Bin.objects.filter(warehouse=warehouse, pk=request.POST.get("bin") or 0).first()
        if bin is None:
            return redirect(request.path)
        try:
            network.bin_set_active(user=request.user, bin=bin, is_active=action == "bin-reopen")
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Bin %(code)s saved.") % {"code": bin.code})
        return redirect(request.path)
