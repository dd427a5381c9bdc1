"""Managers' controls of the ledger over HTTP: closed months, reopening, the late-posting setting, the audit trail."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from inventory import services
from inventory.models import ClosedPeriod, LedgerSettings, PeriodEvent
from inventory.services.periods import period_close

from ..factories import PartFactory, WarehouseFactory

pytestmark = pytest.mark.services

D = Decimal


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def manager(postgres, make_user):
    return make_user(Role.MANAGER)


def test_closed_periods_api_lists_and_reopens_with_a_logged_reason(api_as, manager):
    period_close(month=date(2026, 1, 1), user=manager)
    client = api_as(manager)

    listed = client.get("/api/v1/closed-periods/").json()
    response = client.post("/api/v1/closed-periods/reopen/", {"month": "2026-01", "reason": "supplier credit"})

    assert [row["month"] for row in listed["closed"]] == ["2026-01"]
    assert response.status_code == 200
    assert response.json() == {"closed": []}
    assert PeriodEvent.objects.filter(action="reopen").values_list("user__username", "reason").get() == (
        manager.username,
        "supplier credit",
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"month": "2026-13", "reason": "x"}, 400, "month"), ({"month": "2026-02", "reason": "x"}, 400, "month")],
)
def test_reopen_api_refuses_bad_or_open_months_and_changes_nothing(api_as, manager, body, status, field):
    period_close(month=date(2026, 1, 1), user=manager)

    response = api_as(manager).post("/api/v1/closed-periods/reopen/", body)

    assert response.status_code == status
    assert field in response.json()
    assert ClosedPeriod.objects.count() == 1
    assert PeriodEvent.objects.count() == 1


def test_ledger_controls_are_for_managers_only(api_as, make_user):
    clerk = api_as(make_user(Role.CLERK))

    assert clerk.get("/api/v1/closed-periods/").status_code == 403
    assert clerk.put("/api/v1/ledger-settings/", {"late_postings_to_open_month": True}).status_code == 403
    assert clerk.get("/api/v1/audit/").status_code == 403
    assert not LedgerSettings.objects.exists()


def test_ledger_settings_api(api_as, manager):
    client = api_as(manager)

    assert client.get("/api/v1/ledger-settings/").json() == {"late_postings_to_open_month": False}
    assert (
        client.put("/api/v1/ledger-settings/", {"late_postings_to_open_month": True}, format="json").status_code == 200
    )
    assert LedgerSettings.objects.get().late_postings_to_open_month is True


def test_closed_month_refusal_is_a_409_with_a_readable_message(rf, manager):
    from core.api.exceptions import exception_handler
    from inventory.exceptions import PeriodClosed

    response = exception_handler(PeriodClosed("2026-01 is closed."), {})

    assert response.status_code == 409
    assert response.data == {
        "detail": "2026-01 is closed.",
        "code": "period_closed",
        "posted_at": ["2026-01 is closed."],
    }


@pytest.fixture
def history(manager):
    part = PartFactory(number="AU-1")
    store = WarehouseFactory(code="AU")
    services.part_update(part=part, description="Renamed")
    services.stock_receive(part=part, warehouse=store, quantity=D(2), unit_cost=D(1), user=manager)
    period_close(month=date(2026, 1, 1), user=manager)
    return part, store


def test_audit_api_merges_master_data_stock_and_periods_newest_first(api_as, manager, history):
    client = api_as(manager)

    everything = client.get("/api/v1/audit/").json()
    stock = client.get("/api/v1/audit/", {"area": "stock.movement"}).json()

    areas = [row["area"] for row in everything["results"]]
    assert "Stock movement" in areas
    assert "Closed period" in areas
    assert "Part" in areas
    assert [row["object"] for row in stock["results"]] == ["AU-1 @ AU"]
    assert stock["results"][0]["user"] == manager.username
    times = [row["at"] for row in everything["results"]]
    assert times == sorted(times, reverse=True)


def test_audit_api_refuses_a_bad_date(api_as, manager):
    response = api_as(manager).get("/api/v1/audit/", {"start": "yesterday"})

    assert response.status_code == 400
    assert "start" in response.json()


def test_audit_screen_pages_filters_and_exports(client, manager, history):
    client.force_login(manager)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/inventory/audit/", {"area": "stock.movement"})
    export = client.get("/inventory/audit/", {"area": "stock.movement", "format": "csv"})
    xlsx = client.get("/inventory/audit/", {"format": "xlsx"})

    assert page.status_code == 200
    assert b"AU-1 @ AU" in page.content
    assert len(queries) <= 8
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["When", "User", "Area", "Object", "Action", "Detail"]
    assert [row[3] for row in rows[1:]] == ["AU-1 @ AU"]
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="audit.xlsx"'


def test_periods_screen_reopens_with_a_reason_and_shows_form_errors(client, manager):
    period_close(month=date(2026, 1, 1), user=manager)
    client.force_login(manager)

    refused = client.post("/inventory/periods/", {"action": "reopen", "month": "2026-03", "reason": "late"})
    done = client.post("/inventory/periods/", {"action": "reopen", "month": "2026-01", "reason": "late"})

    assert refused.status_code == 200
    assert b"2026-03 is not closed." in refused.content
    assert done.status_code == 302
    assert not ClosedPeriod.objects.exists()
    page = client.get("/inventory/periods/")
    assert page.status_code == 200
    assert page.context["reopened"] == [date(2026, 1, 1)]
    assert b"Close 2026-01 again now" in page.content


def test_periods_screen_saves_the_setting_with_history(client, manager):
    client.force_login(manager)

    client.post("/inventory/periods/", {"action": "settings", "late_postings_to_open_month": "on"})

    row = LedgerSettings.objects.get()
    assert row.late_postings_to_open_month is True
    assert row.history.get().history_user == manager


@pytest.mark.parametrize("month", ["0000-01", "2026-00", "abcd-01"])
def test_reopen_api_answers_400_for_months_that_do_not_exist(api_as, manager, month):
    response = api_as(manager).post("/api/v1/closed-periods/reopen/", {"month": month, "reason": "x"})

    assert response.status_code == 400
    assert "month" in response.json()


@pytest.mark.parametrize("params", [{"end": "9999-12-31"}, {"start": "0001-01-01"}])
def test_audit_api_answers_400_for_dates_out_of_range(api_as, manager, params):
    response = api_as(manager).get("/api/v1/audit/", params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)
