"""The reservation screen: the workshop request screen with the day the repair order is booked for."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError
from core.permissions import require_warehouse
from core.widgets import DateInput
from inventory.forms import WorkshopRequestForm

from . import services
from .views import RequestNewView, own_warehouses


class ReservationForm(WorkshopRequestForm):
    booked_for = forms.DateField(label=gettext_lazy("Booked for"), widget=DateInput())
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)


class ReservationNewView(RequestNewView):
    """Reserve parts for a repair order booked for a later day; they wait on that day's pick list."""

    template_name = "inventory/reservation_new.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form",
            ReservationForm(
                warehouses=own_warehouses(self.request.user),
                initial={"booked_for": timezone.localdate() + timedelta(days=1), "key": uuid.uuid4().hex},
            ),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = ReservationForm(request.POST, warehouses=own_warehouses(request.user))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        values = form.cleaned_data
        try:
            require_warehouse(request.user, values["warehouse"])
            with transaction.atomic():
                repair_order = services.repair_order_open(
                    number=values["repair_order"], warehouse=values["warehouse"], vehicle_ref=values["vehicle_ref"]
                )
                reservation = services.reservation_create(
                    repair_order=repair_order,
                    warehouse=values["warehouse"],
                    booked_for=values["booked_for"],
                    lines=form.lines,
                    user=request.user,
                    idempotency_key=f"res-form-{values['key']}",
                )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("%(number)s reserved for %(day)s: it is on that day's pick list.")
            % {"number": reservation.number, "day": values["booked_for"].isoformat()},
        )
        return redirect("inventory:request-detail", pk=reservation.pk)
