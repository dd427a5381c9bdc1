"""The demand history runs beside the stock and classification steps, on a connection of its own."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from unittest import mock

import psycopg
import pytest
from celery import chord
from django.db import connections, transaction
from django.utils import timezone

from kpis import services, tasks
from kpis.exceptions import CloseNotRunnable
from kpis.models import CloseState, DemandMonth, MonthClose, PartClass, Snapshot, StockMonthEnd
from kpis.services import close

from ..concurrency import database_url, wait_for
from .handmade import MARCH, build_handmade_month


def _published() -> dict[str, list[tuple]]:
    """The published run's rows of every result table, without ids."""
    rows = {}
    for model in (DemandMonth, StockMonthEnd, PartClass, Snapshot):
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "run")]
        rows[model.__name__] = sorted(
            model.objects.filter(month=MARCH, run__is_published=True).values_list(*fields), key=repr
        )
    return rows


def _close_in_a_thread() -> tuple[threading.Thread, dict]:
    """March closed by ``month_close_run`` in a thread of the test's; its run or error lands in the dict."""
    outcome: dict = {}

    def close_month() -> None:
        try:
            outcome["run"] = services.month_close_run(month=MARCH)
        except BaseException as error:  # reported by the test
            outcome["error"] = error
        finally:
            connections.close_all()  # this thread's connection

    closer = threading.Thread(target=close_month)
    closer.start()
    return closer, outcome


def test_the_stock_and_classification_steps_finish_while_the_demand_history_waits(postgres_tx):
    # Given a hand-made month closed once in line, and another connection holding the demand history's table
    build_handmade_month()
    with transaction.atomic():  # inside a transaction every step runs in line, in order
        services.month_close_run(month=MARCH)
    in_line = _published()
    table = DemandMonth._meta.db_table
    locker = psycopg.connect(database_url(), autocommit=False)
    try:
        locker.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')

        # When the month is closed again
        closer, outcome = _close_in_a_thread()

        # Then the classification is written while the demand history still waits for its table
        run = wait_for(
            lambda: MonthClose.objects.filter(month=MARCH, is_published=False, state=CloseState.RUNNING).first(),
            what="the second run to start",
            timeout=30,
        )
        wait_for(lambda: PartClass.objects.filter(run=run).exists(), what="the classes of the second run", timeout=30)
        assert StockMonthEnd.objects.filter(run=run).exists()
        waiting = locker.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [table]
        ).fetchone()[0]
        assert waiting == 1
        waiting_run = MonthClose.objects.get(pk=run.pk)
        assert (waiting_run.is_published, waiting_run.step) == (False, "classification")  # the KPIs wait
    finally:
        locker.rollback()
        locker.close()
    closer.join(timeout=60)

    # And once the table is free the run finishes and publishes what a close in line publishes
    assert "error" not in outcome, outcome.get("error")
    finished = outcome["run"]
    assert (finished.pk, finished.state, finished.progress, finished.is_published) == (run.pk, "done", 100, True)
    assert _published() == in_line


def test_a_failing_demand_history_fails_the_run_with_its_own_error_and_publishes_nothing(postgres_tx):
    # Given a hand-made month, and a demand history step that fails
    build_handmade_month()

    ran_in = []

    def broken(run):
        ran_in.append(threading.current_thread().name)
        raise RuntimeError("disk full while writing the demand history")

    # When the month is closed
    with (
        mock.patch.dict(close.STEP_FUNCTIONS, {"demand": broken}),
        pytest.raises(RuntimeError, match="disk full while writing the demand history"),
    ):
        services.month_close_run(month=MARCH)

    # Then the run is failed with that error, the KPI step never ran, and nothing is published
    run = MonthClose.objects.get(month=MARCH)
    assert run.state == CloseState.FAILED
    assert run.error == "demand history: disk full while writing the demand history"
    assert not Snapshot.objects.filter(run=run).exists()
    assert not MonthClose.objects.filter(is_published=True).exists()
    assert ran_in == [f"month-close-{run.pk}-demand"]  # beside, in a thread of its own


def _close_steps_running() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("month-close-")]


def test_the_demand_history_is_written_while_the_stock_step_waits(postgres_tx):
    # Given a hand-made month, and another connection holding the month-end stock table
    build_handmade_month()
    table = StockMonthEnd._meta.db_table
    locker = psycopg.connect(database_url(), autocommit=False)
    try:
        locker.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')

        # When the month is closed
        closer, outcome = _close_in_a_thread()

        # Then the demand history is committed while the stock step still waits for its table
        run = wait_for(lambda: MonthClose.objects.filter(month=MARCH).first(), what="the run", timeout=30)
        wait_for(lambda: DemandMonth.objects.filter(run=run).exists(), what="the demand history", timeout=30)
        # (the locked table is read through the connection holding it)
        stock_rows = locker.execute(f'SELECT count(*) FROM "{table}" WHERE run_id = %s', [run.pk]).fetchone()[0]
        assert stock_rows == 0
        assert not PartClass.objects.filter(run=run).exists()
    finally:
        locker.rollback()
        locker.close()
    closer.join(timeout=60)

    # And the run then finishes
    assert "error" not in outcome, outcome.get("error")
    assert (outcome["run"].state, outcome["run"].is_published) == ("done", True)


def test_an_in_line_step_failing_first_is_the_error_raised_and_kept_and_no_step_is_left_running(postgres_tx):
    # Given a stock step that fails at once, and a demand history that fails later
    build_handmade_month()

    def stock_fails(run):
        raise RuntimeError("stock: out of disk")

    def demand_fails_later(run):
        time.sleep(0.5)
        raise RuntimeError("demand: too late")

    # When the month is closed
    with (
        mock.patch.dict(close.STEP_FUNCTIONS, {"stock": stock_fails, "demand": demand_fails_later}),
        pytest.raises(RuntimeError, match="stock: out of disk"),
    ):
        services.month_close_run(month=MARCH)

    # Then the run keeps the first failure, nothing is published, and the step beside is not left running
    run = MonthClose.objects.get(month=MARCH)
    assert (run.state, run.error) == (CloseState.FAILED, "month-end stock value: stock: out of disk")
    assert not MonthClose.objects.filter(is_published=True).exists()
    assert _close_steps_running() == []


def test_a_step_keeps_none_of_its_rows_when_its_run_failed_meanwhile(postgres_tx):
    # Given a run whose stock step is computing when the run is taken over from another connection
    build_handmade_month()
    run = services.month_close_start(month=MARCH)
    real_stock = close.STEP_FUNCTIONS["stock"]

    def stock_then_taken_over(step_run):
        real_stock(step_run)
        with psycopg.connect(database_url(), autocommit=True) as other:
            other.execute(
                "UPDATE kpis_monthclose SET state = 'failed', error = 'Abandoned: taken over' WHERE id = %s", [run.pk]
            )

    # When the step finishes, then it is refused and rolled back, and the run keeps the takeover's reason
    with (
        mock.patch.dict(close.STEP_FUNCTIONS, {"stock": stock_then_taken_over}),
        pytest.raises(CloseNotRunnable, match="failed"),
    ):
        services.month_close_step(run_id=run.pk, step="stock")
    run.refresh_from_db()
    assert (run.state, run.error) == (CloseState.FAILED, "Abandoned: taken over")
    assert not StockMonthEnd.objects.filter(run=run).exists()


def test_a_queued_run_whose_task_never_started_is_taken_over_once_stale(postgres):
    # Given a run queued long ago whose task never reached a worker (no step ever started)
    build_handmade_month()
    run = services.month_close_start(month=MARCH)
    MonthClose.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - timedelta(minutes=close.STALE_AFTER_MINUTES + 1)
    )
    assert MonthClose.objects.get(pk=run.pk).updated_at is None

    # When a stale takeover runs, then the run is taken over and a new close may start
    assert services.month_close_takeover(month=MARCH, stale_only=True) == 1
    assert services.month_close_start(month=MARCH).pk != run.pk


def test_a_step_of_a_failed_run_is_refused_and_leaves_it_failed(postgres):
    # Given a run failed by the step beside while this step was queued
    build_handmade_month()
    run = services.month_close_start(month=MARCH)
    MonthClose.objects.filter(pk=run.pk).update(state=CloseState.FAILED, error="demand history: lost")

    # When the stock step starts, then it is refused and the run stays failed with the first error
    with pytest.raises(CloseNotRunnable, match="failed"):
        services.month_close_step(run_id=run.pk, step="stock")
    run.refresh_from_db()
    assert (run.state, run.error) == (CloseState.FAILED, "demand history: lost")
    assert not StockMonthEnd.objects.filter(run=run).exists()


def test_progress_counts_finished_steps_in_either_order(postgres):
    # Given a queued run
    build_handmade_month()
    run = services.month_close_start(month=MARCH)

    # When the in-line steps finish before the step beside, then the demand history last
    seen = []
    for step in ("stock", "classes", "demand"):
        run = services.month_close_step(run_id=run.pk, step=step)
        seen.append((run.progress, run.step))
    run = services.month_close_step(run_id=run.pk, step="kpis")

    # Then each finished step adds its share, the label names the step in line, and publishing makes it 100
    assert seen == [(25, "month-end stock value"), (50, "classification"), (75, "classification")]
    assert (run.progress, run.step, run.is_published) == (100, "done", True)


def test_the_demand_history_names_itself_when_it_starts_first(postgres):
    # Given a queued run whose demand history is the first step to start (a worker took it first)
    build_handmade_month()
    run = services.month_close_start(month=MARCH)

    # When it finishes, then the run shows it; the stock step started after it names itself
    run = services.month_close_step(run_id=run.pk, step="demand")
    assert (run.progress, run.step) == (25, "demand history")
    run = services.month_close_step(run_id=run.pk, step="stock")
    assert (run.progress, run.step) == (50, "month-end stock value")


def test_the_worker_gets_a_chord_the_demand_history_beside_the_stock_and_classes_then_the_kpis():
    # When a close is handed to Celery
    with mock.patch.object(chord, "apply_async", autospec=True) as sent:
        tasks.enqueue_close(7)

    # Then one chord goes: its header the demand history beside the chain stock → classes, its body the KPIs
    (canvas,) = sent.call_args.args
    beside, in_line = canvas.tasks
    assert (beside.task, beside.args) == ("kpis.close_month_step", (7, "demand"))
    assert [(step.task, step.args) for step in in_line.tasks] == [
        ("kpis.close_month_step", (7, "stock")),
        ("kpis.close_month_step", (7, "classes")),
    ]
    assert (canvas.body.task, canvas.body.args) == ("kpis.close_month_step", (7, "kpis"))
