"""Load test: the app under gunicorn on PostgreSQL, driven from loopback by client threads.

    .venv/bin/python bench/load.py [--seconds 15] [--workers 3] [--parts 100000] [--warehouses 5]

Builds (or reuses) the database ``parts_bench_load`` with 100,000 parts and
500,000 stock levels (each level with its opening receipt in the ledger),
starts gunicorn on 127.0.0.1, and measures, each phase bounded in time:

1. receipt and issue posts at one client, then at four clients;
   (after a few seconds of unmeasured warm-up requests, so that each
   gunicorn worker has loaded its views);
2. a mixed load at four clients: 40 % stock lookups by part number, 20 %
   workshop requests (one line, reserved or backordered), 40 % receipts and
   issues;
3. pages of the stock level list, first and deep (page 5,000 of 500,000 rows);
4. part search by number prefix and by text.

Prints throughput and p50/p95/p99 latency per phase and runs verify_ledger
afterwards. All traffic goes to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inventory.ledger_hash import GENESIS, movement_hash  # noqa: E402 - pure module, after the path is set

PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "parts_bench_load"
DB_URL = f"postgres://parts:parts@127.0.0.1:5432/{DB_NAME}"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
OPENING_QUANTITY = Decimal(1000)
OPENING_COST = Decimal(5)


def sh(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=check, capture_output=True, text=True)


def app_env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="bench-" + "x" * 60,
        DATABASE_URL=DB_URL,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DB_CONN_MAX_AGE="600",
        LOG_LEVEL="ERROR",
    )
    env.pop("REDIS_URL", None)  # postings do not need the broker; side effects run inline
    return env


def ensure_database(parts: int, warehouses: int) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{DB_NAME}" OWNER parts')
    sh(PY, "manage.py", "migrate", "--noinput", "-v0", env=app_env())
    sh(PY, "manage.py", "collectstatic", "--noinput", "-v0", env=app_env())
    url = DB_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        # Reused only when complete: a build stopped half-way leaves levels without their receipts.
        have, receipts = conn.execute(
            "SELECT (SELECT count(*) FROM inventory_stocklevel), (SELECT count(*) FROM inventory_binmovement)"
        ).fetchone()
        if have >= parts * warehouses and receipts >= have:
            print(f"reusing {DB_NAME}: {have:,} stock levels")
            return
        print(f"building {DB_NAME}: {parts:,} parts × {warehouses} warehouses …", flush=True)
        started = time.perf_counter()
        conn.execute("TRUNCATE inventory_stockmovement, inventory_stocklevel, inventory_part CASCADE")
        conn.execute("DELETE FROM inventory_warehouse")
        build(conn, parts=parts, warehouses=warehouses)
        conn.execute("VACUUM ANALYZE")
        print(f"built in {time.perf_counter() - started:.1f} s", flush=True)


def build(conn, *, parts: int, warehouses: int) -> None:
    """Warehouses, parts and a level per pair whose stock came in by one opening receipt.

    Rows as the services write them, so that ``verify_ledger`` proves them after the run: each receipt is
    the first link of its level's hash chain (``inventory.ledger_hash``, hashed here in Python and copied
    in), the level's head is that hash, and the stock lies in no bin (a bin stock and the movement's bin
    entry, both without a bin).
    """
    conn.execute(
        """INSERT INTO inventory_warehouse (code, name, echelon, is_active)
           SELECT 'W' || lpad(g::text, 2, '0'), 'Warehouse ' || g,
                  CASE WHEN g = 1 THEN 'central' ELSE 'store' END, true
           FROM generate_series(1, %s) g""",
        [warehouses],
    )
    conn.execute(
        """INSERT INTO inventory_part (number, number_normalized, description, unit, category, list_price,
                                       is_critical, is_active, created_at)
           SELECT 'B-' || lpad(g::text, 7, '0'), 'B' || lpad(g::text, 7, '0'),
                  (ARRAY['Oil filter','Brake pad set','Wiper blade','Spark plug','Air filter','Headlamp bulb',
                         'Timing belt','Water pump','Cabin filter','Brake disc'])[1 + g %% 10] || ' type ' || g,
                  'PCS', 'Bench', 10 + (g %% 200), false, true, now()
           FROM generate_series(1, %s) g""",
        [parts],
    )
    user_id = _bench_user(conn)
    at = datetime.now(UTC)
    receipt = {
        "kind": "receipt",
        "quantity": OPENING_QUANTITY,
        "unit_cost": OPENING_COST,
        "value": OPENING_QUANTITY * OPENING_COST,
        "user_id": user_id,
        "posted_at": at,
        "document_type": "opening",
        "document_ref": "BENCH",
        "reason": "",
    }
    pairs = conn.execute(
        "SELECT p.id, w.id FROM inventory_part p CROSS JOIN inventory_warehouse w ORDER BY w.id, p.id"
    ).fetchall()
    columns = ["part_id", "warehouse_id", *receipt, "hash"]
    with (
        conn.cursor() as cursor,
        cursor.copy(f"COPY inventory_stockmovement ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for part_id, warehouse_id in pairs:
            values = receipt | {"part_id": part_id, "warehouse_id": warehouse_id}
            copy.write_row([part_id, warehouse_id, *receipt.values(), movement_hash(GENESIS, values)])
    conn.execute(
        """INSERT INTO inventory_stocklevel (part_id, warehouse_id, on_hand, reserved, quarantined, in_transit,
               backordered, value, average_cost, min_qty, max_qty, first_stocked_at, last_movement_at,
               last_hash)
           SELECT part_id, warehouse_id, quantity, 0, 0, 0, 0, value, unit_cost, 0, 0, posted_at, posted_at, hash
           FROM inventory_stockmovement"""
    )
    conn.execute(
        """INSERT INTO inventory_binstock (part_id, warehouse_id, bin_id, quantity)
           SELECT part_id, warehouse_id, NULL, on_hand FROM inventory_stocklevel"""
    )
    conn.execute(
        """INSERT INTO inventory_binmovement (part_id, warehouse_id, bin_id, quantity, movement_id)
           SELECT part_id, warehouse_id, NULL, quantity, id FROM inventory_stockmovement"""
    )


def _bench_user(conn) -> int:
    row = conn.execute("SELECT id FROM auth_user WHERE username = 'bench'").fetchone()
    if row:
        return row[0]
    return conn.execute(
        """INSERT INTO auth_user (username, password, is_superuser, first_name, last_name, email, is_staff,
                                  is_active, date_joined)
           VALUES ('bench', '!', false, '', '', '', false, true, now()) RETURNING id"""
    ).fetchone()[0]


def bench_token() -> str:
    url = DB_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        user_id = _bench_user(conn)
        for role in ("clerk", "manager", "workshop"):
            conn.execute(
                """INSERT INTO auth_user_groups (user_id, group_id)
                   SELECT %s, id FROM auth_group WHERE name = %s ON CONFLICT DO NOTHING""",
                [user_id, role],
            )
        row = conn.execute("SELECT key FROM authtoken_token WHERE user_id = %s", [user_id]).fetchone()
        if row:
            return row[0]
        key = os.urandom(20).hex()
        conn.execute("INSERT INTO authtoken_token (key, user_id, created) VALUES (%s, %s, now())", [key, user_id])
        return key


def ids(query: str) -> list[int]:
    url = DB_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute(query)]


class Client:
    def __init__(self, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, float]:
        started = time.perf_counter()
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=self.headers)
        response = self.conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000


def run_phase(name: str, clients: int, seconds: float, token: str, make_request, max_requests: int = 200_000) -> dict:
    latencies: list[float] = []
    errors: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(max_requests))

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        client = Client(token)
        local, local_errors = [], {}
        while time.perf_counter() < deadline:
            if next(counter, None) is None:
                break
            method, path, body, expected = make_request(rng)
            status, ms = client.call(method, path, body)
            local.append(ms)
            if status not in expected:
                local_errors[status] = local_errors.get(status, 0) + 1
        with lock:
            latencies.extend(local)
            for status, count in local_errors.items():
                errors[status] = errors.get(status, 0) + count

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    result = {
        "phase": name,
        "clients": clients,
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "p50": _pct(latencies, 50),
        "p95": _pct(latencies, 95),
        "p99": _pct(latencies, 99),
        "errors": errors,
    }
    print(
        f"{name:<34} clients={clients} n={result['requests']:>6} {result['rate']:8.1f}/s  "
        f"p50={result['p50']:6.1f} ms p95={result['p95']:6.1f} ms p99={result['p99']:6.1f} ms"
        + (f"  unexpected={errors}" if errors else ""),
        flush=True,
    )
    return result


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of unmeasured requests first")
    parser.add_argument("--parts", type=int, default=100_000)
    parser.add_argument("--warehouses", type=int, default=5)
    args = parser.parse_args()

    ensure_database(args.parts, args.warehouses)
    token = bench_token()
    part_ids = ids("SELECT id FROM inventory_part ORDER BY id LIMIT 20000")
    warehouse_ids = ids("SELECT id FROM inventory_warehouse ORDER BY id")
    numbers = [f"B-{i:07d}" for i in range(1, 20001)]

    server = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=app_env(),
    )
    try:
        _wait_for_server()

        def post(rng):
            kind = rng.random()
            body = {"part": rng.choice(part_ids), "warehouse": rng.choice(warehouse_ids), "quantity": "1"}
            if kind < 0.5:
                body["unit_cost"] = "5.0000"
                return "POST", "/api/v1/stock/receipts/", body, {201}
            return "POST", "/api/v1/stock/issues/", body, {201, 409}

        def workshop_request(rng):
            warehouse = rng.choice(warehouse_ids)
            body = {
                "warehouse": warehouse,
                # a repair order belongs to one store: its number says which
                "repair_order": f"RO-BENCH-{warehouse}-{rng.randint(1, 10_000)}",
                "lines": [{"part": rng.choice(numbers), "quantity": "1"}],
            }
            return "POST", "/api/v1/workshop-requests/", body, {201}

        def mixed(rng):
            roll = rng.random()
            if roll < 0.4:
                return "GET", f"/api/v1/parts/lookup/?number={rng.choice(numbers)}", None, {200}
            if roll < 0.6:
                return workshop_request(rng)
            return post(rng)

        # Warm every worker first (its first requests import views, build URL and schema caches):
        # a server that has run for a minute, as in production; not counted.
        run_phase("warm-up (not counted)", 4, args.warmup, token, mixed)
        results = [
            run_phase("stock posts (receipt/issue)", 1, args.seconds, token, post),
            run_phase("stock posts (receipt/issue)", 4, args.seconds, token, post),
            run_phase("mixed lookups, requests, posts", 4, args.seconds, token, mixed),
            run_phase(
                "stock level list, page 1",
                1,
                args.seconds / 3,
                token,
                lambda rng: ("GET", "/api/v1/stock-levels/?page_size=50", None, {200}),
            ),
            run_phase(
                "stock level list, deep pages",
                1,
                args.seconds / 3,
                token,
                lambda rng: ("GET", f"/api/v1/stock-levels/?page_size=50&page={rng.randint(4000, 9999)}", None, {200}),
            ),
            run_phase(
                "part search by number prefix",
                1,
                args.seconds / 3,
                token,
                lambda rng: ("GET", f"/api/v1/parts/?q=B-{rng.randint(10, 99)}", None, {200}),
            ),
            run_phase(
                "part search by text",
                1,
                args.seconds / 3,
                token,
                lambda rng: ("GET", f"/api/v1/parts/?q=type%20{rng.randint(1000, 9999)}", None, {200}),
            ),
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)

    verify = sh(PY, "manage.py", "verify_ledger", env=app_env(), check=False)
    print(verify.stdout.strip() or verify.stderr.strip().splitlines()[-1])
    Path(ROOT / "bench" / ".data").mkdir(exist_ok=True)
    (ROOT / "bench" / ".data" / "load.json").write_text(json.dumps(results, indent=2))
    return verify.returncode


def _wait_for_server() -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


if __name__ == "__main__":
    sys.exit(main())
