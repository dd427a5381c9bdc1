"""The month-end close: demand history, month-end stock, classification, KPI snapshot.

Each step is set-based SQL (INSERT … SELECT … GROUP BY; the heavy aggregates
first into a temporary table, where they may run in parallel) in its own
transaction, writing rows tagged with the run. Nothing is visible to
readers until the last step publishes the run, in the same transaction that
writes the snapshots and deletes the month's older rows: a crash anywhere
leaves the previous results, a finished run leaves complete new ones.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import events
from core.roles import Role
from core.services.notifications import notify, users_with_role
from inventory.classification import VALUE_A_SHARE, VALUE_B_SHARE
from inventory.document_types import EXCHANGE_SALE
from inventory.models import DemandHit, Part, StockLevel, StockMovement
from inventory.months import add_months, month_begins, month_index
from inventory.services.periods import period_close

from ..exceptions import CloseAlreadyRunning, CloseNotRunnable, KpiError, MonthNotOver, MonthOutOfOrder
from ..models import (
    ACTIVE_STATES,
    ClassThresholds,
    CloseState,
    DemandMonth,
    MonthClose,
    PartClass,
    Snapshot,
    StockMonthEnd,
)
from ..selectors import reopened_months

logger = logging.getLogger(__name__)

CLOSE_WORK_MEM = getattr(settings, "KPIS_CLOSE_WORK_MEM", "64MB")

# P(X ≤ available) for X ~ Poisson(lam), lam ≤ 10, as a sum of terms e^-λ λ^i / i! with ln(i!) from a
# table: from 40 units on the chance of more demand than that in one period is below 1e-9, so the rate
# is 1 to the stored 6 decimals and the sum is skipped.
POISSON_TERMS = 40
LN_FACTORIALS = [math.lgamma(i + 1) for i in range(POISSON_TERMS + 1)]
POISSON_CDF_SQL = """
    CASE WHEN {lam} = 0 OR {available} >= {terms} THEN 1::float8 ELSE (
        SELECT sum(exp(i * ln({lam}) - {lam} - (%(ln_factorials)s::float8[])[i + 1]))
        FROM generate_series(0, floor({available})::int) AS i) END
"""

STEPS = ("demand", "stock", "classes", "kpis")
# The demand history reads only the hits and the stock and classification steps never read it: it runs
# beside them (on a second connection in ``month_close_run``, as a second task of the Celery chord in
# ``kpis.tasks.enqueue_close``), and the KPI step, which needs all three, runs when both branches are done.
# Most of each step's time is one process sorting and summing, so on a server with cores to spare the
# close takes about as long as its stock and classification steps alone.
BESIDE_STEP = "demand"
STEP_LABELS = {
    "demand": "demand history",
    "stock": "month-end stock value",
    "classes": "classification",
    "kpis": "KPI snapshot",
}
RESULT_MODELS = (DemandMonth, StockMonthEnd, PartClass, Snapshot)
# The rows each step writes: a step that runs again (a redelivered task) first drops its own rows.
STEP_MODELS: dict[str, type[DemandMonth | StockMonthEnd | PartClass | Snapshot]] = {
    "demand": DemandMonth,
    "stock": StockMonthEnd,
    "classes": PartClass,
    "kpis": Snapshot,
}
# An active run with no progress for this long is taken to be abandoned (its worker died).
STALE_AFTER_MINUTES = int(getattr(settings, "KPIS_CLOSE_STALE_MINUTES", 30))

ProgressCallback = Callable[[MonthClose], None]


# --- months -------------------------------------------------------------------------


def _begins(month: date) -> datetime:
    """The first instant of a month in the business's time zone."""
    return month_begins(month, settings.TIME_ZONE)


def parse_month(text: str) -> date:
    """'2026-03' -> date(2026, 3, 1); a clear error otherwise."""
    try:
        year, number = (int(piece) for piece in text.strip().split("-"))
        return date(year, number, 1)
    except ValueError:
        raise MonthNotOver(
            _("'%(text)s' is not a month; write it as YYYY-MM, e.g. 2026-03.") % {"text": text}
        ) from None


def previous_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return add_months(date(today.year, today.month, 1), -1)


# --- starting a run ---------------------------------------------------------------


def _has_data(start: datetime, end: datetime) -> bool:
    return (
        StockMovement.objects.filter(posted_at__gte=start, posted_at__lt=end).exists()
        or DemandHit.objects.filter(occurred_at__gte=start, occurred_at__lt=end).exists()
    )


def _check_order(month: date) -> None:
    """Months close in order: the months since the last closed one must hold no data."""
    published = MonthClose.objects.filter(is_published=True)
    if published.filter(month=month).exists():
        return  # a rerun of a closed month
    last = published.filter(month__lt=month).order_by("-month").first()
    if last is not None:
        gap_start = add_months(last.month, 1)
    elif published.exists():
        gap_start = None  # closes exist, all later: everything before this month must be empty
    else:
        return  # the first close: any month may start the series
    since = _begins(gap_start) if gap_start else None
    movements = StockMovement.objects.filter(posted_at__lt=_begins(month))
    hits = DemandHit.objects.filter(occurred_at__lt=_begins(month))
    if since is not None:
        movements = movements.filter(posted_at__gte=since)
        hits = hits.filter(occurred_at__gte=since)
    first = min(
        [
            moment
            for moment in (
                movements.order_by("posted_at").values_list("posted_at", flat=True).first(),
                hits.order_by("occurred_at").values_list("occurred_at", flat=True).first(),
            )
            if moment is not None
        ],
        default=None,
    )
    if first is not None:
        local = timezone.localtime(first)
        raise MonthOutOfOrder(
            _("Close %(local)s first: months are closed in order and %(local)s holds data but is not closed.")
            % {"local": format(local, "%Y-%m")}
        )


@transaction.atomic
def month_close_takeover(*, month: date, user=None, stale_only: bool = False) -> int:
    """Mark the month's active runs failed (their worker was lost), so that a new run may start.

    With ``stale_only`` only runs with no progress for ``STALE_AFTER_MINUTES``
    are taken over. The abandoned run's rows are never published, and each
    step drops its own rows before writing, so the new run's results equal
    an undisturbed run's. Returns how many runs were taken over.
    """
    month = date(month.year, month.month, 1)
    active = MonthClose.objects.filter(month=month, state__in=ACTIVE_STATES)
    if stale_only:
        # A run queued but never started (its task was lost on the way to the broker) has no update yet.
        last_sign = Coalesce("updated_at", "created_at")
        active = active.alias(last_sign=last_sign).filter(
            last_sign__lt=timezone.now() - timedelta(minutes=STALE_AFTER_MINUTES)
        )
    who = f" by {user}" if user else ""
    return active.update(
        state=CloseState.FAILED,
        finished_at=timezone.now(),
        error=f"Abandoned: no worker finished this run; taken over{who}.",
    )


def month_close_start(*, month: date, user=None) -> MonthClose:
    """Queue a run for a month that is over, in order, and not already being closed.

    A run left active by a dead worker for ``STALE_AFTER_MINUTES`` is taken over.
    """
    month = date(month.year, month.month, 1)
    if _begins(add_months(month, 1)) > timezone.now():
        raise MonthNotOver(
            _("%(month)s is not over yet; close it from the first of next month.") % {"month": format(month, "%Y-%m")}
        )
    _check_order(month)
    month_close_takeover(month=month, user=user, stale_only=True)
    try:
        with transaction.atomic():
            run = MonthClose.objects.create(month=month, state=CloseState.QUEUED, requested_by=user)
    except IntegrityError:
        raise CloseAlreadyRunning(
            _(
                "%(month)s is being closed already; wait for that run to finish (a run stuck for "
                "%(minutes)s minutes is taken over, or use close_month --takeover)."
            )
            % {"month": format(month, "%Y-%m"), "minutes": STALE_AFTER_MINUTES}
        ) from None
    _discard_unpublished(month, keep_run_id=run.pk)
    return run


def month_close_request(*, month: date, user=None) -> MonthClose:
    """Queue the close and hand it to Celery once the run row is committed."""
    with transaction.atomic():
        run = month_close_start(month=month, user=user)
        run_id = run.pk

        def enqueue() -> None:
            from ..tasks import enqueue_close

            enqueue_close(run_id)

        transaction.on_commit(enqueue)
    return run


def _discard_unpublished(month: date, *, keep_run_id: int) -> None:
    """Rows left by failed runs of the month are never read; clear them before a new run writes.

    Only a run that did not finish can have left rows: a finished run is
    published in the transaction that deletes every other run's rows of the
    month (``_step_kpis``), so a finished run that is no longer published has
    none. A month closed again and again has many of those; looking only at
    the unfinished runs spares four deletes that scan the result tables.
    """
    stale = list(
        MonthClose.objects.filter(month=month, is_published=False)
        .exclude(pk=keep_run_id)
        .exclude(state=CloseState.DONE)
        .values_list("pk", flat=True)
    )
    if not stale:
        return
    for model in RESULT_MODELS:
        model.objects.filter(run__in=stale).delete()


# --- running -------------------------------------------------------------------------


def month_close_step(*, run_id: int, step: str) -> MonthClose:
    """Run one step of a queued or running close; a failure marks the run failed and re-raises."""
    if step not in STEPS:
        raise CloseNotRunnable(
            _("Unknown close step '%(step)s'; the steps are %(steps)s.") % {"step": step, "steps": ", ".join(STEPS)}
        )
    run = MonthClose.objects.get(pk=run_id)
    now = timezone.now()
    label: Value | Case = Value(STEP_LABELS[step])
    if step == BESIDE_STEP:
        # The label names the step in line; the step beside names itself only while it is the first to start.
        label = Case(When(started_at__isnull=True, then=label), default=F("step"))
    values = {
        "state": CloseState.RUNNING,
        "step": label,
        "started_at": Coalesce(F("started_at"), now),
        "updated_at": now,
    }
    # Only while the run is active: the step beside this one may have failed it since it was read.
    if not MonthClose.objects.filter(pk=run.pk, state__in=ACTIVE_STATES).update(**values):
        run.refresh_from_db()
        raise _not_runnable(run, run.state)
    try:
        with transaction.atomic():
            _tune_session()
            if step == STEPS[-1]:
                _lock_active(run)  # publishing: no failure or takeover lands between the check and the publish
            STEP_MODELS[step].objects.filter(run_id=run.pk).delete()  # a redelivered step starts clean
            STEP_FUNCTIONS[step](run)
            if step != STEPS[-1]:
                # Checked last, holding the row only to commit: the branches run at once, and a run that
                # failed meanwhile (the other branch, a takeover) keeps none of this step's rows.
                _lock_active(run)
    except Exception as error:
        # The first failure is the one the run keeps: a branch still running may fail after it.
        MonthClose.objects.filter(pk=run.pk, state__in=ACTIVE_STATES).update(
            state=CloseState.FAILED, finished_at=timezone.now(), error=f"{STEP_LABELS[step]}: {error}"[:2000]
        )
        logger.exception("month close %s failed in step %s", run.month, step)
        raise
    if step != STEPS[-1]:
        # A share per finished step, whichever branch finishes first; the KPI step sets 100 as it publishes
        # (capped below it: a step run again after a lost worker adds its share again).
        share = 100 // len(STEPS)
        MonthClose.objects.filter(pk=run.pk).update(
            progress=Least(F("progress") + share, share * (len(STEPS) - 1)), updated_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def _lock_active(run: MonthClose) -> None:
    """Lock the run's row for the rest of the step's transaction; refuse (rolling the step back) when the
    run is no longer active."""
    state = MonthClose.objects.select_for_update().filter(pk=run.pk).values_list("state", flat=True).first()
    if state not in ACTIVE_STATES:
        raise _not_runnable(run, state)


def _not_runnable(run: MonthClose, state: str | None) -> CloseNotRunnable:
    return CloseNotRunnable(
        _("Run #%(run)s of %(month)s is %(state)s; start a new close instead.")
        % {"run": run.pk, "month": format(run.month, "%Y-%m"), "state": state}
    )


class _StepBeside(threading.Thread):
    """One step of a run in a thread of its own, on the thread's own database connection."""

    def __init__(self, *, run_id: int, step: str) -> None:
        super().__init__(name=f"month-close-{run_id}-{step}", daemon=True)
        self.run_id, self.step = run_id, step
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            month_close_step(run_id=self.run_id, step=self.step)
        except BaseException as error:  # handed to the caller's thread by finish()
            self.error = error
        finally:
            connections.close_all()  # this thread's connections only

    def finish(self) -> None:
        """Wait for the step; raise its error, if it failed."""
        self.join()
        if self.error is not None:
            raise self.error


def month_close_run(*, month: date, user=None, progress: ProgressCallback | None = None) -> MonthClose:
    """Close a month here and now (the management command and tests); ``progress`` after each step in line.

    ``BESIDE_STEP`` runs in a thread of its own while the stock and classification steps run here, except
    inside a transaction (a caller's atomic block, a test): another connection would not see its rows, so
    every step then runs here, in order. The first failure is the one raised, as the run keeps it: a step
    here that stops at a run the step beside failed raises the step beside's error.
    """
    run = month_close_start(month=month, user=user)
    beside = None
    if not connection.in_atomic_block:
        beside = _StepBeside(run_id=run.pk, step=BESIDE_STEP)
        beside.start()
    try:
        for step in STEPS[:-1]:
            if beside is not None and step == BESIDE_STEP:
                continue
            run = month_close_step(run_id=run.pk, step=step)
            if progress:
                progress(run)
    except Exception as error:
        if beside is not None:
            beside.join()
            if isinstance(error, CloseNotRunnable) and beside.error is not None:
                raise beside.error from None  # the step beside failed first: its error, not the refusal here
        raise
    if beside is not None:
        beside.finish()
    run = month_close_step(run_id=run.pk, step=STEPS[-1])
    if progress:
        progress(run)
    return run


# --- the steps ----------------------------------------------------------------------


def _params(run: MonthClose) -> dict:
    month = run.month
    return {
        "run": run.pk,
        "month": month,
        "start": _begins(month),
        "end": _begins(add_months(month, 1)),
        "window_start": _begins(add_months(month, -11)),
        "month_ends": [_begins(add_months(month, offset)) for offset in range(-10, 2)],
        "month_index": month_index(month),
        "tz": settings.TIME_ZONE,
        "exchange_sale": EXCHANGE_SALE,
    }


def _tune_session() -> None:
    """Settings for this step's transaction only: memory for the sorts of the aggregates, and no JIT.

    JIT compilation costs seconds per statement and buys nothing for these
    scans; ``work_mem`` keeps the sorts of the GROUP BYs (``_sorted_aggregates``)
    over hundreds of thousands of rows in memory or in few runs.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true)", [CLOSE_WORK_MEM])


def _sorted_aggregates() -> None:
    """GROUP BY on a sort for the rest of this step's transaction, not in a hash table.

    A hash table keeps every group's numeric sums alive at once: for 100,000
    pairs (or 360,000 pair-months) with several sums each that is hundreds of
    megabytes, slow to build and spilled to disk at ``work_mem``. Sorted, the
    groups come one after another and reuse one set of sums: the planner's
    cost model does not see that difference.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_hashagg', 'off', true)")


def _stage(name: str, sql: str, params: dict) -> None:
    """Run a step's heavy SELECT into a temporary table dropped at commit, where it may use parallel workers.

    PostgreSQL never runs an INSERT … SELECT in parallel, a CREATE TABLE … AS
    it may: the aggregates over the ledger and the hits are split over the
    workers, and the step then inserts its rows from the staged ones. The
    costs make the planner choose workers for tables of megabytes
    (``min_parallel_table_scan_size`` still keeps small tables serial).

    The session's own process does not scan and sort beside its workers
    (``parallel_leader_participation`` off): it has the rows of all of them
    to merge and the groups to finish, and on a small machine a third
    process scanning only competes with the workers for the cores (figures
    in bench/RESULTS.md).
    Without a free worker the process still runs the plan itself.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('parallel_setup_cost', '0', true), set_config('parallel_tuple_cost', '0.0001', true),"
            " set_config('parallel_leader_participation', 'off', true)"
        )
        # Dropped first too: inside a caller's transaction (tests) an earlier step's table is still there.
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS {sql}", params)


def _analyze(model, *columns: str) -> None:
    """Fresh statistics for the rows a step just wrote, so the next step plans its joins on real counts.

    Only the columns the next steps filter, join and group on: the row count
    comes with any ANALYZE, and the other columns' statistics cost three times
    as long for plans that do not use them. A sample of 3,000 rows (statistics
    target 10, not 100) is enough for what those plans read from them: the
    share of the table that is this run's, and roughly how many parts and
    warehouses there are (a fifth of the time; autovacuum's next ANALYZE
    refines them for the dashboard's reads).
    """
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('default_statistics_target', '10', true)")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)} ({names})")


def _execute(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# The month's hits, a few columns each, read once for the demand history and the demand KPIs.
MONTH_HITS_SQL = """
    SELECT warehouse_id, part_id, (occurred_at AT TIME ZONE %(tz)s)::date AS day,
           NULLIF(repair_order_ref, '') AS repair_order, source, quantity_requested, quantity_supplied,
           quantity_lost, sales_value, cost_value
    FROM {hit}
    WHERE occurred_at >= %(start)s AND occurred_at < %(end)s
"""

# The demand KPIs' figures from ``month`` (MONTH_HITS_SQL): per warehouse and for the network (day NULL;
# repair orders are a distinct count, so the network is not a sum of the warehouses), and per warehouse and
# day (the network's days are summed from them in Python).
DEMAND_FIGURES_SQL = """
    SELECT warehouse_id, GROUPING(warehouse_id) AS all_warehouses, NULL::date AS day,
           sum(sales_value) AS sales, count(DISTINCT repair_order) AS repair_orders,
           avg(LEAST(1, quantity_supplied / quantity_requested)) FILTER (WHERE source = 'workshop') AS first_pick,
           sum(quantity_requested) AS requested, sum(quantity_supplied) AS supplied
    FROM month
    GROUP BY GROUPING SETS ((warehouse_id), ())
    UNION ALL
    SELECT warehouse_id, 0, day, NULL::numeric, NULL::bigint, NULL::numeric, sum(quantity_requested),
           sum(quantity_supplied)
    FROM month
    GROUP BY warehouse_id, day
"""


def demand_figure_rows(cursor) -> list[dict]:
    """The rows of DEMAND_FIGURES_SQL from an executed cursor, as ``MonthClose.demand_figures`` keeps them."""
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _step_demand(run: MonthClose) -> None:
    """Hits and quantities per part, warehouse and month, and the month's demand figures for the KPIs.

    One statement reads the month's hits once (materialized, a few columns):
    it inserts the demand history and returns the figures the KPI step
    needs (sales, repair orders, first pick, daily quantities), which are
    kept on the run, so the KPI step does not visit every page the month's
    hits are on again.

    Inserted in (warehouse, part) order, the order of the table's unique
    index: half the insert time of hash order on the bench. Grouped on that
    sort too (``_sorted_aggregates``): a quarter less time than a hash table
    of the month's numeric sums sorted afterwards.
    """
    _sorted_aggregates()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH month AS MATERIALIZED ({MONTH_HITS_SQL.format(hit=DemandHit._meta.db_table)}),
            history AS (
                INSERT INTO {DemandMonth._meta.db_table}
                    (run_id, month, warehouse_id, part_id, hits, quantity_requested, quantity_supplied,
                     quantity_lost, sales_value, cost_value)
                SELECT %(run)s, %(month)s, warehouse_id, part_id, count(*), sum(quantity_requested),
                       sum(quantity_supplied), sum(quantity_lost), sum(sales_value), sum(cost_value)
                FROM month
                GROUP BY warehouse_id, part_id
                ORDER BY warehouse_id, part_id
            )
            {DEMAND_FIGURES_SQL}
            """,  # noqa: S608 - table names come from model meta, values are parameters
            _params(run),
        )
        figures = demand_figure_rows(cursor)
    MonthClose.objects.filter(pk=run.pk).update(demand_figures=figures)


# A level whose month-end stock is rolled back costs one index probe for its first movement: about as
# much as aggregating two ledger rows (measured on the month-end bench).
PROBE_ROWS = 2

# Both give the columns of STOCK_COLUMNS, one row per pair.
STOCK_COLUMNS = (
    "warehouse_id, part_id, quantity, value, average_value_12m, issued_12m, scrap_value, exchange_value,"
    " first_stocked_at"
)

STOCK_FROM_LEDGER_SQL = """
    SELECT m.warehouse_id, m.part_id, sum(m.quantity) AS quantity, sum(m.value) AS value,
           round(sum(m.value * (12 - width_bucket(m.posted_at, %(month_ends)s::timestamptz[]))) / 12, 4)
               AS average_value_12m,
           COALESCE(-sum(m.quantity) FILTER (WHERE m.kind = 'issue' AND m.posted_at >= %(window_start)s), 0)
               AS issued_12m,
           COALESCE(-sum(m.value) FILTER (WHERE m.kind = 'scrap' AND m.posted_at >= %(start)s), 0) AS scrap_value,
           COALESCE(-sum(m.value) FILTER (
               WHERE m.posted_at >= %(start)s AND m.document_type = %(exchange_sale)s), 0) AS exchange_value,
           min(m.posted_at) FILTER (WHERE m.quantity > 0) AS first_stocked_at
    FROM {movement} m
    WHERE m.posted_at < %(end)s
    GROUP BY m.part_id, m.warehouse_id
"""

STOCK_FROM_LEVELS_SQL = """
    SELECT sl.warehouse_id, sl.part_id,
           sl.on_hand - COALESCE(r.quantity_after, 0) AS quantity, sl.value - COALESCE(r.value_after, 0) AS value,
           round((12 * sl.value - COALESCE(r.value_weighted, 0)) / 12, 4) AS average_value_12m,
           COALESCE(r.issued, 0) AS issued_12m, COALESCE(r.scrapped, 0) AS scrap_value,
           COALESCE(r.exchanged, 0) AS exchange_value,
           CASE WHEN f.quantity > 0 THEN f.posted_at ELSE (
               SELECT min(m.posted_at) FROM {movement} m
               WHERE m.part_id = sl.part_id AND m.warehouse_id = sl.warehouse_id
                 AND m.quantity > 0 AND m.posted_at < %(end)s
           ) END AS first_stocked_at
    FROM {level} sl
    JOIN LATERAL (
        SELECT m.posted_at, m.quantity FROM {movement} m
        WHERE m.part_id = sl.part_id AND m.warehouse_id = sl.warehouse_id
        ORDER BY m.posted_at LIMIT 1
    ) f ON f.posted_at < %(end)s
    LEFT JOIN (
        SELECT m.warehouse_id, m.part_id,
               sum(m.quantity) FILTER (WHERE m.posted_at >= %(end)s) AS quantity_after,
               sum(m.value) FILTER (WHERE m.posted_at >= %(end)s) AS value_after,
               sum(m.value * width_bucket(m.posted_at, %(month_ends)s::timestamptz[])) AS value_weighted,
               -sum(m.quantity) FILTER (WHERE m.kind = 'issue' AND m.posted_at < %(end)s) AS issued,
               -sum(m.value) FILTER (
                   WHERE m.kind = 'scrap' AND m.posted_at >= %(start)s AND m.posted_at < %(end)s) AS scrapped,
               -sum(m.value) FILTER (
                   WHERE m.posted_at >= %(start)s AND m.posted_at < %(end)s AND m.document_type = %(exchange_sale)s
               ) AS exchanged
        FROM {movement} m
        WHERE m.posted_at >= %(window_start)s
        GROUP BY m.part_id, m.warehouse_id
    ) r ON r.warehouse_id = sl.warehouse_id AND r.part_id = sl.part_id
"""


def _estimated_rows(sql: str, params: dict) -> float:
    """The planner's estimate of a query's rows (from the table statistics; nothing is read)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _stock_from_levels(params: dict) -> bool:
    """Whether rolling today's levels back reads less of the ledger than summing it up to the month end.

    Summing reads every movement before the month end; rolling back reads the
    movements since the window start (the 12 months, for the average and the
    issues, and everything after the month end) plus one probe per level.
    """
    movement, level = StockMovement._meta.db_table, StockLevel._meta.db_table
    forward = _estimated_rows(f"SELECT 1 FROM {movement} WHERE posted_at < %(end)s", params)  # noqa: S608
    backward = _estimated_rows(f"SELECT 1 FROM {movement} WHERE posted_at >= %(window_start)s", params)  # noqa: S608
    levels = _estimated_rows(f"SELECT 1 FROM {level}", params)  # noqa: S608
    return backward + PROBE_ROWS * levels < forward


def _step_stock(run: MonthClose) -> None:
    """Month-end quantity and value per pair with the 12-month average value, issues and scrap, in one scan.

    A movement counts in every month end after it: ``12 - width_bucket`` is
    that number among the last 12 month ends, so the average of the 12
    month-end values is one weighted sum instead of 12 passes.

    Two ways to the same figures, whichever reads fewer movements: sum the
    ledger up to the month end, or roll today's stock levels back by the
    movements posted since (a level is the sum of its ledger, DOMAIN.md), which
    for a recent month reads only the last 12 months. Rolled back, the average
    is ``(12 × value today − Σ value × width_bucket) / 12`` over the movements
    since the first of the 12 month ends, and a pair counts when its first
    movement is before the month end; its first receipt is that movement (or,
    if that was not a receipt, the earliest one before the month end). The
    GROUP BY runs on a sort (``_sorted_aggregates``), part first: its first key
    then settles most comparisons (10,000s of parts against a few warehouses).
    """
    params = _params(run)
    from_levels = _stock_from_levels(params)
    sql = (STOCK_FROM_LEVELS_SQL if from_levels else STOCK_FROM_LEDGER_SQL).format(
        movement=StockMovement._meta.db_table, level=StockLevel._meta.db_table
    )
    _sorted_aggregates()
    if from_levels:
        # Each level is probed once (a level is unique per pair): a cache of probe results never hits,
        # and filling it cost a quarter of the probes' time on the bench.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_memoize', 'off', true)")
    _stage("kpis_close_stock", sql, params)
    _execute(
        f"""
        INSERT INTO {StockMonthEnd._meta.db_table} (run_id, month, {STOCK_COLUMNS})
        SELECT %(run)s, %(month)s, {STOCK_COLUMNS} FROM kpis_close_stock
        """,  # noqa: S608 - table names come from model meta, values are parameters
        params,
    )
    _analyze(StockMonthEnd, "run", "warehouse", "part")


# The 12 months of the classification window, numbered 1 to 12 by ``width_bucket`` over their 13 bounds.
WINDOW_MONTHS = 12

# The rules of ``inventory.classification`` in SQL, for the close's set-based pass; tests run them over
# grids of inputs and compare every answer with the pure module (tests/kpis/test_classification_sql.py).
# Parameters %(a)s, %(b)s, %(new_months)s, %(x)s, %(y)s, %(value_a)s, %(value_b)s come from the thresholds.
ABC_CASE_SQL = """CASE
    WHEN {months} < %(new_months)s THEN CASE
        WHEN {hits} * 12.0 / {months} >= %(a)s THEN 'NA'
        WHEN {hits} * 12.0 / {months} >= %(b)s THEN 'NB'
        ELSE 'NC' END
    WHEN {hits} >= %(a)s THEN 'A'
    WHEN {hits} >= %(b)s THEN 'B'
    WHEN {hits} >= 1 THEN 'C'
    WHEN {on_hand} > 0 THEN 'C0'
END"""
# Population coefficient of variation of {months} monthly figures from their sum and sum of squares.
CV_SQL = "CASE WHEN {q} > 0 THEN sqrt(GREATEST({qq} / {months} - ({q} / {months}) ^ 2, 0)) / ({q} / {months}) END"
XYZ_CASE_SQL = "CASE WHEN {cv} IS NULL THEN '' WHEN {cv} <= %(x)s THEN 'X' WHEN {cv} <= %(y)s THEN 'Y' ELSE 'Z' END"
VALUE_CASE_SQL = """CASE WHEN {total} > 0 AND {before} < %(value_a)s * {total} THEN 'A'
    WHEN {total} > 0 AND {before} < %(value_b)s * {total} THEN 'B' ELSE 'C' END"""


# Stock that has not moved for this long is a problem part (DOMAIN.md).
STALE_STOCK_MONTHS = 24

# The problems of a graded pair (``kpis.models.Problem``), space-separated: negative month-end stock or
# value (a back-dated posting); stock held at no value (received without a cost); stock whose level has
# not moved for 24 months before the month end (the level's last movement: the close runs on the 1st);
# a superseded part still held; limits contradicting the class: dead (C0) or new-and-unasked (NC) stock
# kept at a minimum, or an A or B part (NA, NB too) without a maximum.
PROBLEMS_SQL = """concat_ws(' ',
    CASE WHEN g.on_hand < 0 OR g.value < 0 THEN 'negative_stock' END,
    CASE WHEN g.on_hand > 0 AND g.value = 0 THEN 'no_cost' END,
    CASE WHEN g.on_hand > 0 AND (g.last_movement_at IS NULL OR g.last_movement_at < %(stale_before)s)
         THEN 'no_movement' END,
    CASE WHEN g.on_hand > 0 AND g.superseded THEN 'superseded' END,
    CASE WHEN (g.abc IN ('C0', 'NC') AND g.min_qty > 0) OR (g.abc IN ('A', 'B', 'NA', 'NB') AND g.max_qty = 0)
         THEN 'limits' END)"""


def _step_classes(run: MonthClose) -> None:
    """Grade every part and warehouse with demand or stock (rules of ``inventory.classification``), in SQL.

    The 12-month demand is read once and rolled up twice, per pair and month
    (the month numbered by ``width_bucket``, not truncated in the time zone
    row by row) and then per pair. Both GROUP BYs run on one sort (part
    first, as for the month-end stock): hashing
    360,000 groups of numeric sums builds a table of hundreds of megabytes
    (spilled to disk at ``work_mem``), where sorted groups reuse one state.
    ``graded`` is a subquery the planner may not merge into the final SELECT
    (``OFFSET 0``), so that each row's class and coefficient of variation (a
    numeric square root) are computed once, not once for every place the
    final SELECT names them; ``pairs`` likewise keeps the full join apart
    from the join to the levels. Not materialized, their rows are not
    written to tuplestores and read back (a fifth less time for the SELECT
    on the bench).
    ABC by value is ranked on the staged 12-month demand (narrow rows, one sort
    per warehouse): a pair without demand in the window has no cost of sales
    and is C by value, as ``inventory.classification.value_classes`` ranks it.
    Rows are inserted in part order: the (part, warehouse, month) index then
    takes them page by page, not at random (a fifth less time for the insert
    on the bench).
    """
    thresholds = ClassThresholds.objects.get_or_create(pk=1)[0]
    previous = (
        MonthClose.objects.filter(month=add_months(run.month, -1), is_published=True)
        .values_list("pk", flat=True)
        .first()
    )
    params = _params(run) | {
        "a": thresholds.a_min_hits,
        "b": thresholds.b_min_hits,
        "new_months": thresholds.new_part_months,
        "x": thresholds.x_max_cv,
        "y": thresholds.y_max_cv,
        "reorder_period": thresholds.reorder_period_months,
        "previous_run": previous,
        "superseded": list(Part.objects.filter(superseded_by__isnull=False).values_list("pk", flat=True)),
        "stale_before": _begins(add_months(run.month, 1 - STALE_STOCK_MONTHS)),
        "value_a": VALUE_A_SHARE,
        "value_b": VALUE_B_SHARE,
        "ln_factorials": LN_FACTORIALS,
        "window_month_starts": [_begins(add_months(run.month, offset)) for offset in range(1 - WINDOW_MONTHS, 2)],
    }
    poisson = POISSON_CDF_SQL.format(lam="g.lam", available="g.available", terms=POISSON_TERMS)
    # Last month's class, when last month was closed (otherwise a join that can match nothing, row by row).
    previous_class, previous_join = "''", ""
    if previous is not None:
        previous_class = "COALESCE(prev.abc_class, '')"
        previous_join = f"""
        LEFT JOIN {PartClass._meta.db_table} prev
               ON prev.run_id = %(previous_run)s AND prev.warehouse_id = g.warehouse_id
              AND prev.part_id = g.part_id"""
    _sorted_aggregates()
    _stage(
        "kpis_close_demand",
        f"""
        SELECT part_id, warehouse_id, hits, q, qq, cost,
               {VALUE_CASE_SQL.format(before="value_before", total="value_total")} AS value_class
        FROM (
            SELECT pair.*, sum(GREATEST(cost, 0)) OVER (PARTITION BY warehouse_id) AS value_total,
                   COALESCE(sum(GREATEST(cost, 0)) OVER (
                       PARTITION BY warehouse_id ORDER BY GREATEST(cost, 0) DESC, part_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS value_before
            FROM (
                SELECT part_id, warehouse_id, sum(hits)::int AS hits, sum(q) AS q, sum(q * q) AS qq,
                       sum(cost) AS cost
                FROM (
                    SELECT h.part_id, h.warehouse_id,
                           width_bucket(h.occurred_at, %(window_month_starts)s::timestamptz[]),
                           count(*) AS hits, sum(h.quantity_requested) AS q, sum(h.cost_value) AS cost
                    FROM {DemandHit._meta.db_table} h
                    WHERE h.occurred_at >= %(window_start)s AND h.occurred_at < %(end)s
                    GROUP BY 1, 2, 3
                ) monthly
                GROUP BY 1, 2
            ) pair
        ) ranked
        """,  # noqa: S608 - table names come from model meta, values are parameters
        params,
    )
    _execute(
        f"""
        WITH pairs AS NOT MATERIALIZED (
            SELECT COALESCE(s.warehouse_id, d.warehouse_id) AS warehouse_id,
                   COALESCE(s.part_id, d.part_id) AS part_id,
                   COALESCE(d.hits, 0) AS hits, COALESCE(d.q, 0) AS q, COALESCE(d.qq, 0) AS qq,
                   COALESCE(d.cost, 0) AS cost, COALESCE(d.value_class, 'C') AS value_class,
                   COALESCE(s.quantity, 0) AS on_hand,
                   COALESCE(s.value, 0) AS value, COALESCE(s.average_value_12m, 0) AS average_value,
                   GREATEST(COALESCE(s.issued_12m, 0), 0) AS issued,
                   -- NULL for a pair never stocked: graded on its hits as an established part. (GREATEST
                   -- skips NULLs: without the CASE such a pair was one month old, new, its hits × 12.)
                   CASE WHEN s.first_stocked_at IS NOT NULL THEN GREATEST(1, %(month_index)s + 1 - (
                       date_part('year', s.first_local) * 12 + date_part('month', s.first_local)))::int
                   END AS months_stocked
            FROM (
                -- The local time once per row (OFFSET 0 keeps it from being inlined into both uses): a
                -- named zone is looked up on every call, and date_part's float8 is cheaper than extract's
                -- numeric; whole years and months either way (0.06 s of CPU per 100,000 rows on the bench).
                SELECT *, first_stocked_at AT TIME ZONE %(tz)s AS first_local
                FROM {StockMonthEnd._meta.db_table} WHERE run_id = %(run)s OFFSET 0
            ) s
            FULL JOIN kpis_close_demand d ON d.warehouse_id = s.warehouse_id AND d.part_id = s.part_id
            OFFSET 0
        ), graded AS NOT MATERIALIZED (
            SELECT p.*,
                   {ABC_CASE_SQL.format(hits="p.hits", months="p.months_stocked", on_hand="p.on_hand")} AS abc,
                   CASE WHEN p.months_stocked < %(new_months)s THEN p.hits * 12.0 / p.months_stocked
                        ELSE p.hits END AS scaled,
                   {CV_SQL.format(q="p.q", qq="p.qq", months="12")} AS cv,
                   GREATEST(COALESCE(sl.on_hand - sl.reserved - sl.quarantined, 0), 0) AS available,
                   COALESCE(sl.min_qty, 0) AS min_qty, COALESCE(sl.max_qty, 0) AS max_qty,
                   sl.last_movement_at, p.part_id = ANY(%(superseded)s::bigint[]) AS superseded,
                   (p.issued * %(reorder_period)s / 12)::float8 AS lam
            FROM pairs p
            LEFT JOIN {StockLevel._meta.db_table} sl ON sl.warehouse_id = p.warehouse_id AND sl.part_id = p.part_id
            OFFSET 0
        )
        INSERT INTO {PartClass._meta.db_table}
            (run_id, month, warehouse_id, part_id, abc_class, previous_class, xyz_class, value_class, problems,
             hits_12m, months_stocked,
             scaled_hits, demand_cv, quantity_12m, issued_12m, cost_of_sales_12m, on_hand, stock_value,
             average_value_12m, available, min_qty, max_qty, excess_value, fill_rate)
        SELECT %(run)s, %(month)s, g.warehouse_id, g.part_id, g.abc, {previous_class},
               {XYZ_CASE_SQL.format(cv="g.cv")},
               g.value_class, {PROBLEMS_SQL},
               g.hits, g.months_stocked, round(g.scaled, 3), round(g.cv, 6), g.q, g.issued, g.cost, g.on_hand,
               g.value, g.average_value, g.available, g.min_qty, g.max_qty,
               CASE WHEN g.max_qty > 0 AND g.on_hand > g.max_qty
                    THEN round((g.on_hand - g.max_qty) * g.value / g.on_hand, 4) ELSE 0 END,
               CASE WHEN g.abc IN ('A', 'B', 'NA', 'NB') THEN round((CASE
                   WHEN g.lam <= 10 THEN LEAST(1, {poisson})
                   ELSE LEAST(1, g.available / (g.lam + 10)::numeric)
               END)::numeric, 6) END
        FROM graded g
        {previous_join}
        WHERE g.abc IS NOT NULL
        ORDER BY g.part_id, g.warehouse_id
        """,  # noqa: S608 - table names come from model meta, values are parameters
        params,
    )
    _analyze(PartClass, "run", "warehouse", "part", "abc_class")


def _step_kpis(run: MonthClose) -> None:
    """Snapshot every KPI, then publish the run and drop the month's older rows, in one transaction."""
    from .snapshot import snapshot_rows

    Snapshot.objects.bulk_create(snapshot_rows(run), batch_size=1000)
    MonthClose.objects.filter(month=run.month, is_published=True).update(is_published=False)
    MonthClose.objects.filter(pk=run.pk).update(
        state=CloseState.DONE, is_published=True, progress=100, step="done", finished_at=timezone.now(), error=""
    )
    # The runs' ids as values, not a subquery: the planner then reads their rows by the unique (run, …)
    # index instead of joining every month's rows of the table against the runs.
    superseded = list(MonthClose.objects.filter(month=run.month).exclude(pk=run.pk).values_list("pk", flat=True))
    if superseded:
        for model in RESULT_MODELS:
            model.objects.filter(run_id__in=superseded).delete()
    # The ledger locks the month in the same transaction that publishes its figures.
    period_close(month=run.month, user=run.requested_by)
    run_id = run.pk
    from .report import kpi_reports_queue

    kpi_reports_queue(month=run.month)
    notify(
        users=[*users_with_role(Role.PLANNER), *users_with_role(Role.MANAGER)],
        kind=events.MONTH_END_CLOSED,
        message=gettext_noop("The close of %(month)s is done: classes and KPIs are on the dashboard."),
        params={"month": f"{run.month:%Y-%m}"},
        link=reverse("kpis:dashboard"),
        email_subject=gettext_noop("Month-end close %(month)s done"),
        subject_params={"month": f"{run.month:%Y-%m}"},
    )

    def hand_over() -> None:
        from ..tasks import hand_over_classes

        hand_over_classes.delay(run_id)

    transaction.on_commit(hand_over)
    _reclose_next_reopened(after=run.month, user=run.requested_by)


def _reclose_next_reopened(*, after: date, user=None) -> None:
    """A month closed again reruns the close of the next reopened month, so reopened months close in order.

    A reopened month's figures depend on the months before it (last month's
    class, the rolling 12-month windows): when a manager closes the first
    reopened month again, every later reopened month is rerun after it, one
    after the other, each queued when the one before it has published.
    """
    following = add_months(after, 1)
    if following not in reopened_months():
        return

    def queue() -> None:
        try:
            month_close_request(month=following, user=user)
        except KpiError as error:  # already running (a manager asked at the same time): that run does it
            logger.info("re-close of %s not queued: %s", following, error.message)

    transaction.on_commit(queue)


def reclose_reopened_months(*, user=None) -> MonthClose | None:
    """Queue the close of the oldest reopened month (the later ones follow it); None when none is reopened.

    The nightly task calls this, so a reopened month does not stay open and
    its published figures do not stay stale beyond the night after its
    corrections.
    """
    months = reopened_months()
    if not months:
        return None
    return month_close_request(month=months[0], user=user)


def month_end_classes_hand_over(*, run_id: int) -> int:
    """Give a published run's classes to every entry point of ``MONTH_END_CLASS_CONSUMERS``, as plain data.

    Only the newest published close hands over: a run that is no longer
    published (closed again since, or an earlier month closed later) hands
    over nothing, so that a consumer never goes back to older classes.
    Returns how many pairs were handed over.
    """
    consumers = list(settings.MONTH_END_CLASS_CONSUMERS)
    run = MonthClose.objects.filter(pk=run_id, is_published=True).first()
    if not consumers or run is None or MonthClose.objects.filter(is_published=True, month__gt=run.month).exists():
        return 0
    classes = {
        (part_id, warehouse_id): abc
        for part_id, warehouse_id, abc in PartClass.objects.filter(run_id=run.pk)
        .values_list("part_id", "warehouse_id", "abc_class")
        .iterator(chunk_size=20000)
    }
    for path in consumers:
        import_string(path)(month=run.month, classes=classes)
    return len(classes)


STEP_FUNCTIONS: dict[str, Callable[[MonthClose], None]] = {
    "demand": _step_demand,
    "stock": _step_stock,
    "classes": _step_classes,
    "kpis": _step_kpis,
}
