"""Print the demo users, their passwords and roles (``make run`` shows this table)."""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from demo.logins import DEMO_LOGINS


class Command(BaseCommand):
    help = "List the demo logins (username, password, role, warehouses) that exist in this database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default=os.environ.get("DEMO_URL", "http://127.0.0.1:8000/"),
            help="The address the server answers on, printed above the table (default: $DEMO_URL or port 8000).",
        )

    def handle(self, *args, url: str, **options):
        existing = set(
            get_user_model()
            .objects.filter(username__in=[login.username for login in DEMO_LOGINS])
            .values_list("username", flat=True)
        )
        rows = [login for login in DEMO_LOGINS if login.username in existing]
        if not rows:
            self.stdout.write("No demo users here; load them with: python manage.py load_demo")
            return
        header = ("username", "password", "role", "warehouses", "what for")
        table = [header] + [
            (login.username, login.password, login.role, ", ".join(login.warehouses) or "all", login.note)
            for login in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        self.stdout.write(f"Demo logins ({url}):")
        for index, row in enumerate(table):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
