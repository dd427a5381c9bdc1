"""Import benchmark: generate large CSV files and time ``manage.py import_data`` on PostgreSQL.

    .venv/bin/python bench/import.py [--rows 100000] [--kinds parts,opening_stock,stock_parameters,demand_history]

Creates a fresh database ``parts_bench_import`` (dropped and recreated each
run), migrates it, generates one file per kind under /tmp and imports each
twice: the first run creates, the second must change nothing; then a corrected
file where every row differs must update every row. Prints rows, seconds and
rows per second per run, and a verdict per kind. The target: every
kind imports 100,000 rows in under 60 s, first run and again (the corrected
file is held to the same); below 100,000 rows the times are printed but not
judged.
After the stock kinds, ``verify_ledger`` must pass (levels = sums of movements).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "parts_bench_import"
DB_URL = f"postgres://parts:parts@127.0.0.1:5432/{DB_NAME}"
OUT = Path("/tmp/parts_bench_import")


def env() -> dict:
    values = dict(os.environ)
    values.update(
        DJANGO_ENV="production",
        SECRET_KEY="bench-" + "x" * 60,
        DATABASE_URL=DB_URL,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="ERROR",
    )
    values.pop("REDIS_URL", None)
    return values


def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env(), check=check, capture_output=True, text=True)


def fresh_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        admin.execute(f'CREATE DATABASE "{DB_NAME}" OWNER parts')
    manage("migrate", "--noinput", "-v0")
    script = (
        "from django.contrib.auth import get_user_model;"
        "from inventory.models import Warehouse, Bin;"
        "get_user_model().objects.create_superuser('bench', 'bench@example.com', 'bench-pw-1');"
        "w = Warehouse.objects.create(code='CEN', name='Central', echelon='central');"
        "Bin.objects.bulk_create([Bin(warehouse=w, code=f'A-{i:03d}') for i in range(200)])"
    )
    manage("shell", "-c", script)


def write(path: Path, header: list[str], rows) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def generate(kind: str, n: int, revision: int = 0) -> Path:
    """The file of ``kind``; revision 1 changes every row (a corrected file sent again)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{kind}{'_changed' if revision else ''}.csv"
    if kind == "parts":
        # every 20th part is superseded by the next one: chains without loops
        return write(
            path,
            ["number", "description", "unit", "category", "list_price", "is_critical", "superseded_by"],
            (
                [
                    f"BP-{i:07d}",
                    f"Bench part {i}" + (f" rev {revision}" if revision else ""),
                    "PCS",
                    f"Cat {i % 40}",
                    f"{(i % 500) + 1}.50",
                    "no",
                    f"BP-{i + 1:07d}" if i % 20 == 0 and i + 1 < n else "",
                ]
                for i in range(n)
            ),
        )
    if kind == "opening_stock":
        return write(
            path,
            ["part_number", "warehouse", "quantity", "unit_cost", "bin"],
            (
                [f"BP-{i:07d}", "CEN", str(i % 50 + 1 + revision), f"{(i % 300) + 1}.25", f"A-{i % 200:03d}"]
                for i in range(n)
            ),
        )
    if kind == "stock_parameters":
        return write(
            path,
            ["part_number", "warehouse", "min_qty", "max_qty"],
            ([f"BP-{i:07d}", "CEN", str(i % 5 + revision), str(i % 5 + 10 + revision)] for i in range(n)),
        )
    if kind == "demand_history":
        start = date.today() - timedelta(days=360)
        return write(
            path,
            [
                "occurred_at",
                "warehouse",
                "part_number",
                "quantity_requested",
                "quantity_supplied",
                "unit_price",
                "document_ref",
            ],
            (
                [
                    (start + timedelta(days=i % 360)).isoformat(),
                    "CEN",
                    f"BP-{(i * 7) % n:07d}",
                    "2",
                    "1",
                    f"{9.90 + revision:.2f}",
                    f"OLD-{i:07d}",
                ]
                for i in range(n)
            ),
        )
    raise SystemExit(f"unknown kind {kind}")


TARGET_ROWS, TARGET_SECONDS = 100_000, 60.0


def run(kind: str, path: Path, rows: int, label: str) -> float:
    started = time.perf_counter()
    result = manage("import_data", kind, str(path), "--user", "bench", "--no-progress", check=False)
    seconds = time.perf_counter() - started
    if result.returncode:
        print(result.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"{kind} {label} failed")
    print(
        f"{kind:17} {label:9} {rows:>8,} rows {seconds:7.1f} s {rows / seconds:9,.0f} rows/s  {result.stdout.strip()}",
        flush=True,
    )
    if label == "again" and not result.stdout.strip().endswith(f"0 were created, 0 updated, {rows} unchanged."):
        raise SystemExit(f"{kind}: importing the same file again changed something")
    if label == "changed" and not result.stdout.strip().endswith(f"0 were created, {rows} updated, 0 unchanged."):
        raise SystemExit(f"{kind}: the corrected file did not update every row")
    return seconds


def verdict(kind: str, rows: int, first: float, again: float, changed: float) -> str:
    """OK when every run takes under 60 s; only judged for 100,000 rows or more.

    Scaling a smaller run would also multiply the command's start-up (about 3 s).
    """
    times = f"first {first:.1f} s, again {again:.1f} s, changed {changed:.1f} s for {rows:,} rows"
    if rows < TARGET_ROWS:
        return f"target: {kind} {TARGET_ROWS:,} rows in under {TARGET_SECONDS:.0f} s -> not judged ({times})"
    ok = "OK" if max(first, again, changed) < TARGET_SECONDS else "TOO SLOW"
    return f"target: {kind} {TARGET_ROWS:,} rows in under {TARGET_SECONDS:.0f} s -> {ok} ({times})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kinds", default="parts,opening_stock,stock_parameters,demand_history")
    args = parser.parse_args()
    fresh_database()
    verdicts = []
    for kind in args.kinds.split(","):
        path = generate(kind, args.rows)
        first = run(kind, path, args.rows, "first")
        again = run(kind, path, args.rows, "again")
        changed = run(kind, generate(kind, args.rows, revision=1), args.rows, "changed")
        verdicts.append(verdict(kind, args.rows, first, again, changed))
        print(verdicts[-1], flush=True)
        if kind in ("opening_stock", "stock_parameters"):
            ledger = manage("verify_ledger", check=False)
            print(f"verify_ledger after {kind}: {(ledger.stdout + ledger.stderr).strip()[-300:]}", flush=True)
            if ledger.returncode:
                raise SystemExit("the ledger does not verify")
    print("\n".join(["", *verdicts]))


if __name__ == "__main__":
    main()
