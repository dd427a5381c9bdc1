"""Counter screens for write-offs and corrections: scrap, adjustment, and a movement's page with its reversal.

Keyboard and scanner first like the receiving screen (``static/js/posting.js``:
Enter moves on, Ctrl+Enter posts, a double submit posts once through the form's
idempotency key). Thin views: the form checks the input, the inventory service
posts, a refusal is shown on the form with what to do next and changes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import POSTING_ROLES, Role, user_access
from core.views import ServiceFormView

from . import selectors, services
from .bounds import MAX_QUANTITY
from .demand.views import own_warehouses
from .forms import own_warehouse_id, preselect_warehouse, scanned_part
from .models import MovementKind, StockMovement, Warehouse

# Kept in the ledger as their English text, whoever posts: the ledger reads the same for every reader.
StrOrPromise = str | Promise

SCRAP_REASONS = [
    ("damaged", gettext_lazy("damaged")),
    ("obsolete", gettext_lazy("obsolete")),
    ("expired", gettext_lazy("expired")),
    ("lost", gettext_lazy("lost")),
]
ADJUSTMENT_REASONS = [
    ("count difference", gettext_lazy("count difference")),
    ("found", gettext_lazy("found")),
    ("booking error", gettext_lazy("booking error")),
    ("unrecorded issue", gettext_lazy("unrecorded issue")),
]


class _PostingForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=gettext_lazy("Warehouse"))
    part_number = forms.CharField(max_length=40, label=gettext_lazy("Part number"))
    note = forms.CharField(required=False, max_length=150, label=gettext_lazy("Note"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = own_warehouses(user).order_by("code")
        preselect_warehouse(self, "warehouse", own_warehouse_id(user_access(user)))
        self.fields["part_number"].widget.attrs.update(autofocus=True, autocomplete="off")

    def clean_part_number(self):
        number = self.cleaned_data["part_number"].strip()
        self.part = scanned_part(number)
        return number

    def reason_text(self) -> str:
        """The chosen reason's key (its English text, as the ledger keeps it), with the note after it."""
        values = self.cleaned_data
        return f"{values['reason']}: {values['note']}" if values["note"] else values["reason"]


class ScrapForm(_PostingForm):
    quantity = forms.DecimalField(
        min_value=0.001, max_value=MAX_QUANTITY, max_digits=14, decimal_places=3, label=gettext_lazy("Quantity")
    )
    reason = forms.ChoiceField(choices=SCRAP_REASONS, label=gettext_lazy("Reason"))
    from_quarantine = forms.BooleanField(required=False, label=gettext_lazy("From held stock (quarantine)"))

    field_order = ["warehouse", "part_number", "quantity", "reason", "note", "from_quarantine"]


class AdjustmentForm(_PostingForm):
    quantity = forms.DecimalField(
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        max_digits=14,
        decimal_places=3,
        label=gettext_lazy("Quantity (negative takes stock out)"),
    )
    reason = forms.ChoiceField(choices=ADJUSTMENT_REASONS, label=gettext_lazy("Reason"))

    field_order = ["warehouse", "part_number", "quantity", "reason", "note"]

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("Enter a quantity other than zero (negative to reduce stock)."))
        return quantity


class _PostingScreen(RoleRequiredMixin, ServiceFormView[_PostingForm, StockMovement]):
    template_name = "inventory/posting_form.html"
    kind: str
    title: StrOrPromise = ""
    help_text: StrOrPromise = ""
    button: StrOrPromise = ""

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        recent = selectors.movement_list(kind=self.kind).filter(warehouse__in=own_warehouses(self.request.user))[:10]
        return super().get_context_data(**kwargs) | {
            "recent": recent,
            "title": self.title,
            "help_text": self.help_text,
            "button": self.button,
        }

    def success_message(self, form: _PostingForm, outcome: StockMovement) -> str:
        return _("%(kind)s of %(quantity)s × %(part)s in %(warehouse)s posted at %(value)s (movement %(id)s).") % {
            "kind": outcome.get_kind_display(),
            "quantity": f"{outcome.quantity.normalize():f}",
            "part": outcome.part.number,
            "warehouse": outcome.warehouse.code,
            "value": outcome.value,
            "id": outcome.pk,
        }


class ScrapView(_PostingScreen):
    required_roles = tuple(POSTING_ROLES["scrap"])
    form_class = ScrapForm
    kind = MovementKind.SCRAP
    title = gettext_lazy("Scrap")
    help_text = gettext_lazy(
        "Write damaged or obsolete stock off at its average cost. Scan the part, enter the quantity and the "
        "reason; Enter moves on, Ctrl+Enter posts."
    )
    button = gettext_lazy("Post scrap")

    def perform(self, form) -> StockMovement:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["warehouse"])
        return services.stock_scrap(
            part=form.part,
            warehouse=values["warehouse"],
            quantity=values["quantity"],
            reason=form.reason_text(),
            from_quarantine=values["from_quarantine"],
            user=self.request.user,
            idempotency_key=f"scrap-form-{values['key']}",
        )


class AdjustmentView(_PostingScreen):
    required_roles = tuple(POSTING_ROLES["adjustment"])
    form_class = AdjustmentForm
    kind = MovementKind.ADJUSTMENT
    title = gettext_lazy("Adjustment")
    help_text = gettext_lazy(
        "Correct stock up or down with a reason: stock found comes in at the average cost, stock missing goes "
        "out at it. Enter moves on, Ctrl+Enter posts."
    )
    button = gettext_lazy("Post adjustment")

    def perform(self, form) -> StockMovement:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["warehouse"])
        return services.stock_adjust(
            part=form.part,
            warehouse=values["warehouse"],
            quantity=values["quantity"],
            reason=form.reason_text(),
            user=self.request.user,
            idempotency_key=f"adjust-form-{values['key']}",
        )


class ReverseForm(forms.Form):
    reason = forms.CharField(max_length=200, label=gettext_lazy("Why is it reversed?"))
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)


class MovementDetailView(RoleRequiredMixin, ServiceFormView[ReverseForm, StockMovement]):
    """One movement: what, where, who, its document, its reversal; managers reverse it here."""

    template_name = "inventory/movement_detail.html"
    required_roles = Role.INTERNAL
    form_class = ReverseForm

    @cached_property
    def movement(self) -> StockMovement:
        found = (
            StockMovement.objects.select_related("part", "warehouse", "other_warehouse", "user", "reverses")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if found is None:
            raise Http404(_("No such movement."))
        return found

    def get_context_data(self, **kwargs):
        movement = self.movement
        reversal = StockMovement.objects.filter(reverses=movement).select_related("user").first()
        can_reverse = (
            user_access(self.request.user).has_any(POSTING_ROLES["reversal"])
            and reversal is None
            and movement.reverses_id is None
        )
        return super().get_context_data(**kwargs) | {"m": movement, "reversal": reversal, "can_reverse": can_reverse}

    def post(self, request, *args, **kwargs):
        if not user_access(request.user).has_any(POSTING_ROLES["reversal"]):
            messages.error(request, _("Only a manager reverses a movement."))
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def perform(self, form: ReverseForm) -> StockMovement:
        require_warehouse(self.request.user, self.movement.warehouse)
        return services.stock_movement_reverse(
            movement=self.movement,
            user=self.request.user,
            reason=form.cleaned_data["reason"],
            idempotency_key=f"reverse-form-{form.cleaned_data['key']}",
        )

    def success_message(self, form: ReverseForm, outcome: StockMovement) -> str:
        return _("Movement %(id)s reversed by movement %(reversal)s.") % {
            "id": self.movement.pk,
            "reversal": outcome.pk,
        }

    def success_url(self, form: ReverseForm, outcome: StockMovement) -> str:
        return reverse("inventory:movement-detail", args=[self.movement.pk])
