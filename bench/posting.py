"""Benchmark: receipts posted through the service layer against the same work as raw SQL.

    source scripts/test_env.sh && .venv/bin/python bench/posting.py [--n 2000] [--parts 500]

Runs against PostgreSQL (DATABASE_URL) in a database of its own, ``parts_bench``,
which it drops and re-creates and migrates each run. Both sides post N receipts
over many parts into one warehouse each (so both start from empty levels), one
transaction per receipt:

* service: ``inventory.services.stock_receive`` (locks the level, appends the
  movement, re-averages the cost);
* raw: psycopg, an upsert of the level with the same moving-average arithmetic
  in SQL and an insert of the movement row.

The two sides take turns, a chunk of receipts each, so that load from
elsewhere on the machine falls on both alike. It then checks that both sides
produced the same levels and that the service ledger verifies, and prints
both rates; the last line is the ratio service ÷ raw.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DB", "parts_bench")  # one per person when several share a server
FOUR = Decimal("0.0001")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _psycopg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def reset_database(url: str) -> str:
    """Drop and re-create the bench database; return its URL."""
    import psycopg

    with psycopg.connect(_psycopg_url(url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return _with_database(url, BENCH_DB)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_ENV"] = "test"  # DEBUG off: no query log in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def workload(n: int, parts: int) -> list[tuple[int, Decimal, Decimal]]:
    """(part index, quantity, unit cost) for every receipt, the same for both sides."""
    rng = random.Random(42)
    return [(i % parts, Decimal(rng.randint(1, 20)), Decimal(rng.randint(100, 99_999)) / 100) for i in range(n)]


def run_service(work, *, parts, warehouse, user) -> float:
    from inventory import services

    start = time.perf_counter()
    for index, quantity, cost in work:
        services.stock_receive(
            part=parts[index], warehouse=warehouse, quantity=quantity, unit_cost=cost, user=user, document_ref="BENCH"
        )
    return time.perf_counter() - start


def _insert_sql(model, explicit: dict[str, str]) -> tuple[str, list[str], list[object]]:
    """An INSERT for every concrete column of ``model``: explicit ones as SQL, the rest at their defaults.

    Built from the model so that fields added later do not break the benchmark.
    """
    from django.utils import timezone

    columns, values, constants = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in explicit:
            values.append(explicit[field.column])
        else:
            values.append("%s")
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                constants.append(timezone.now())
            else:
                constants.append(field.get_default())
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join(values)})", columns, constants


def raw_poster(conn, *, part_ids, warehouse_id, user_id):
    """The same receipts through psycopg: upsert the level with the moving average, insert the movement.

    Returns a function that posts a chunk of the work and returns the seconds it took.
    """
    from inventory.models import StockLevel, StockMovement

    level_insert, _, level_defaults = _insert_sql(
        StockLevel,
        {
            "part_id": "%(part)s",
            "warehouse_id": "%(warehouse)s",
            "on_hand": "%(qty)s",
            "value": "%(value)s",
            "average_cost": "%(cost)s",
            "first_stocked_at": "now()",
            "last_movement_at": "now()",
        },
    )
    level_sql = (
        level_insert.replace("%s", "%(d{})s").format(*range(len(level_defaults)))
        + """
        ON CONFLICT (part_id, warehouse_id) DO UPDATE SET
            on_hand = inventory_stocklevel.on_hand + EXCLUDED.on_hand,
            value = inventory_stocklevel.value + EXCLUDED.value,
            average_cost = round(
                (inventory_stocklevel.value + EXCLUDED.value) / (inventory_stocklevel.on_hand + EXCLUDED.on_hand), 4
            ),
            first_stocked_at = COALESCE(inventory_stocklevel.first_stocked_at, EXCLUDED.first_stocked_at),
            last_movement_at = EXCLUDED.last_movement_at
        """
    )
    movement_insert, _, movement_defaults = _insert_sql(
        StockMovement,
        {
            "part_id": "%(part)s",
            "warehouse_id": "%(warehouse)s",
            "kind": "'receipt'",
            "quantity": "%(qty)s",
            "unit_cost": "%(cost)s",
            "value": "%(value)s",
            "user_id": "%(user)s",
            "posted_at": "now()",
            "document_type": "'receipt'",
            "document_ref": "'BENCH'",
        },
    )
    movement_sql = movement_insert.replace("%s", "%(m{})s").format(*range(len(movement_defaults)))
    level_constants = {f"d{i}": value for i, value in enumerate(level_defaults)}
    movement_constants = {f"m{i}": value for i, value in enumerate(movement_defaults)}

    def post(work) -> float:
        start = time.perf_counter()
        for index, quantity, cost in work:
            params = {
                "part": part_ids[index],
                "warehouse": warehouse_id,
                "user": user_id,
                "qty": quantity,
                "cost": cost,
                "value": (quantity * cost).quantize(FOUR, rounding=ROUND_HALF_UP),
            }
            with conn.transaction():
                conn.execute(level_sql, params | level_constants)
                conn.execute(movement_sql, params | movement_constants)
        return time.perf_counter() - start

    return post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="receipts per side (default 2000)")
    parser.add_argument("--parts", type=int, default=500, help="distinct parts (default 500)")
    parser.add_argument("--chunk", type=int, default=100, help="receipts per turn of each side (default 100)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to PostgreSQL (source scripts/test_env.sh).")
    setup_django(reset_database(url))
    bench_url = os.environ["DATABASE_URL"]

    from django.contrib.auth import get_user_model

    from inventory.models import Echelon, Part, StockLevel, Warehouse
    from inventory.selectors import ledger_differences

    user = get_user_model().objects.create_user("bench", password=None)
    service_wh = Warehouse.objects.create(code="SVC", name="Service side", echelon=Echelon.CENTRAL)
    raw_wh = Warehouse.objects.create(code="RAW", name="Raw side", echelon=Echelon.CENTRAL)
    parts = Part.objects.bulk_create(
        [
            Part(number=f"B-{i:05d}", number_normalized=f"B{i:05d}", description=f"Bench part {i}")
            for i in range(args.parts)
        ]
    )
    work = workload(args.n, args.parts)

    # The sides take turns, a chunk each, so that load from elsewhere on the machine falls on both alike.
    import psycopg

    service_seconds = raw_seconds = 0.0
    with psycopg.connect(_psycopg_url(bench_url)) as conn:
        post_raw = raw_poster(conn, part_ids=[p.pk for p in parts], warehouse_id=raw_wh.pk, user_id=user.pk)
        for start in range(0, args.n, args.chunk):
            chunk = work[start : start + args.chunk]
            service_seconds += run_service(chunk, parts=parts, warehouse=service_wh, user=user)
            raw_seconds += post_raw(chunk)

    def levels(warehouse):
        return {
            row[0]: row[1:]
            for row in StockLevel.objects.filter(warehouse=warehouse).values_list(
                "part_id", "on_hand", "value", "average_cost"
            )
        }

    agree = levels(service_wh) == levels(raw_wh)
    differences = ledger_differences()
    service_rate = args.n / service_seconds
    raw_rate = args.n / raw_seconds
    print(f"PostgreSQL, {args.n} receipts over {args.parts} parts, one transaction each, in turns of {args.chunk}")
    print(f"service layer: {service_seconds:7.2f} s  {service_rate:8.0f} receipts/s")
    print(f"raw SQL:       {raw_seconds:7.2f} s  {raw_rate:8.0f} receipts/s")
    print(f"levels agree: {'yes' if agree else 'NO'}; service ledger differences: {len(differences)}")
    if not agree or differences:
        sys.exit("The two sides disagree: the benchmark compares different work.")
    print(f"ratio service/raw: {service_rate / raw_rate:.2f}")


if __name__ == "__main__":
    main()
