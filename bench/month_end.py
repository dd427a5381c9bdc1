"""Month-end benchmark: the full close against one hand-written SQL statement, on PostgreSQL.

    .venv/bin/python bench/month_end.py [--rebuild] [--repeat 3]

Builds (or reuses) the database ``parts_bench_month`` (``BENCH_MONTH_DB`` names another): 10 warehouses × 10,000
parts = 100,000 part-warehouse pairs, 1,000,000 movements over 24 months
(100,000 opening receipts and 900,000 issues, skewed so that classes A to C0
all occur) and one demand hit per issue, with generate_series in SQL (no
services, no Python loops over rows; the movements carry no hash chain, which
the close does not read, so ``verify_ledger`` is not meant for this data set).
Then it closes the last month with the real close (all four steps, in this
process, the demand history on a second connection beside the stock step, as a
worker runs it beside) and runs one SQL statement that
computes the same demand rollup and classification, and prints both times,
the peak memory of the process, and the ratio last. Goal: close ≤ 2 × SQL and
under 60 s. Both sides are measured warm, in ``--repeat`` rounds of close then
SQL (each close replaces the last), and compared by their medians: one SQL run
varies by ±10 % on this machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_MONTH_DB", "parts_bench_month")
DB_URL = f"postgres://parts:parts@127.0.0.1:5432/{DB_NAME}"
WAREHOUSES = 10
PARTS = 10_000
ISSUES = 900_000
FIRST_MONTH = date(2024, 11, 1)  # 24 months: Nov 2024 .. Oct 2026
CLOSE_MONTH = date(2026, 10, 1)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_ENV="production",
        SECRET_KEY="bench-" + "x" * 60,
        DATABASE_URL=DB_URL,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="ERROR",
        CELERY_TASK_ALWAYS_EAGER="1",
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def ensure_database(rebuild: bool) -> bool:
    """Create the database if missing (or asked); True when the data set must be built."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and not rebuild:
            return False
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        admin.execute(f'CREATE DATABASE "{DB_NAME}" OWNER parts')
    return True


BUILD_SQL = [
    # warehouses: one central, nine regional
    """
    INSERT INTO inventory_warehouse (code, name, echelon, parent_id, is_active)
    SELECT 'BW' || lpad(w::text, 2, '0'), 'Bench ' || w, CASE WHEN w = 1 THEN 'central' ELSE 'regional' END,
           NULL, true
    FROM generate_series(1, %(warehouses)s) AS w
    """,
    "UPDATE inventory_warehouse SET parent_id = (SELECT id FROM inventory_warehouse WHERE code = 'BW01') "
    "WHERE code <> 'BW01'",
    """
    INSERT INTO inventory_part (number, number_normalized, description, unit, category, list_price, is_critical,
                                is_active, created_at)
    SELECT 'BM-' || lpad(p::text, 6, '0'), 'BM' || lpad(p::text, 6, '0'), 'Bench part ' || p, 'PCS', 'Bench',
           25, false, true, now()
    FROM generate_series(1, %(parts)s) AS p
    """,
    # pairs numbered 0 .. pairs-1, each with its unit cost; opening receipts spread over the first 6 months
    """
    CREATE TEMP TABLE bench_pair AS
    SELECT row_number() OVER (ORDER BY w.id, p.id) - 1 AS n, w.id AS warehouse_id, p.id AS part_id,
           (1 + (p.id %% 50))::numeric(14, 4) AS cost,
           %(start)s::timestamptz + ((row_number() OVER (ORDER BY w.id, p.id)) %% 180) * interval '1 day'
               + interval '8 hours' AS first_at
    FROM inventory_warehouse w CROSS JOIN inventory_part p
    """,
    "CREATE UNIQUE INDEX ON bench_pair (n)",
    """
    INSERT INTO inventory_stockmovement (part_id, warehouse_id, kind, quantity, unit_cost, value, user_id,
                                         posted_at, document_type, document_ref, reason, hash)
    SELECT part_id, warehouse_id, 'receipt', 2000, cost, 2000 * cost, %(user)s, first_at, 'receipt', 'OPEN', '', ''
    FROM bench_pair
    """,
    # issues: a skewed pick of pairs (a few are asked for a lot, many rarely), after the pair's opening receipt
    """
    CREATE TEMP TABLE bench_issue AS
    SELECT bp.warehouse_id, bp.part_id, bp.cost, (1 + (pick.g %% 3))::numeric(14, 3) AS quantity,
           greatest(bp.first_at + interval '1 hour',
                    %(start)s::timestamptz + random() * (%(end)s::timestamptz - %(start)s::timestamptz)) AS at,
           pick.g AS g
    FROM (SELECT g, floor(power(random(), 1.6) * %(pairs)s)::bigint AS n
          FROM generate_series(1, %(issues)s) AS g OFFSET 0) AS pick
    JOIN bench_pair bp ON bp.n = pick.n
    """,
    """
    INSERT INTO inventory_stockmovement (part_id, warehouse_id, kind, quantity, unit_cost, value, user_id,
                                         posted_at, document_type, document_ref, reason, hash)
    SELECT part_id, warehouse_id, 'issue', -quantity, cost, -quantity * cost, %(user)s, at, 'issue', 'B' || g, '', ''
    FROM bench_issue
    """,
    """
    INSERT INTO inventory_demandhit (occurred_at, warehouse_id, part_id, requested_part_id, source, document_ref,
                                     repair_order_ref, quantity_requested, quantity_supplied, quantity_lost,
                                     unit_price, sales_value, cost_value)
    SELECT at, warehouse_id, part_id, part_id, 'workshop', 'B' || g, 'RO-' || (g / 3), quantity + (g %% 7 = 0)::int,
           quantity, 0, 25, quantity * 25, quantity * cost
    FROM bench_issue
    """,
    """
    INSERT INTO inventory_stocklevel (part_id, warehouse_id, on_hand, reserved, quarantined, in_transit, backordered,
                                      value, average_cost, min_qty, max_qty, first_stocked_at, last_movement_at,
                                      last_hash)
    SELECT m.part_id, m.warehouse_id, sum(m.quantity), 0, 0, 0, 0, sum(m.value), min(m.unit_cost),
           (m.part_id %% 20), CASE WHEN m.part_id %% 3 = 0 THEN 0 ELSE 1000 + (m.part_id %% 20) END,
           min(m.posted_at), max(m.posted_at), ''
    FROM inventory_stockmovement m GROUP BY m.part_id, m.warehouse_id
    """,
    # As a ledger that has been in use: hint bits set and pages all-visible (autovacuum's work), so the first
    # close after a build does not pay for setting them on 1.9 million new rows, and statistics for the planner.
    "VACUUM ANALYZE",
]


def build() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from inventory.months import add_months, month_begins

    def month_start(month):
        return month_begins(month, settings.TIME_ZONE)

    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-pw-1")
    params = {
        "warehouses": WAREHOUSES,
        "parts": PARTS,
        "pairs": WAREHOUSES * PARTS,
        "issues": ISSUES,
        "user": user.pk,
        "start": month_start(FIRST_MONTH),
        "end": month_start(add_months(CLOSE_MONTH, 1)),
    }
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in BUILD_SQL:
            cursor.execute(sql, params)
    print(f"built the data set in {time.perf_counter() - began:.1f} s")


# The same demand rollup and classification as the close, by hand, in one statement.
REFERENCE_SQL = """
WITH rollup AS (
    SELECT warehouse_id, part_id, count(*) AS hits, sum(quantity_requested) AS requested,
           sum(quantity_supplied) AS supplied, sum(quantity_lost) AS lost, sum(sales_value) AS sales,
           sum(cost_value) AS cost
    FROM inventory_demandhit WHERE occurred_at >= %(start)s AND occurred_at < %(end)s
    GROUP BY warehouse_id, part_id
), monthly AS (
    SELECT warehouse_id, part_id, date_trunc('month', occurred_at AT TIME ZONE %(tz)s) AS m, count(*) AS hits,
           sum(quantity_requested) AS q
    FROM inventory_demandhit WHERE occurred_at >= %(window_start)s AND occurred_at < %(end)s
    GROUP BY 1, 2, 3
), demand AS (
    SELECT warehouse_id, part_id, sum(hits) AS hits, sum(q) AS q, sum(q * q) AS qq FROM monthly GROUP BY 1, 2
), stock AS (
    SELECT warehouse_id, part_id, sum(quantity) AS on_hand, min(posted_at) FILTER (WHERE quantity > 0) AS first_at
    FROM inventory_stockmovement WHERE posted_at < %(end)s GROUP BY 1, 2
), graded AS (
    SELECT CASE
               WHEN ms < 12 THEN CASE WHEN hits * 12.0 / ms >= 12 THEN 'NA' WHEN hits * 12.0 / ms >= 4 THEN 'NB'
                                      ELSE 'NC' END
               WHEN hits >= 12 THEN 'A' WHEN hits >= 4 THEN 'B' WHEN hits >= 1 THEN 'C'
               WHEN on_hand > 0 THEN 'C0'
           END AS abc,
           CASE WHEN q > 0 THEN sqrt(greatest(qq / 12 - (q / 12) ^ 2, 0)) / (q / 12) END AS cv
    FROM (
        SELECT COALESCE(d.hits, 0) AS hits, COALESCE(d.q, 0) AS q, COALESCE(d.qq, 0) AS qq,
               COALESCE(s.on_hand, 0) AS on_hand,
               greatest(1, %(month_index)s + 1 - (extract(year FROM s.first_at AT TIME ZONE %(tz)s) * 12
                                                  + extract(month FROM s.first_at AT TIME ZONE %(tz)s)))::int AS ms
        FROM stock s FULL JOIN demand d ON d.warehouse_id = s.warehouse_id AND d.part_id = s.part_id
    ) p
)
SELECT (SELECT count(*) FROM rollup) AS rollup_rows, abc,
       CASE WHEN cv IS NULL THEN '' WHEN cv <= 0.5 THEN 'X' WHEN cv <= 1.0 THEN 'Y' ELSE 'Z' END AS xyz, count(*)
FROM graded WHERE abc IS NOT NULL GROUP BY 2, 3 ORDER BY 2, 3
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the data set")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of close then SQL; the ratio is of the medians")
    args = parser.parse_args()
    must_build = ensure_database(args.rebuild)
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from inventory.months import add_months, month_begins
    from kpis import services
    from kpis.models import DemandMonth, MonthClose, PartClass, Snapshot, StockMonthEnd

    def _begins(month):
        return month_begins(month, settings.TIME_ZONE)

    call_command("migrate", "--noinput", verbosity=0)
    if must_build:
        build()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inventory_stocklevel")
        pairs = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM inventory_stockmovement")
        movements = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM inventory_demandhit")
        hits = cursor.fetchone()[0]
    print(f"data: {pairs:,} part-warehouse pairs, {movements:,} movements, {hits:,} hits; closing {CLOSE_MONTH:%Y-%m}")
    params = {
        "start": _begins(CLOSE_MONTH),
        "end": _begins(add_months(CLOSE_MONTH, 1)),
        "window_start": _begins(add_months(CLOSE_MONTH, -11)),
        "month_index": CLOSE_MONTH.year * 12 + CLOSE_MONTH.month,
        "tz": settings.TIME_ZONE,
    }

    def vacuum_results() -> None:
        # Each round closes the month again, and the previous round's rows are deleted when the new one
        # publishes: vacuum them (untimed) as autovacuum would, so that a rerun is not slower by the
        # garbage of the rounds before it (the bench server may run with autovacuum off).
        with connection.cursor() as cursor:
            for model in (MonthClose, DemandMonth, StockMonthEnd, PartClass, Snapshot):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def reference() -> tuple[float, list]:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(REFERENCE_SQL, params)
            rows = cursor.fetchall()
        return time.perf_counter() - began, rows

    # Both sides measured warm: the reference SQL runs once untimed first, so that the ledger and the
    # hits are in memory for the close as they are for the timed SQL after it (which reads them right
    # after the close). Without this, the first run after other work paid the cold reads on the close only.
    reference()

    # The close hands its classes to planning and counting in a task of its own after it publishes (a
    # worker's job, not the close's): left out of the timed rounds and timed once on its own below.
    consumers = settings.MONTH_END_CLASS_CONSUMERS
    settings.MONTH_END_CLASS_CONSUMERS = []
    labels = services.close.STEP_LABELS
    in_line = [labels[step] for step in services.STEPS if step != services.BESIDE_STEP]
    in_line[0] += f" (the {labels[services.BESIDE_STEP]} beside it)"
    close_times: list[float] = []
    sql_times: list[float] = []
    for round_no in range(1, args.repeat + 1):
        vacuum_results()
        steps: list[tuple[str, float]] = []
        last = [time.perf_counter()]

        def progress(run, steps=steps, last=last) -> None:
            # Called after each step run in line (the demand history runs beside the first of them).
            now = time.perf_counter()
            steps.append((in_line[len(steps)], now - last[0]))
            last[0] = now

        began = time.perf_counter()
        run = services.month_close_run(month=CLOSE_MONTH, progress=progress)
        close_times.append(time.perf_counter() - began)
        sql_seconds, rows = reference()
        sql_times.append(sql_seconds)
        step_text = ", ".join(f"{label} {seconds:.2f}" for label, seconds in steps)
        print(f"round {round_no}: close {close_times[-1]:.2f} s ({step_text}); single SQL {sql_seconds:.2f} s")

    settings.MONTH_END_CLASS_CONSUMERS = consumers
    began = time.perf_counter()
    handed = services.month_end_classes_hand_over(run_id=run.pk)
    print(
        f"hand-over of {handed:,} classes to planning and counting (its own task): {time.perf_counter() - began:.2f} s"
    )
    classes = dict(
        PartClass.objects.filter(run=run).values("abc_class").annotate(n=Count("id")).values_list("abc_class", "n")
    )
    print(
        f"close: {DemandMonth.objects.filter(run=run).count():,} demand rows, "
        f"{sum(classes.values()):,} classes {classes}, {Snapshot.objects.filter(run=run).count():,} snapshots"
    )
    reference_classes: dict[str, int] = {}
    for _rows, abc, _xyz, count in rows:
        reference_classes[abc] = reference_classes.get(abc, 0) + count
    print(f"single SQL: {rows[0][0] if rows else 0:,} demand rows, {reference_classes}")
    if reference_classes != classes:
        print("WARNING: the close and the SQL disagree on the classes")

    # For comparison only: the same SQL with the session settings the close gives its own steps
    # (no JIT, the close's work_mem, sorted GROUP BYs, parallel workers without the leader scanning).
    from django.db import transaction

    from kpis.services.close import CLOSE_WORK_MEM

    tuned: list[float] = []
    for _ in range(args.repeat):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true),"
                " set_config('enable_hashagg', 'off', true), set_config('parallel_setup_cost', '0', true),"
                " set_config('parallel_tuple_cost', '0.0001', true),"
                " set_config('parallel_leader_participation', 'off', true)",
                [CLOSE_WORK_MEM],
            )
            began = time.perf_counter()
            cursor.execute(REFERENCE_SQL, params)
            cursor.fetchall()
            tuned.append(time.perf_counter() - began)
    close_median, sql_median = statistics.median(close_times), statistics.median(sql_times)
    print(
        f"single SQL with the close's session settings: median {statistics.median(tuned):.2f} s "
        f"(ratio close / that: {close_median / statistics.median(tuned):.2f}; not the goal's measure)"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mb:.0f} MB")
    print(
        f"close: median {close_median:.2f} s of {args.repeat} (range {min(close_times):.2f}–{max(close_times):.2f}); "
        f"single SQL: median {sql_median:.2f} s (range {min(sql_times):.2f}–{max(sql_times):.2f})"
    )
    print(f"ratio close / SQL (medians): {close_median / sql_median:.2f}")


if __name__ == "__main__":
    main()
