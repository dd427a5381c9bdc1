"""Managers' screens of the ledger: closed months (reopen, late-posting setting) and the audit trail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import tablib
from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.permissions import RoleRequiredMixin
from core.roles import Role

from .exceptions import InventoryError
from .models import ClosedPeriod, LedgerSettings, PeriodEvent
from .selectors import reopened_periods
from .selectors_audit import audit_areas, audit_entries
from .services.periods import ledger_settings_update, parse_month, period_reopen

AUDIT_PAGE = 50
AUDIT_EXPORT_MAX = 10_000


class ReopenForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", help_text=gettext_lazy("YYYY-MM"))
    reason = forms.CharField(max_length=200)

    def clean_month(self) -> str:
        try:
            parse_month(self.cleaned_data["month"])
        except InventoryError as error:
            raise forms.ValidationError(error.message) from None
        return self.cleaned_data["month"]

    def month_date(self) -> date:
        return parse_month(self.cleaned_data["month"])


class LedgerSettingsForm(forms.Form):
    late_postings_to_open_month = forms.BooleanField(required=False)


class PeriodsView(RoleRequiredMixin, View):
    """Closed months, their log, reopening one, and whether late postings go to the open month."""

    required_roles = (Role.MANAGER,)

    def get(self, request, reopen_form=None):
        settings_row = LedgerSettings.objects.filter(pk=1).first()
        context = {
            "closed": ClosedPeriod.objects.select_related("closed_by")[:24],
            "events": PeriodEvent.objects.select_related("user")[:50],
            "reopened": reopened_periods(),
            "reopen_form": reopen_form or ReopenForm(),
            "settings_form": LedgerSettingsForm(
                initial={"late_postings_to_open_month": bool(settings_row and settings_row.late_postings_to_open_month)}
            ),
        }
        return render(request, "inventory/periods.html", context)

    def post(self, request):
        if request.POST.get("action") == "settings":
            form = LedgerSettingsForm(request.POST)
            form.is_valid()
            ledger_settings_update(late_postings_to_open_month=form.cleaned_data["late_postings_to_open_month"])
            messages.info(request, _("Ledger settings saved."))
            return redirect("inventory:periods")
        reopen = ReopenForm(request.POST)
        if not reopen.is_valid():
            return self.get(request, reopen_form=reopen)
        try:
            count = period_reopen(month=reopen.month_date(), user=request.user, reason=reopen.cleaned_data["reason"])
        except InventoryError as error:
            reopen.add_error(error.field if error.field in reopen.fields else None, error.message)
            return self.get(request, reopen_form=reopen)
        messages.info(
            request,
            _(
                "%(count)d month(s) reopened from %(month)s. Post the corrections, then close the first of them "
                "again: the close reruns for each reopened month in order and locks it (tonight at the latest)."
            )
            % {"count": count, "month": reopen.cleaned_data["month"]},
        )
        return redirect("inventory:periods")


class AuditFilterForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False, help_text=gettext_lazy("Inclusive."))
    area = forms.ChoiceField(required=False)
    user = forms.CharField(required=False, max_length=150)
    page = forms.IntegerField(required=False, min_value=1, max_value=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas")), *audit_areas()]

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            day = data.get(name)
            if day is not None and not date(1900, 1, 1) <= day <= date(9998, 12, 31):
                self.add_error(name, _("Give a date between 1900 and 9998."))
        return data

    def window(self) -> dict:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        start = datetime.combine(data["start"], time.min, zone) if data.get("start") else None
        end = datetime.combine(data["end"] + timedelta(days=1), time.min, zone) if data.get("end") else None
        return {"start": start, "end": end, "area": data.get("area") or "", "username": data.get("user") or ""}


AUDIT_HEADERS = ("When", "User", "Area", "Object", "Action", "Detail")


def audit_dataset(entries) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(AUDIT_HEADERS))
    for e in entries:
        data.append(
            [timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.user, e.area, e.object, e.action, e.detail]
        )
    return data


class AuditView(RoleRequiredMixin, View):
    """Who changed which master data, targets, settings and stock, over a period; CSV/XLSX export."""

    required_roles = (Role.MANAGER,)

    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        valid = form.is_valid() if request.GET else True
        window = form.window() if request.GET and valid else {}
        export = request.GET.get("format")
        if valid and export in ("csv", "xlsx"):
            data = audit_dataset(audit_entries(**window, limit=AUDIT_EXPORT_MAX))
            content_type = (
                "text/csv" if export == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response = HttpResponse(data.export(export), content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="audit.{export}"'
            return response
        page = (form.cleaned_data.get("page") if request.GET and valid else None) or 1
        entries = audit_entries(**window, limit=page * AUDIT_PAGE + 1) if valid else []
        shown = entries[(page - 1) * AUDIT_PAGE : page * AUDIT_PAGE]
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "inventory/audit.html",
            {
                "form": form,
                "entries": shown,
                "page": page,
                "has_next": len(entries) > page * AUDIT_PAGE,
                "query_string": query.urlencode(),
            },
        )
