"""Load the demo dealer: network, parts, users and 24 months of history through the services."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from demo.builders.catalogue import build_parts
from demo.builders.history import HistoryBuilder
from demo.builders.history_sets import SetBasedHistoryBuilder
from demo.builders.network import build_network
from demo.builders.suppliers import build_suppliers, suppliers_publish_contacts
from demo.builders.today import desk_prepare
from demo.builders.users import build_users, password_hashes, users_publish_emails
from demo.profiles import generate_catalogue, generate_demand
from inventory.models import Part, Warehouse


class Command(BaseCommand):
    help = (
        "Load the demo data set: 6 warehouses, about 2,000 parts, a user per role and "
        "24 months of receipts, issues and demand hits up to yesterday. Deterministic for a seed."
    )

    def _close_months(self, start, today) -> None:
        """Close every finished month of the history, oldest first, so the dashboard has every month.

        Through the ``close_month`` command: nothing imports ``kpis``.
        """
        month = date(start.year, start.month, 1)
        last = date(today.year, today.month, 1)
        self.stdout.write("Closing the history's months for the dashboard:")
        while month < last:
            began = time.monotonic()
            call_command("close_month", f"{month:%Y-%m}", stdout=StringIO())
            self.stdout.write(f"  closed {month:%Y-%m} ({time.monotonic() - began:.1f} s)")
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--months", type=int, default=24, help="Months of history before today (default 24).")
        parser.add_argument("--parts", type=int, default=2000, help="Number of parts (default 2000).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when parts already exist (used by `make run`)."
        )
        parser.add_argument(
            "--no-close",
            action="store_true",
            help="Do not close the history's months, rate the suppliers or prepare today's work.",
        )
        parser.add_argument(
            "--per-posting",
            action="store_true",
            help="Post the whole history document by document through the services (slow; the services' own "
            "test) instead of writing the imported months set-based.",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The day the history leads up to, YYYY-MM-DD (default: today). The same seed, part count "
            "and day give the same demo, so a pinned day makes a load reproducible.",
        )

    def handle(self, *args, **options):
        # The demo's closes and today's work send the mails a real month would (close reports, digests).
        # They are kept in memory and counted, not printed over the load's progress or sent to anyone.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            self._load(*args, **options)
            if mail.outbox:
                self.stdout.write(f"  mails the month would have sent (not sent): {len(mail.outbox):,}")
            mail.outbox = []

    def _load(
        self,
        *args,
        seed: int,
        months: int,
        parts: int,
        if_empty: bool,
        no_close: bool = False,
        per_posting: bool = False,
        today: date | None = None,
        **options,
    ):
        if Part.objects.exists() or Warehouse.objects.exists():
            if if_empty:
                self.stdout.write("Demo data not loaded: the database already holds parts or warehouses.")
                return
            raise CommandError(
                "The database already holds parts or warehouses; load the demo into an empty database "
                "(or pass --if-empty to skip quietly)."
            )
        if not 1 <= months <= 60:
            raise CommandError("--months must be between 1 and 60.")
        if parts < 10:
            raise CommandError("--parts must be at least 10.")

        started = time.monotonic()
        if today is not None and today > timezone.localdate():
            raise CommandError("--today cannot be in the future: the history leads up to it.")
        today = today or timezone.localdate()
        write = self.stdout.write
        lap = [started]

        def took() -> str:
            """Seconds since the previous step ended: each step's line shows its own time."""
            now = time.monotonic()
            seconds, lap[0] = now - lap[0], now
            return f" ({seconds:.1f} s)"

        # The slow password hashes are made in a thread while the history loads (hashing releases the GIL).
        hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-passwords")
        hashes = hashing.submit(password_hashes)
        write(f"Generating {parts:,} parts and {months} months of demand (seed {seed}, today {today})…")
        catalogue = generate_catalogue(seed=seed, parts=parts, today=today, months=months)
        documents = generate_demand(catalogue)
        lines = sum(len(d.lines) for d in documents)
        write(f"  {len(documents):,} demand documents with {lines:,} lines from {catalogue.start} to yesterday{took()}")

        with transaction.atomic():
            warehouses, bins = build_network()
            users = build_users(warehouses, hashes={})
            bin_count = sum(len(b) for b in bins.values())
            write(f"Network: {len(warehouses)} warehouses, {bin_count:,} bins; {len(users)} users{took()}")
            part_rows = build_parts(catalogue)
        write(f"Catalogue: {len(part_rows):,} parts{took()}")

        with transaction.atomic():
            suppliers = build_suppliers(catalogue, part_rows, users["supplier"])
        offers = sum(len(p.offers) for p in catalogue.parts)
        write(f"Suppliers: {len(suppliers)} with {offers:,} supplier parts{took()}")

        if per_posting:
            write("Posting the history through the services, one transaction per week:")
        else:
            write("History: simulated in memory by the ledger's rules, then written with COPY:")
        builder = HistoryBuilder if per_posting else SetBasedHistoryBuilder
        history = builder(
            catalogue=catalogue,
            documents=documents,
            parts=part_rows,
            warehouses=warehouses,
            bins=bins,
            users=users,
            suppliers=suppliers,
            seed=seed,
            write=write,
        )
        # Query logging (on under DEBUG) would keep and format every one of the
        # half a million statements of a full load; the loader runs without it.
        with override_settings(DEBUG=False):
            stats = history.run()
            limits = history.finish()
        write(f"History posted{took()}")
        with transaction.atomic():
            suppliers_publish_contacts(suppliers)
            users_publish_emails(users, hashes.result())
        hashing.shutdown()

        elapsed = time.monotonic() - started
        counts = stats.counts
        first_pick = stats.first_pick()
        fill = stats.supplied / stats.requested if stats.requested else 0
        orders = counts["stock order lines"] + counts["emergency order lines"]
        emergency = counts["emergency order lines"] / orders if orders else 0
        summary = [
            ("parts", f"{len(part_rows):,} ({counts['supersessions']} superseded during the history)"),
            ("stocked part-warehouse pairs (min/max set)", f"{limits:,}"),
            ("demand hits", f"{counts['demand hits']:,}"),
            ("workshop requests / counter sales", f"{counts['workshop requests']:,} / {counts['counter sales']:,}"),
            ("first-pick availability (workshop lines)", "-" if first_pick is None else f"{first_pick:.1%}"),
            ("instant fill rate (quantity)", f"{fill:.1%}"),
            ("purchase orders stock / emergency", f"{counts['stock orders']:,} / {counts['emergency orders']:,}"),
            (
                "order lines stock / emergency",
                f"{counts['stock order lines']:,} / {counts['emergency order lines']:,} ({emergency:.0%} emergency)",
            ),
            ("goods receipts (lines)", f"{counts['goods receipts']:,} ({counts['receipt lines']:,})"),
            ("transfers between warehouses", f"{counts['transfers']:,}"),
            (
                "quality holds (released / rejected)",
                f"{counts['quality holds']} ({counts['quality releases']} / {counts['quality rejects']})",
            ),
            ("scrapped obsolete lots", f"{counts['scraps']}"),
            ("time", f"{elapsed:.0f} s"),
        ]
        if not no_close:
            self._close_months(catalogue.start, today)
            write(f"Months closed{took()}")
            write("Today's work:")
            with override_settings(DEBUG=False):
                desk_prepare(users=users, warehouses=warehouses, first=catalogue.start, today=today, write=write)
            summary.append(("time with close and today's work", f"{time.monotonic() - started:.0f} s"))
        write(self.style.SUCCESS("Demo data loaded."))
        width = max(len(label) for label, _ in summary)
        for label, value in summary:
            write(f"  {label:<{width}}  {value}")
        write("Logins: python manage.py demo_logins")
