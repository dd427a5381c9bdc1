"""A close whose worker died: its run is taken over and the rerun equals an undisturbed close."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kpis import services
from kpis.exceptions import CloseAlreadyRunning
from kpis.models import DemandMonth, MonthClose, PartClass, Snapshot, StockMonthEnd

from .handmade import MARCH, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")


def _published_rows():
    run = MonthClose.objects.get(month=MARCH, is_published=True)
    demand = sorted(DemandMonth.objects.filter(run_id=run.pk).values_list("warehouse_id", "part_id", "hits"))
    stock = sorted(StockMonthEnd.objects.filter(run_id=run.pk).values_list("warehouse_id", "part_id", "value"))
    classes = sorted(
        PartClass.objects.filter(run_id=run.pk).values_list("warehouse_id", "part_id", "abc_class", "xyz_class")
    )
    snapshots = sorted(
        Snapshot.objects.filter(run_id=run.pk).values_list("warehouse_id", "kpi", "class_key", "value", "status"),
        key=repr,  # network rows have no warehouse (None)
    )
    return demand, stock, classes, snapshots


def test_a_step_run_twice_writes_its_rows_once():
    # given a run whose first step already ran (a redelivered task runs it again)
    build_handmade_month()
    run = services.month_close_start(month=MARCH)
    services.month_close_step(run_id=run.pk, step="demand")
    first = DemandMonth.objects.filter(run_id=run.pk).count()

    # when the same step runs again
    services.month_close_step(run_id=run.pk, step="demand")

    # then its rows are there once
    assert first > 0
    assert DemandMonth.objects.filter(run_id=run.pk).count() == first


def test_an_abandoned_run_blocks_until_it_is_stale_then_is_taken_over():
    # given a run left "running" by a worker that died after the first step
    build_handmade_month()
    dead = services.month_close_start(month=MARCH)
    services.month_close_step(run_id=dead.pk, step="demand")

    # when a new close is asked for at once, it is refused
    with pytest.raises(CloseAlreadyRunning, match="close_month --takeover"):
        services.month_close_start(month=MARCH)

    # when the dead run has made no progress for longer than the stale limit
    MonthClose.objects.filter(pk=dead.pk).update(
        updated_at=timezone.now() - timedelta(minutes=services.close.STALE_AFTER_MINUTES + 1)
    )
    run = services.month_close_run(month=MARCH)

    # then the dead run is failed with a reason, the new one is published
    dead.refresh_from_db()
    assert dead.state == "failed"
    assert dead.error.startswith("Abandoned")
    assert (run.state, run.is_published) == ("done", True)
    assert not DemandMonth.objects.filter(run_id=dead.pk).exists()


def test_rerun_after_takeover_equals_an_undisturbed_close():
    # given the undisturbed result of March
    build_handmade_month()
    services.month_close_run(month=MARCH)
    undisturbed = _published_rows()

    # and a rerun whose worker died half-way (two steps done)
    dead = services.month_close_start(month=MARCH)
    services.month_close_step(run_id=dead.pk, step="demand")
    services.month_close_step(run_id=dead.pk, step="stock")

    # when a manager takes it over from the command line
    out = StringIO()
    call_command("close_month", "2026-03", "--takeover", stdout=out)

    # then the newly published results equal the undisturbed ones exactly
    assert "took over 1 abandoned run(s)" in out.getvalue()
    assert _published_rows() == undisturbed
    assert MonthClose.objects.filter(month=MARCH, is_published=True).count() == 1
