"""The reservation screen: the workshop request screen with the day the repair order is booked for."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import require_warehouse
from core.widgets import DateInput
from inventory.forms import WorkshopRequestForm
from inventory.models import WorkshopRequest

from . import services
from .views import RequestNewView


class ReservationForm(WorkshopRequestForm):
    booked_for = forms.DateField(label=gettext_lazy("Booked for"), widget=DateInput())


class ReservationNewView(RequestNewView):
    """Reserve parts for a repair order booked for a later day; they wait on that day's pick list."""

    template_name = "inventory/reservation_new.html"
    form_class = ReservationForm

    def get_initial(self):
        return super().get_initial() | {"booked_for": timezone.localdate() + timedelta(days=1)}

    def perform(self, form: WorkshopRequestForm) -> WorkshopRequest:
        values = form.cleaned_data
        require_warehouse(self.request.user, values["warehouse"])
        with transaction.atomic():
            repair_order = services.repair_order_open(
                number=values["repair_order"], warehouse=values["warehouse"], vehicle_ref=values["vehicle_ref"]
            )
            return services.reservation_create(
                repair_order=repair_order,
                warehouse=values["warehouse"],
                booked_for=values["booked_for"],
                lines=form.lines,
                user=self.request.user,
                idempotency_key=f"res-form-{values['key']}",
            )

    def success_message(self, form: WorkshopRequestForm, outcome: WorkshopRequest) -> str:
        return _("%(number)s reserved for %(day)s: it is on that day's pick list.") % {
            "number": outcome.number,
            "day": form.cleaned_data["booked_for"].isoformat(),
        }
