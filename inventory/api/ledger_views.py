"""REST endpoints of the ledger's controls: closed months, reopening one, the late-posting setting, the audit trail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import roles_permission
from core.roles import Role
from inventory.models import ClosedPeriod, LedgerSettings, PeriodEvent
from inventory.selectors_audit import audit_entries
from inventory.services.periods import ledger_settings_update, parse_month, period_reopen
from inventory.views_ledger import AUDIT_PAGE, AuditFilterForm

Managers = roles_permission(Role.MANAGER)


class ClosedPeriodSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    closed_by: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ClosedPeriod
        fields = ["month", "closed_at", "closed_by"]


class PeriodEventSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    user: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PeriodEvent
        fields = ["month", "action", "user", "at", "reason"]


class ReopenSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text=_("YYYY-MM"))
    reason = serializers.CharField(max_length=200)


class LedgerSettingsSerializer(serializers.Serializer):
    late_postings_to_open_month = serializers.BooleanField()


class PeriodsSerializer(serializers.Serializer):
    closed = ClosedPeriodSerializer(many=True)
    events = PeriodEventSerializer(many=True)


class ReopenedSerializer(serializers.Serializer):
    closed = ClosedPeriodSerializer(many=True)


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField()
    area = serializers.CharField()
    object = serializers.CharField()
    action = serializers.CharField()
    detail = serializers.CharField()


class AuditPageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = AuditEntrySerializer(many=True)


class ClosedPeriods(APIView):
    """Closed months (newest first) and the log of closing and reopening."""

    permission_classes = [Managers]

    @extend_schema(responses={200: PeriodsSerializer})
    def get(self, request):
        return Response(
            {
                "closed": ClosedPeriodSerializer(ClosedPeriod.objects.select_related("closed_by"), many=True).data,
                "events": PeriodEventSerializer(PeriodEvent.objects.select_related("user")[:200], many=True).data,
            }
        )


class PeriodReopen(APIView):
    """Reopen a closed month and every later one (logged with the reason); closing it again reruns the close."""

    permission_classes = [Managers]

    @extend_schema(request=ReopenSerializer, responses={200: ReopenedSerializer})
    def post(self, request):
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period_reopen(
            month=parse_month(data.validated_data["month"]), user=request.user, reason=data.validated_data["reason"]
        )
        return Response({"closed": ClosedPeriodSerializer(ClosedPeriod.objects.all(), many=True).data})


class LedgerSettingsView(APIView):
    """Whether a posting dated into a closed month goes to the open month (true) or is refused (false)."""

    permission_classes = [Managers]

    @extend_schema(responses={200: LedgerSettingsSerializer})
    def get(self, request):
        row = LedgerSettings.objects.filter(pk=1).first()
        return Response({"late_postings_to_open_month": bool(row and row.late_postings_to_open_month)})

    @extend_schema(request=LedgerSettingsSerializer, responses={200: LedgerSettingsSerializer})
    def put(self, request):
        data = LedgerSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = ledger_settings_update(**data.validated_data)
        return Response({"late_postings_to_open_month": row.late_postings_to_open_month}, status=status.HTTP_200_OK)


class AuditList(APIView):
    """The audit trail, newest first, 50 a page: filter by start/end (dates, end inclusive), area, user."""

    permission_classes = [Managers]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description=_("YYYY-MM-DD")),
            OpenApiParameter("end", str, description=_("YYYY-MM-DD, inclusive")),
            OpenApiParameter("area", str, description=_("e.g. inventory.part, kpis.target, stock.movement")),
            OpenApiParameter("user", str, description=_("username")),
            OpenApiParameter("page", int),
        ],
        responses={200: AuditPageSerializer},
    )
    def get(self, request):
        form = AuditFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        page = form.cleaned_data.get("page") or 1
        entries = audit_entries(**form.window(), limit=page * AUDIT_PAGE + 1)
        shown = entries[(page - 1) * AUDIT_PAGE : page * AUDIT_PAGE]
        return Response(
            {
                "page": page,
                "has_next": len(entries) > page * AUDIT_PAGE,
                "results": AuditEntrySerializer(shown, many=True).data,
            }
        )
