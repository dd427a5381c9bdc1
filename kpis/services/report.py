"""Monthly KPI report mail: subscriptions, and one mail per subscriber after each close."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.messages import user_language
from core.services.outbox import outbox_enqueue

from ..models import ReportSubscription

SEND_TASK = "kpis.send_kpi_reports"


@transaction.atomic
def report_subscription_set(*, user, warehouse_id: int | None, subscribed: bool) -> bool:
    """Subscribe or unsubscribe the user to the report of a warehouse (``None``: the network). Returns the new state."""
    scope = {"warehouse__isnull": True} if warehouse_id is None else {"warehouse_id": warehouse_id}
    if subscribed:
        if not ReportSubscription.objects.filter(user=user, **scope).exists():
            ReportSubscription.objects.create(user=user, warehouse_id=warehouse_id)
    else:
        ReportSubscription.objects.filter(user=user, **scope).delete()
    return subscribed


def kpi_reports_queue(*, month: date) -> None:
    """Called inside the close's publishing transaction: the mails go out only if the month is published."""
    outbox_enqueue(task_name=SEND_TASK, kwargs={"month": month.isoformat()})


def kpi_report_subscription_ids() -> list[int]:
    return list(
        ReportSubscription.objects.filter(user__is_active=True).exclude(user__email="").values_list("pk", flat=True)
    )


def kpi_report_send(*, subscription_id: int, month: date) -> bool:
    """Mail one subscriber the month's report once; ``last_sent_month`` makes a retried task a no-op."""
    from ..report import kpi_report_pdf

    with transaction.atomic():
        subscription = (
            ReportSubscription.objects.select_for_update(of=("self",))
            .select_related("user", "warehouse")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None or not subscription.user.email:
            return False
        if subscription.last_sent_month is not None and subscription.last_sent_month >= month:
            return False
        # In the subscriber's language: the task runs outside any request.
        with translation.override(user_language(subscription.user)):
            scope = subscription.warehouse.code if subscription.warehouse else _("network")
            message = EmailMessage(
                subject=_("KPI report %(month)s · %(scope)s") % {"month": f"{month:%Y-%m}", "scope": scope},
                body=_("The month-end KPIs for %(month)s are attached.") % {"month": f"{month:%Y-%m}"},
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[subscription.user.email],
            )
            message.attach(
                f"kpi-report-{month:%Y-%m}-{scope}.pdf",
                kpi_report_pdf(month=month, warehouse_id=subscription.warehouse_id),
                "application/pdf",
            )
        message.send()
        subscription.last_sent_month = month
        subscription.save(update_fields=["last_sent_month"])
    return True
