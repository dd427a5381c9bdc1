"""Planning benchmark: forecast and plan 100,000 part-warehouse series on PostgreSQL.

    .venv/bin/python bench/planning.py [--series 100000] [--warehouses 5] [--reuse]

Builds a fresh database ``parts_bench_plan`` (dropped and recreated unless
``--reuse``), migrates it and fills it with bulk SQL: parts, a network of
central, regional and stores with neighbours, suppliers and supplier parts,
one stock level per part and warehouse, and 24 months of intermittent demand
history per series (about a million demand lines). Then it times the
replenishment run in-process, step by step (forecast, parameters with min /
max written to the levels, proposals), once on the fresh data and once more
as the next night would (only changed min / max are written).

Prints each step's time, then the peak memory (max RSS of this process) and
series per second last. The target: under 60 s for the first run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "parts_bench_plan"
DB_URL = f"postgres://parts:parts@127.0.0.1:5432/{DB_NAME}"


def bench_env() -> dict:
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-" + "x" * 60,
        "DATABASE_URL": DB_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
    }


def fresh_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        admin.execute(f'CREATE DATABASE "{DB_NAME}" OWNER parts')
    env = {**os.environ, **bench_env()}
    env.pop("REDIS_URL", None)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


SEED = """
INSERT INTO inventory_warehouse (code, name, echelon, parent_id, is_active)
    VALUES ('CEN', 'Central', 'central', NULL, true);
INSERT INTO inventory_warehouse (code, name, echelon, parent_id, is_active)
    SELECT 'REG', 'Regional', 'regional', id, true FROM inventory_warehouse WHERE code = 'CEN';
INSERT INTO inventory_warehouse (code, name, echelon, parent_id, is_active)
    SELECT 'S' || g, 'Store ' || g, 'store', (SELECT id FROM inventory_warehouse WHERE code = 'REG'), true
    FROM generate_series(1, %(stores)s) g;
INSERT INTO inventory_warehouseneighbour (warehouse_id, neighbour_id, transfer_lead_time_days)
    SELECT a.id, b.id, 1 FROM inventory_warehouse a JOIN inventory_warehouse b
      ON a.echelon = 'store' AND b.echelon = 'store' AND a.id <> b.id;
INSERT INTO inventory_part (number, number_normalized, description, unit, category, list_price, is_critical,
                            is_active, created_at)
    SELECT 'BP-' || g, 'BP' || g, 'Bench part ' || g, 'PCS', 'Bench', 20, g %% 50 = 0, true, now()
    FROM generate_series(1, %(parts)s) g;
INSERT INTO suppliers_supplier (code, name, email, phone, contact_name, payment_terms, is_active, created_at)
    SELECT 'SUP' || g, 'Supplier ' || g, '', '', '', '', true, now() FROM generate_series(1, 3) g;
INSERT INTO suppliers_supplierpart (supplier_id, part_id, supplier_part_number, price, lead_time_days,
                                    min_order_qty, pack_size, is_preferred, updated_at, purchase_unit,
                                    purchase_factor)
    SELECT s.id, p.id, '', 8 + p.id %% 37, 7 + p.id %% 21, 1 + (p.id %% 3) * 2,
           CASE WHEN p.id %% 4 = 0 THEN 5 ELSE 1 END,
           p.id %% 2 = 0, now(), '', 1
    FROM inventory_part p JOIN suppliers_supplier s ON s.code = 'SUP' || (1 + p.id %% 3);
INSERT INTO inventory_stocklevel (part_id, warehouse_id, on_hand, reserved, quarantined, in_transit, backordered,
                                  value, average_cost, min_qty, max_qty, last_hash)
    SELECT p.id, w.id, q, 0, 0, 0, 0, q * (5 + p.id %% 50), 5 + p.id %% 50, 0, 0, ''
    FROM inventory_part p CROSS JOIN inventory_warehouse w, LATERAL (SELECT floor(random() * 9 + 0 * p.id) AS q) r;
INSERT INTO inventory_demandhit (occurred_at, warehouse_id, part_id, requested_part_id, source, document_ref,
                                 repair_order_ref, quantity_requested, quantity_supplied, quantity_lost,
                                 unit_price, sales_value, cost_value)
    SELECT date_trunc('month', now()) - make_interval(months => m) + interval '3 days 10 hours',
           l.warehouse_id, l.part_id, l.part_id, 'import', '', '', q, q, 0, 20, q * 20, q * 10
    FROM inventory_stocklevel l CROSS JOIN generate_series(1, 24) m,
         LATERAL (SELECT 1 + floor(random() * 4 + 0 * m) AS q, random() + 0 * m AS r) x
    WHERE x.r < 0.05 + ((l.part_id * 7 + l.warehouse_id) %% 17) / 20.0;
"""


def seed(series: int, warehouses: int) -> None:
    stores = max(warehouses - 2, 1)
    parts = series // (stores + 2)
    with psycopg.connect(DB_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        for statement in filter(str.strip, SEED.split(";\n")):
            params = {k: v for k, v in {"stores": stores, "parts": parts}.items() if f"%({k})s" in statement}
            conn.execute(statement if params else statement.replace("%%", "%"), params or None)
        conn.execute("VACUUM ANALYZE")
        levels = conn.execute("SELECT count(*) FROM inventory_stocklevel").fetchone()[0]
        hits = conn.execute("SELECT count(*) FROM inventory_demandhit").fetchone()[0]
    print(f"seeded: {levels} series (part-warehouses), {hits} demand lines over 24 months")


def timed_run(label: str) -> float:
    from planning.models import ReplenishmentRun
    from planning.services import forecast_run, parameters_compute, proposals_build

    run = ReplenishmentRun.objects.create()
    start = time.perf_counter()
    forecast = forecast_run()
    t_forecast = time.perf_counter()
    params = parameters_compute()
    t_params = time.perf_counter()
    proposals = proposals_build(run=run)
    end = time.perf_counter()
    print(
        f"{label}: forecast {t_forecast - start:.1f} s ({forecast.series} series), "
        f"parameters {t_params - t_forecast:.1f} s ({params.limits_written} levels' min/max written), "
        f"proposals {end - t_params:.1f} s ({proposals} proposals); total {end - start:.1f} s"
    )
    return end - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--warehouses", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the database built by an earlier run")
    args = parser.parse_args()
    if not args.reuse:
        build = time.perf_counter()
        fresh_database()
        seed(args.series, args.warehouses)
        print(f"built {DB_NAME} in {time.perf_counter() - build:.1f} s (not counted)")
    os.environ.update(bench_env())
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from inventory.models import StockLevel

    series = StockLevel.objects.count()
    first = timed_run("first run")
    timed_run("next night")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"time {first:.1f} s")
    print(f"peak memory {peak_mb:.0f} MB")
    print(f"series/s {series / first:,.0f}")


if __name__ == "__main__":
    main()
