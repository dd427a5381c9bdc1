"""REST endpoint for reservations: parts held for a repair order booked for a day (``Idempotency-Key`` honoured)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key
from core.permissions import require_warehouse, roles_permission
from inventory.demand import selectors as sel
from inventory.demand import services
from inventory.demand.views import REQUEST_ROLES

from .serializers import WorkshopRequestInSerializer, WorkshopRequestSerializer


class ReservationInSerializer(WorkshopRequestInSerializer):
    booked_for = serializers.DateField(help_text=_("The day the repair order is booked for (today or later)."))


class ReservationCreate(APIView):
    """Reserve parts for a booked repair order: available drops, on hand does not; the shortage back-orders."""

    permission_classes = [roles_permission(*REQUEST_ROLES)]

    @extend_schema(
        request=ReservationInSerializer, responses={201: WorkshopRequestSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        data = ReservationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        require_warehouse(request.user, values["warehouse"])
        with transaction.atomic():
            repair_order = services.repair_order_open(
                number=values["repair_order"],
                warehouse=values["warehouse"],
                vehicle_ref=values["vehicle_ref"],
                customer_ref=values["customer_ref"],
            )
            created = services.reservation_create(
                repair_order=repair_order,
                warehouse=values["warehouse"],
                booked_for=values["booked_for"],
                lines=[services.DemandLine(**line) for line in values["lines"]],
                user=request.user,
                idempotency_key=idempotency_key(request),
            )
        return Response(
            WorkshopRequestSerializer(sel.workshop_request_get(pk=created.pk)).data, status=status.HTTP_201_CREATED
        )
