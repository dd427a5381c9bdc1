"""Benchmark: a 200-line purchase order and a 200-line pick list rendered to PDF, end to end.

    createdb -h 127.0.0.1 -U postgres -O parts parts_bench_documents   # once
    DATABASE_URL=postgres://parts:parts@127.0.0.1:5432/parts_bench_documents \\
        .venv/bin/python bench/documents.py [--lines 200] [--rounds 7]

Migrates the database, builds the order and the workshop request inside a
transaction that is rolled back at the end, then renders each document
``--rounds`` times through the same function the views and the mail use
(queries, layout, barcodes, embedded CJK font subset). Prints the first
render (which also loads the font), the median and the worst of the rest.
The goal is under a second for 200 lines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from documents.documents import document_pdf
    from inventory.models import Bin, Part, RepairOrder, StockLevel, Warehouse, WorkshopRequest, WorkshopRequestLine
    from suppliers.models import PurchaseOrder, PurchaseOrderLine, Supplier

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            user = get_user_model().objects.create(username="bench-documents")
            warehouse = Warehouse.objects.create(code="BENCHDOC", name="Bench warehouse", echelon="central")
            supplier = Supplier.objects.create(code="BENCHSUP", name="广州汽配 Bench supplier")
            parts = Part.objects.bulk_create(
                Part(number=f"BD-{i:06d}", number_normalized=f"BD{i:06d}", description=f"刹车片 前轮 brake pad {i}")
                for i in range(args.lines)
            )
            bins = Bin.objects.bulk_create(
                Bin(warehouse=warehouse, code=f"{chr(65 + i % 20)}-{i:03d}") for i in range(args.lines)
            )
            StockLevel.objects.bulk_create(
                StockLevel(part=p, warehouse=warehouse, default_bin=b) for p, b in zip(parts, bins, strict=True)
            )
            order = PurchaseOrder.objects.create(
                number="PO-BENCH-1", supplier=supplier, warehouse=warehouse, created_by=user
            )
            PurchaseOrderLine.objects.bulk_create(
                PurchaseOrderLine(
                    order=order,
                    line_no=i + 1,
                    part=p,
                    supplier_part_number=f"SUP-{i}",
                    quantity=Decimal(3),
                    price=Decimal("12.34"),
                )
                for i, p in enumerate(parts)
            )
            now = timezone.now()
            repair_order = RepairOrder.objects.create(number="RO-BENCH", warehouse=warehouse, opened_at=now)
            request = WorkshopRequest.objects.create(
                repair_order=repair_order, warehouse=warehouse, created_at=now, requested_by=user
            )
            WorkshopRequestLine.objects.bulk_create(
                WorkshopRequestLine(
                    request=request,
                    requested_part=p,
                    part=p,
                    quantity_requested=Decimal(2),
                    quantity_supplied=Decimal(2),
                    unit_price=Decimal(10),
                )
                for p in parts
            )
            for kind, number in (("po", order.number), ("picklist", request.number)):
                times, size = [], 0
                for _round in range(args.rounds):
                    start = time.perf_counter()
                    size = len(document_pdf(kind=kind, number=number))
                    times.append(time.perf_counter() - start)
                rest = times[1:]
                print(
                    f"{kind:9} {args.lines} lines: first {times[0] * 1000:.0f} ms, "
                    f"median {statistics.median(rest) * 1000:.0f} ms, worst {max(rest) * 1000:.0f} ms, "
                    f"{size // 1024} KiB"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
