"""The monthly KPI report: a PDF of the cards and trends, mailed once per subscriber after each close."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core.models import OutboxMessage
from kpis import services
from kpis.models import ReportSubscription
from kpis.report import kpi_report_pdf

from ..documents.pdf import pdf_text
from .handmade import MARCH, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def closed():
    data = build_handmade_month()
    data["run"] = services.month_close_run(month=MARCH)
    return data


def test_report_pdf_carries_the_cards_and_a_chart_title(closed):
    text = " ".join(pdf_text(kpi_report_pdf(month=MARCH, warehouse_id=closed["cen"].pk)).split())
    assert "KPI report 2026-03" in text
    assert closed["cen"].code in text
    assert "dead stock" in text.lower()
    assert "53.2 %" in text
    assert "≤ 10.0 %" in text


def test_a_planner_subscribes_and_gets_the_report_once_after_the_close(closed, client, make_user):
    planner = make_user("planner")
    planner.email = "planner@example.com"
    planner.save()
    client.force_login(planner)
    response = client.post(reverse("kpis:report-subscription"), {"warehouse": closed["cen"].pk, "subscribed": "on"})
    assert response.status_code == 302
    subscription = ReportSubscription.objects.get(user=planner)
    assert subscription.warehouse == closed["cen"]

    mail.outbox.clear()
    assert services.kpi_report_send(subscription_id=subscription.pk, month=MARCH) is True
    assert services.kpi_report_send(subscription_id=subscription.pk, month=MARCH) is False
    (message,) = mail.outbox
    assert message.to == ["planner@example.com"]
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"kpi-report-2026-03-{closed['cen'].code}.pdf", "application/pdf")
    assert "KPI report 2026-03" in pdf_text(content)


def test_each_close_queues_the_report_mail_through_the_outbox(closed):
    queued = OutboxMessage.objects.filter(task_name="kpis.send_kpi_reports")
    assert list(queued.values_list("kwargs", flat=True)) == [{"month": "2026-03-01"}]


def test_the_report_downloads_for_readers_only(closed, client, make_user):
    url = reverse("kpis:report-pdf")
    client.force_login(make_user("clerk"))
    assert client.get(url, {"month": "2026-03"}).status_code == 403
    client.force_login(make_user("manager"))
    response = client.get(url, {"month": "2026-03"})
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_unsubscribing_removes_the_subscription(closed, client, make_user):
    planner = make_user("planner")
    ReportSubscription.objects.create(user=planner, warehouse=None)
    client.force_login(planner)
    client.post(reverse("kpis:report-subscription"), {"warehouse": "", "subscribed": ""})
    assert not ReportSubscription.objects.filter(user=planner).exists()
