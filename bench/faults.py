"""PostgreSQL restarted under load: requests fail cleanly, the service recovers, nothing is half-posted.

    .venv/bin/python bench/faults.py [--seconds 20] [--clients 4] [--restart-at 8] [--force]

Reuses bench/load.py's database (``parts_bench_load``) and gunicorn start-up.
Four client threads post receipts and issues (each with its own
Idempotency-Key) for ``--seconds``; ``--restart-at`` seconds in, the local
PostgreSQL cluster is restarted with ``pg_ctlcluster``. Printed afterwards:

- the requests that failed during the restart, by answer (HTTP status or
  connection error) — they must be 5xx or connection errors, never a 2xx
  that did not post, nor a posting without its answer being a retryable error;
- time to recovery: from the restart command to the first successful post;
- throughput before the restart and after recovery;
- every key answered 201 has exactly one movement; every failed key is then
  retried with the same key (as a client should) and again checked;
- ``verify_ledger`` on the whole database at the end.

The restart hits every database on the server, so the script first waits
(``--wait-quiet`` seconds) until no other database has an active query, and
refuses to go on otherwise unless ``--force`` is given. Loopback only; every
loop is bounded in time and in requests. Not part of ``make test``: ``make faults``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # bench/load.py: database, token and gunicorn start-up

MAX_REQUESTS_PER_CLIENT = 50_000


def cluster_version() -> str:
    """The version of the 'main' cluster from pg_lsclusters (e.g. '15')."""
    lines = subprocess.run(["pg_lsclusters", "--no-header"], check=True, capture_output=True, text=True).stdout
    for line in lines.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[1] == "main":
            return fields[0]
    raise SystemExit("no 'main' cluster in pg_lsclusters")


def other_active_sessions() -> list[tuple[str, int]]:
    with psycopg.connect(load.ADMIN_URL, autocommit=True) as admin:
        return admin.execute(
            """SELECT datname, count(*) FROM pg_stat_activity
               WHERE state = 'active' AND pid <> pg_backend_pid() AND datname IS NOT NULL
                 AND datname NOT IN (%s, 'postgres')
               GROUP BY datname ORDER BY datname""",
            [load.DB_NAME],
        ).fetchall()


def wait_until_quiet(seconds: float, force: bool) -> None:
    deadline = time.monotonic() + seconds
    while True:
        busy = other_active_sessions()
        if not busy:
            return
        if time.monotonic() >= deadline:
            message = f"other databases are busy ({busy}); a restart would break their work"
            if force:
                print(f"warning: {message}; going on (--force)")
                return
            raise SystemExit(message + "; rerun later or with --force")
        time.sleep(2)


class Outcome:
    __slots__ = ("answer", "body", "done", "key", "kind", "sent")

    def __init__(self, key: str, kind: str, body: dict, sent: float, done: float, answer: str) -> None:
        self.key, self.kind, self.body, self.sent, self.done, self.answer = key, kind, body, sent, done, answer

    @property
    def ok(self) -> bool:
        return self.answer in ("201", "409")  # 409: an issue refused for want of stock, a clean answer


def post(token: str, path: str, body: dict, key: str, conn_box: list) -> str:
    """One POST; the answer as the status code, or the connection error's class name."""
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Idempotency-Key": key}
    try:
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection("127.0.0.1", load.PORT, timeout=30)
        conn_box[0].request("POST", path, body=json.dumps(body), headers=headers)
        response = conn_box[0].getresponse()
        response.read()
        if response.getheader("Connection", "").lower() == "close":
            conn_box[0].close()
            conn_box[0] = None
        return str(response.status)
    except (OSError, http.client.HTTPException) as error:
        if conn_box[0] is not None:
            conn_box[0].close()
        conn_box[0] = None
        return type(error).__name__


def drive(token, part_ids, warehouse_ids, prefix, clients, seconds, started) -> list[Outcome]:
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    deadline = started + seconds

    def client(number: int) -> None:
        rng = random.Random(number)
        conn_box: list = [None]
        mine: list[Outcome] = []
        for n in range(MAX_REQUESTS_PER_CLIENT):
            now = time.perf_counter()
            if now >= deadline:
                break
            body = {"part": rng.choice(part_ids), "warehouse": rng.choice(warehouse_ids), "quantity": "1"}
            if rng.random() < 0.5:
                kind, path = "receipt", "/api/v1/stock/receipts/"
                body["unit_cost"] = "5.0000"
            else:
                kind, path = "issue", "/api/v1/stock/issues/"
            key = f"{prefix}-{number}-{n}"
            answer = post(token, path, body, key, conn_box)
            mine.append(Outcome(key, kind, body, now - started, time.perf_counter() - started, answer))
            if answer not in ("201", "409"):
                time.sleep(0.05)  # a failing server is not hammered in a tight loop
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return sorted(outcomes, key=lambda o: o.sent)


def movements_per_key(prefix: str) -> Counter:
    with psycopg.connect(load.DB_URL.replace("postgres://", "postgresql://")) as conn:
        rows = conn.execute(
            "SELECT idempotency_key, count(*) FROM inventory_stockmovement WHERE idempotency_key LIKE %s GROUP BY 1",
            [prefix + "-%"],
        ).fetchall()
    return Counter(dict(rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--restart-at", type=float, default=8, help="seconds into the load (default 8)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--parts", type=int, default=100_000, help="as bench/load.py (reuses its database)")
    parser.add_argument("--warehouses", type=int, default=5)
    parser.add_argument("--wait-quiet", type=float, default=120)
    parser.add_argument("--force", action="store_true", help="restart even if other databases are busy")
    args = parser.parse_args()

    version = cluster_version()
    load.ensure_database(args.parts, args.warehouses)
    token = load.bench_token()
    part_ids = load.ids("SELECT id FROM inventory_part ORDER BY id LIMIT 20000")
    warehouse_ids = load.ids("SELECT id FROM inventory_warehouse ORDER BY id")
    prefix = f"fault-{uuid.uuid4().hex[:8]}"

    wait_until_quiet(args.wait_quiet, args.force)
    server = subprocess.Popen(
        [load.GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{load.PORT}", "--workers",
         str(args.workers), "--worker-class", "sync", "--log-level", "warning"],
        cwd=load.ROOT, env=load.app_env(),
    )  # fmt: skip
    restart: dict = {}
    try:
        load._wait_for_server()
        started = time.perf_counter()

        def restarter() -> None:
            time.sleep(args.restart_at)
            restart["begin"] = time.perf_counter() - started
            done = subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            restart["end"] = time.perf_counter() - started
            restart["rc"] = done.returncode
            restart["output"] = (done.stdout + done.stderr).strip()

        thread = threading.Thread(target=restarter)
        thread.start()
        outcomes = drive(token, part_ids, warehouse_ids, prefix, args.clients, args.seconds, started)
        thread.join(timeout=150)
        if restart.get("rc") != 0:
            print(f"pg_ctlcluster failed: {restart}")
            return 2

        # What the failed requests left behind, then clients retry them with the same keys.
        before_retry = movements_per_key(prefix)
        failed = [o for o in outcomes if not o.ok]
        retried: Counter = Counter()
        conn_box: list = [None]
        for outcome in failed:
            path = "/api/v1/stock/receipts/" if outcome.kind == "receipt" else "/api/v1/stock/issues/"
            retried[post(token, path, outcome.body, outcome.key, conn_box)] += 1
    finally:
        server.terminate()
        server.wait(timeout=30)

    report(outcomes, restart, prefix, retried, before_retry)
    verify = load.sh(load.PY, "manage.py", "verify_ledger", env=load.app_env(), check=False)
    print("verify_ledger:", verify.stdout.strip() or verify.stderr.strip().splitlines()[-1])
    return 1 if verify.returncode or report.problems else 0


def report(outcomes: list[Outcome], restart: dict, prefix: str, retried: Counter, before_retry: Counter) -> None:
    problems = []
    begin, end = restart["begin"], restart["end"]
    answers = Counter(o.answer for o in outcomes)
    failed = [o for o in outcomes if not o.ok]
    unclean = [o for o in failed if o.answer.isdigit() and not o.answer.startswith("5")]
    if unclean:
        problems.append(f"{len(unclean)} failures were not 5xx/connection errors: {Counter(o.answer for o in unclean)}")
    before = [o for o in outcomes if o.ok and o.done < begin]
    first_failure = min((o.sent for o in failed), default=None)
    last_failure = max((o.done for o in failed), default=None)
    recovered = min((o.done for o in outcomes if o.ok and o.sent >= (last_failure or begin)), default=None)
    after = [o for o in outcomes if o.ok and recovered is not None and o.sent >= recovered]
    span_after = max((o.done for o in after), default=0) - (recovered or 0)

    clients = len({o.key.rsplit("-", 1)[0] for o in outcomes})
    print(f"\nPostgreSQL restart under load: {len(outcomes):,} posts from {clients} clients")
    print(f"  restart command      +{begin:.2f} s … +{end:.2f} s ({end - begin:.2f} s)")
    print(f"  answers              {dict(sorted(answers.items()))}")
    if failed:
        print(f"  failed requests      {len(failed)} between +{first_failure:.2f} s and +{last_failure:.2f} s: "
              f"{dict(Counter(o.answer for o in failed))}")  # fmt: skip
    if recovered is None:
        problems.append("no successful post after the restart")
    else:
        print(f"  time to recovery     {recovered - begin:.2f} s after the restart began "
              f"({recovered - end:+.2f} s after pg_ctlcluster returned)")  # fmt: skip
    print(f"  throughput before    {len(before) / begin:.0f} posts/s")
    if after and span_after > 0:
        print(f"  throughput after     {len(after) / span_after:.0f} posts/s")

    counts = movements_per_key(prefix)
    created = [o for o in outcomes if o.answer == "201"]
    missing = [o.key for o in created if counts.get(o.key) != 1]
    if missing:
        problems.append(f"{len(missing)} keys answered 201 without exactly one movement: {missing[:5]}")
    print(f"  201 answers          {len(created):,}; each has exactly one movement: {not missing}")
    posted_anyway = [o.key for o in failed if before_retry.get(o.key)]
    print(f"  failed requests retried with the same key: {dict(retried)}; "
          f"{len(posted_anyway)} of the failed had posted before the answer was lost")  # fmt: skip
    doubled = [key for key, count in counts.items() if count != 1]
    if doubled:
        problems.append(f"{len(doubled)} keys with more than one movement: {doubled[:5]}")
    expected = {o.key for o in outcomes if o.answer == "201"} | {o.key for o in failed}
    print(f"  movements under this run's keys: {sum(counts.values()):,} for {len(expected):,} keys posted or retried "
          f"(issues refused with 409 post nothing); no key twice: {not doubled}")  # fmt: skip
    for problem in problems:
        print("  PROBLEM:", problem)
    report.problems = problems


report.problems = []  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
