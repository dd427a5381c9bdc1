"""Managers give users their roles and warehouses in the app (the Django admin stays for superusers)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import services as core_services
from core.exceptions import DomainError
from core.models import AccessChange, WarehouseMembership
from core.permissions import RoleRequiredMixin
from core.roles import Role
from core.views import refusal_on_form

from .models import Warehouse

ROLE_LABELS = {
    Role.CLERK: gettext_lazy("Warehouse clerk"),
    Role.WORKSHOP: gettext_lazy("Workshop"),
    Role.PURCHASER: gettext_lazy("Purchasing"),
    Role.PLANNER: gettext_lazy("Planner / parts manager"),
    Role.MANAGER: gettext_lazy("Manager"),
    Role.SUPPLIER: gettext_lazy("Supplier (portal only)"),
    Role.PARTNER: gettext_lazy("Partner dealer (exchange portal only)"),
}


class UserAccessForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=[(role, label) for role, label in ROLE_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    warehouses = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Warehouses they post in"),
        queryset=Warehouse.objects.filter(is_active=True).order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Managers post in every warehouse whatever is ticked here."),
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("May log in"), required=False, help_text=gettext_lazy("Untick to lock the login out.")
    )


def _users(query: str):
    users = (
        get_user_model()
        .objects.prefetch_related(
            "groups",
            Prefetch("warehouse_memberships", queryset=WarehouseMembership.objects.select_related("warehouse")),
        )
        .order_by("username")
    )
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    return users


class UserListView(RoleRequiredMixin, View):
    required_roles = (Role.MANAGER,)

    def get(self, request):
        query = request.GET.get("q", "").strip()[:100]
        rows = [
            {
                "user": user,
                "roles": [str(ROLE_LABELS.get(g.name, g.name)) for g in user.groups.all()],
                "warehouses": sorted(m.warehouse.code for m in user.warehouse_memberships.all()),
            }
            for user in _users(query)[:200]
        ]
        return render(request, "inventory/users.html", {"rows": rows, "q": query})


class UserAccessView(RoleRequiredMixin, View):
    required_roles = (Role.MANAGER,)

    def context(self, person, form):
        changes = AccessChange.objects.filter(user=person).select_related("changed_by")[:20]
        return {"person": person, "form": form, "changes": changes}

    def get(self, request, pk: int):
        person = get_object_or_404(get_user_model(), pk=pk)
        form = UserAccessForm(
            initial={
                "roles": list(person.groups.values_list("name", flat=True)),
                "warehouses": list(person.warehouse_memberships.values_list("warehouse_id", flat=True)),
                "is_active": person.is_active,
            }
        )
        return render(request, "inventory/user_access.html", self.context(person, form))

    def post(self, request, pk: int):
        person = get_object_or_404(get_user_model(), pk=pk)
        form = UserAccessForm(request.POST)
        if form.is_valid():
            try:
                core_services.user_access_set(
                    user_id=person.pk,
                    by=request.user,
                    roles=form.cleaned_data["roles"],
                    warehouse_ids=[w.pk for w in form.cleaned_data["warehouses"]],
                    is_active=form.cleaned_data["is_active"],
                )
            except DomainError as error:
                refusal_on_form(form, error)
            else:
                messages.success(
                    request, _("%(user)s's roles and warehouses are saved.") % {"user": person.get_username()}
                )
                return redirect("inventory:users")
        return render(request, "inventory/user_access.html", self.context(person, form), status=400)
