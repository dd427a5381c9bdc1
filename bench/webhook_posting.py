"""Benchmark: stock postings with three active webhook subscriptions against the same postings with none.

    source scripts/test_env.sh && .venv/bin/python bench/webhook_posting.py [--n 2000] [--parts 500]

Needs PostgreSQL and Redis (REDIS_URL): the events go the way they go in
production, an outbox row in the posting's transaction and, at most once a
second, a message to the broker that wakes the collector. No worker runs, so
the figure is the cost a subscription adds to a posting, not the delivery
(which happens on the ``webhooks`` queue, away from postings); the queued
messages are removed at the end. Uses the database ``parts_bench`` (dropped and re-created, like
bench/posting.py).

With ``--api`` the receipts go through the whole request path (token
authentication, serializer, view, service) in-process, as clients post them.

With ``--async-commit`` the session commits without waiting for the WAL flush
(``synchronous_commit = off``): the figure is then the work of a posting, not
the disk's flush time, which on a shared machine can be several milliseconds
and swings with other people's writes. Both sides run the same way.

Beside the wall-clock rates it prints the CPU time per receipt, of this process
and of its PostgreSQL backend (read from ``/proc``, so only with the server on
the same machine): on a machine shared with other work the wall clock mostly
measures the others, the CPU time only this work.

The two sides take turns, a chunk of receipts each, into two warehouses:
before each chunk the three subscriptions (all wanting ``stock.changed``)
are switched on or off. The last line is the ratio with ÷ without; the goal
is at least 0.90.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from posting import reset_database, setup_django, workload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="receipts per side (default 2000)")
    parser.add_argument("--parts", type=int, default=500, help="distinct parts (default 500)")
    parser.add_argument("--chunk", type=int, default=100, help="receipts per turn of each side (default 100)")
    parser.add_argument(
        "--api", action="store_true", help="post through the API (in-process test client) instead of the service"
    )
    parser.add_argument(
        "--async-commit", action="store_true", help="commit without waiting for the WAL flush (both sides)"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to PostgreSQL (source scripts/test_env.sh).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the events are dispatched to the broker as in production.")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.setdefault("DB_CONN_MAX_AGE", "3600")  # one backend for the run, so its CPU time can be read
    if args.async_commit:  # every connection of this process (libpq reads PGOPTIONS)
        os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c synchronous_commit=off".strip()
    setup_django(reset_database(url))

    from django.contrib.auth import get_user_model

    from core.models import OutboxMessage
    from inventory import services
    from inventory.models import Echelon, Part, Warehouse
    from inventory.selectors import ledger_differences
    from webhooks import services as webhooks
    from webhooks.models import WebhookSubscription

    user = get_user_model().objects.create_user("bench", password=None, is_superuser=True)
    without_wh = Warehouse.objects.create(code="OFF", name="No subscriptions", echelon=Echelon.CENTRAL)
    with_wh = Warehouse.objects.create(code="ON", name="Three subscriptions", echelon=Echelon.CENTRAL)
    parts = Part.objects.bulk_create(
        [
            Part(number=f"B-{i:05d}", number_normalized=f"B{i:05d}", description=f"Bench part {i}")
            for i in range(args.parts)
        ]
    )
    for n in range(3):
        webhooks.webhook_subscription_create(
            name=f"Partner {n}",
            target_url=f"http://127.0.0.1:9/partner-{n}",
            kinds=["stock.changed", "purchase_order.sent"],
            user=user,
        )
    work = workload(args.n, args.parts)

    def switch(on: bool) -> None:
        WebhookSubscription.objects.update(is_active=on)
        webhooks._forget_active_kinds()

    from django.test import Client
    from rest_framework.authtoken.models import Token

    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}", HTTP_HOST="localhost")

    from django.db import connection

    ticks = os.sysconf("SC_CLK_TCK")

    def backend_cpu() -> float:
        """Seconds of CPU the PostgreSQL backend used so far (0 when it is not on this machine)."""
        connection.ensure_connection()
        try:
            stat = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    cpu = {True: [0.0, 0.0], False: [0.0, 0.0]}  # (this process, backend) per side

    def run(chunk, warehouse) -> float:
        side = cpu[warehouse == with_wh]
        python_start, backend_start = time.process_time(), backend_cpu()
        start = time.perf_counter()
        for index, quantity, cost in chunk:
            if args.api:
                body = {
                    "part": parts[index].pk,
                    "warehouse": warehouse.pk,
                    "quantity": str(quantity),
                    "unit_cost": str(cost),
                }
                answer = client.post("/api/v1/stock/receipts/", body, content_type="application/json")
                if answer.status_code != 201:
                    sys.exit(f"API answered {answer.status_code}: {answer.content[:300]!r}")
                continue
            services.stock_receive(
                part=parts[index], warehouse=warehouse, quantity=quantity, unit_cost=cost, user=user, document_ref="B"
            )
        elapsed = time.perf_counter() - start
        side[0] += time.process_time() - python_start
        side[1] += backend_cpu() - backend_start
        return elapsed

    # Warm up both sides (first queries, the Celery task registry) before anything is timed.
    warm_up = workload(50, args.parts)
    switch(False)
    run(warm_up, without_wh)
    switch(True)
    run(warm_up, with_wh)
    OutboxMessage.objects.filter(task_name=webhooks.FAN_OUT_TASK).delete()
    cpu = {True: [0.0, 0.0], False: [0.0, 0.0]}

    without_seconds = with_seconds = 0.0
    for start in range(0, args.n, args.chunk):
        chunk = work[start : start + args.chunk]
        switch(False)
        without_seconds += run(chunk, without_wh)
        switch(True)
        with_seconds += run(chunk, with_wh)

    total = OutboxMessage.objects.filter(task_name=webhooks.FAN_OUT_TASK).count()
    differences = ledger_differences()

    import redis
    from django.conf import settings

    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(settings.WEBHOOKS_QUEUE)

    without_rate, with_rate = args.n / without_seconds, args.n / with_seconds
    how = "through the API" if args.api else "through the service"
    if args.async_commit:
        how += ", synchronous_commit off"
    print(f"PostgreSQL + Redis, {args.n} receipts {how} per side over {args.parts} parts, in turns of {args.chunk}")
    print(f"no subscription:     {without_seconds:7.2f} s  {without_rate:8.0f} receipts/s")
    print(f"three subscriptions: {with_seconds:7.2f} s  {with_rate:8.0f} receipts/s")
    for label, on in (("no subscription:    ", False), ("three subscriptions:", True)):
        python_cpu, backend = (seconds / args.n * 1e6 for seconds in cpu[on])
        total_cpu = python_cpu + backend
        print(f"{label} CPU per receipt {total_cpu:6.0f} µs (Python {python_cpu:.0f}, PostgreSQL {backend:.0f})")
    print(f"events recorded in the outbox: {total}; ledger differences: {len(differences)}")
    if total != args.n or differences:
        sys.exit("Every posting with subscriptions must record exactly one outbox row of events.")
    if sum(cpu[False]):
        print(f"CPU ratio without/with: {sum(cpu[False]) / sum(cpu[True]):.2f}")
    print(f"ratio with/without: {with_rate / without_rate:.2f}")


if __name__ == "__main__":
    main()
