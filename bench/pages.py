"""Main screens of each role on the demo data: server time per page (median and slowest of a few visits).

Run against a database that holds the demo (``manage.py load_demo``), for example:

    DATABASE_URL=postgres://parts:parts@127.0.0.1:5432/parts_demo .venv/bin/python bench/pages.py [--repeat 5]

Pages are rendered in-process by Django's test client (no network, no static files), logged in as the
demo's users; the goal is under 300 ms for each main page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = {
    "clerk": [
        "/",
        "/suppliers/receiving/",
        "/inventory/pick-list/",
        "/inventory/stock/",
        "/inventory/counter/",
        "/inventory/issue/",
        "/inventory/bin-moves/",
        "/counting/",
    ],
    "workshop": ["/", "/inventory/requests/new/", "/inventory/requests/", "/inventory/backorders/"],
    "purchaser": ["/", "/suppliers/orders/", "/planning/proposals/", "/suppliers/ratings/"],
    "planner": ["/", "/planning/forecast/", "/inventory/parts/", "/kpis/"],
    "manager": ["/", "/kpis/", "/suppliers/orders/?awaiting_approval=on", "/inventory/movements/"],
    "supplier": ["/suppliers/portal/", "/planning/portal/forecast/"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    users = get_user_model().objects
    slowest_overall = 0.0
    print(f"{'user':10} {'page':45} {'median ms':>10} {'max ms':>8}")
    for username, urls in PAGES.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users.get(username=username))
        for url in urls:
            times = []
            for _ in range(args.repeat + 1):  # the first visit warms the caches and is not counted
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{username} {url}: HTTP {response.status_code}")
            counted = times[1:]
            slowest_overall = max(slowest_overall, statistics.median(counted))
            print(f"{username:10} {url:45} {statistics.median(counted):10.0f} {max(counted):8.0f}")
    print(f"slowest page median: {slowest_overall:.0f} ms (goal < 300 ms)")


if __name__ == "__main__":
    main()
