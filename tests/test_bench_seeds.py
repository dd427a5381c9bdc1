"""The benchmarks build their data with raw SQL: these tests run that SQL, small, against the current schema.

A NOT NULL column added without a database default breaks a raw INSERT that does not name it; without
these tests the break shows only when somebody next runs the benchmark.
"""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection

from inventory.models import DemandHit, StockLevel, StockMovement
from inventory.selectors import bin_differences, ledger_broken_links, ledger_differences
from suppliers.models import SupplierPart

from .factories import UserFactory

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_planning_benchmark_seed_fits_the_schema(postgres):
    planning = _bench("planning")
    values = {"stores": 1, "parts": 6}

    with connection.cursor() as cursor:
        for statement in filter(str.strip, planning.SEED.split(";\n")):
            params = {k: v for k, v in values.items() if f"%({k})s" in statement}
            cursor.execute(statement if params else statement.replace("%%", "%"), params or None)

    # three warehouses (central, regional, one store) × six parts, one supplier part per part
    assert StockLevel.objects.count() == 18
    assert SupplierPart.objects.count() == 6
    assert DemandHit.objects.exists()


def test_the_month_end_benchmark_build_fits_the_schema(postgres):
    month_end = _bench("month_end")
    params = {
        "warehouses": 2,
        "parts": 5,
        "pairs": 10,
        "issues": 40,
        "user": UserFactory().pk,
        "start": datetime(2024, 11, 1, tzinfo=UTC),
        "end": datetime(2026, 11, 1, tzinfo=UTC),
    }

    with connection.cursor() as cursor:
        for sql in month_end.BUILD_SQL:
            if sql.strip().upper().startswith("VACUUM"):
                continue  # not inside the test's transaction; it changes no rows
            cursor.execute(sql, params)

    # an opening receipt per pair and the issues, and a level per pair summed from them
    assert StockMovement.objects.count() == 10 + 40
    assert StockLevel.objects.count() == 10


def test_the_load_benchmark_build_passes_verify_ledger(postgres):
    # Given the load benchmark's build, small, in an empty database
    load = _bench("load")
    load.build(connection.connection, parts=4, warehouses=3)

    # Then every level has its opening receipt, and the ledger, the hash chains and the bins all hold
    assert StockMovement.objects.count() == StockLevel.objects.count() == 12
    assert ledger_differences() == []
    assert ledger_broken_links() == []
    assert bin_differences() == []
