"""A reopened month is closed again in order: by the manager, or by the nightly task, and later ones follow."""

from __future__ import annotations

from datetime import date

import pytest

from inventory.models import ClosedPeriod, PeriodEvent
from inventory.months import add_months
from inventory.services.periods import period_reopen
from kpis import selectors, services, tasks
from kpis.models import MonthClose
from tests.factories import UserFactory

from .handmade import MARCH, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")
APRIL = add_months(MARCH, 1)


@pytest.fixture
def two_closed_months():
    build_handmade_month()
    services.month_close_run(month=MARCH)
    services.month_close_run(month=APRIL)
    assert list(ClosedPeriod.objects.order_by("month").values_list("month", flat=True)) == [MARCH, APRIL]
    return UserFactory()


def test_reopened_months_are_listed_oldest_first(two_closed_months):
    period_reopen(month=MARCH, user=two_closed_months, reason="late invoice")

    assert selectors.reopened_months() == [MARCH, APRIL]


def test_closing_the_first_reopened_month_again_reruns_the_later_one(
    two_closed_months, django_capture_on_commit_callbacks
):
    period_reopen(month=MARCH, user=two_closed_months, reason="late invoice")
    april_before = MonthClose.objects.get(month=APRIL, is_published=True).pk

    # when the manager closes March again (Celery inline once committed)
    with django_capture_on_commit_callbacks(execute=True):
        services.month_close_request(month=MARCH)

    # then March and April are rerun, published and locked again
    assert selectors.reopened_months() == []
    assert set(ClosedPeriod.objects.values_list("month", flat=True)) == {MARCH, APRIL}
    april_after = MonthClose.objects.get(month=APRIL, is_published=True)
    assert april_after.pk != april_before
    assert april_after.state == "done"
    assert MonthClose.objects.filter(is_published=True).count() == 2


def test_nightly_task_closes_reopened_months_again(two_closed_months, django_capture_on_commit_callbacks):
    period_reopen(month=APRIL, user=two_closed_months, reason="count correction")
    assert selectors.reopened_months() == [APRIL]

    with django_capture_on_commit_callbacks(execute=True):
        message = tasks.close_reopened_months()

    run = MonthClose.objects.get(month=APRIL, is_published=True)
    assert message == f"queued re-close of 2026-04 as run #{run.pk}"
    assert ClosedPeriod.objects.filter(month=APRIL).count() == 1
    assert list(PeriodEvent.objects.filter(month=APRIL).order_by("id").values_list("action", flat=True)) == [
        "close",
        "reopen",
        "close",
    ]


def test_nightly_task_with_nothing_reopened_does_nothing(two_closed_months):
    assert tasks.close_reopened_months() == "no reopened month"
    assert MonthClose.objects.count() == 2


def test_a_month_never_closed_is_not_reopened():
    assert selectors.reopened_months() == []
    assert services.reclose_reopened_months() is None
    assert date(2026, 1, 1) not in selectors.reopened_months()
