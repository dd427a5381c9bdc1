"""The catalogue in the app: every internal role finds parts; planners and managers create and change them.

Thin views over ``inventory.services`` (``part_create``, ``part_update``,
``part_supersede``): a refusal is shown on the form and changes nothing; every
change is kept in the part's history with who made it. Who sells a part is the
supplier app's (its own screens, linked from the part's page).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
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
from core.roles import CATALOGUE_EDITORS, Role, user_access
from core.views import refusal_on_form

from . import selectors, services
from .exceptions import SupersessionCycle
from .models import Part, Unit

PART_FIELDS = ("number", "description", "unit", "category", "list_price", "is_critical", "is_active")


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """The model's own checks (a number without letters or digits) shown on their fields."""
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


class PartForm(forms.Form):
    number = forms.CharField(max_length=40, label=gettext_lazy("Part number"))
    description = forms.CharField(max_length=200, label=gettext_lazy("Description"))
    unit = forms.ChoiceField(choices=Unit.choices, initial=Unit.PIECE, label=gettext_lazy("Unit"))
    category = forms.CharField(required=False, max_length=60, label=gettext_lazy("Category"))
    list_price = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2, initial=0, label=gettext_lazy("List price")
    )
    is_critical = forms.BooleanField(required=False, label=gettext_lazy("Critical (keeps a safety buffer)"))
    is_active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Active"))
    superseded_by = forms.CharField(
        required=False, max_length=40, label=gettext_lazy("Superseded by (the newer part number)")
    )

    def clean_superseded_by(self):
        number = self.cleaned_data["superseded_by"].strip()
        if not number:
            self.new_part = None
            return ""
        self.new_part = selectors.part_by_number(number)
        if self.new_part is None:
            raise forms.ValidationError(_("No part %(number)s; enter the newer part's number.") % {"number": number})
        return number


# The columns of the parts import, with "is_active": an export re-imports without changes.
PART_COLUMNS = (
    Column("number", lambda p: p.number),
    Column("description", lambda p: p.description),
    Column("unit", lambda p: p.unit),
    Column("category", lambda p: p.category),
    Column("list_price", lambda p: p.list_price),
    Column("is_critical", lambda p: p.is_critical),
    Column("superseded_by", lambda p: p.superseded_by.number if p.superseded_by_id else ""),
    Column("is_active", lambda p: p.is_active),
)


class PartListView(RoleRequiredMixin, ListScreenMixin, ListView):
    """Search by number or description as you type; filter by category and state; sort; export."""

    template_name = "inventory/part_list.html"
    required_roles = Role.INTERNAL
    paginate_by = 50
    context_object_name = "parts"
    sort_fields = {"number": "number_normalized", "description": "description", "price": "list_price"}
    export_columns = PART_COLUMNS
    export_name = "parts"

    def get_queryset(self):
        params = self.request.GET
        state = params.get("state", "active")
        parts = selectors.part_search(query=params.get("q", "").strip()[:100], include_inactive=state != "active")
        if state == "inactive":
            parts = parts.filter(is_active=False)
        if params.get("category"):
            parts = parts.filter(category=params["category"][:60])
        if params.get("critical") == "yes":
            parts = parts.filter(is_critical=True)
        return self.sorted_queryset(parts.select_related("superseded_by"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "params": self.request.GET,
            "categories": selectors.part_categories(),
            "can_edit": user_access(self.request.user).has_any(CATALOGUE_EDITORS),
            "query_string": self.request.GET.urlencode(),
        }


class PartCreateView(RoleRequiredMixin, TemplateView):
    template_name = "inventory/part_form.html"
    required_roles = tuple(CATALOGUE_EDITORS)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"form": kwargs.get("form") or PartForm(), "part": None}

    def post(self, request):
        form = PartForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        values = {name: form.cleaned_data[name] for name in PART_FIELDS if name != "is_active"}
        try:
            part = services.part_create(**values, superseded_by=form.new_part)
        except DomainError as error:
            refusal_on_form(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except ValidationError as error:
            _add_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Part %(number)s created.") % {"number": part.number})
        return redirect(reverse("inventory:part-detail", args=[part.pk]))


class PartDetailView(RoleRequiredMixin, TemplateView):
    """A part: its facts, stock everywhere, its history of changes; planners and managers edit it here."""

    template_name = "inventory/part_detail.html"
    required_roles = Role.INTERNAL

    def part(self) -> Part:
        part = Part.objects.select_related("superseded_by").filter(pk=self.kwargs["pk"]).first()
        if part is None:
            raise Http404(_("No such part."))
        return part

    def get_context_data(self, **kwargs):
        part = kwargs.get("part") or self.part()
        initial = {name: getattr(part, name) for name in PART_FIELDS}
        initial["superseded_by"] = part.superseded_by.number if part.superseded_by else ""
        return super().get_context_data(**kwargs) | {
            "part": part,
            "form": kwargs.get("form") or PartForm(initial=initial),
            "can_edit": user_access(self.request.user).has_any(CATALOGUE_EDITORS),
            "lookup": selectors.stock_lookup(part=part),
            "changes": selectors.part_changes(part=part),
            "supersedes": list(part.supersedes.order_by("number_normalized")),
        }

    def post(self, request, pk: int):
        if not user_access(request.user).has_any(CATALOGUE_EDITORS):
            messages.error(request, _("Only planners and managers change the catalogue."))
            return redirect(request.path)
        part = self.part()
        form = PartForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(part=part, form=form), status=400)
        values = {name: form.cleaned_data[name] for name in PART_FIELDS}
        changed = {name: value for name, value in values.items() if getattr(part, name) != value}
        try:
            with transaction.atomic():
                if changed:
                    services.part_update(part=part, **changed)
                if part.superseded_by_id != (form.new_part.pk if form.new_part else None):
                    services.part_supersede(part=part, new_part=form.new_part)
        except DomainError as error:
            field = "superseded_by" if isinstance(error, SupersessionCycle) else error.field
            form.add_error(field if field in form.fields else None, error.message)
            return self.render_to_response(self.get_context_data(part=self.part(), form=form), status=400)
        except ValidationError as error:
            _add_errors(form, error)
            return self.render_to_response(self.get_context_data(part=self.part(), form=form), status=400)
        messages.success(request, _("Part %(number)s saved.") % {"number": part.number})
        return redirect(request.path)
