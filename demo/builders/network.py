"""Warehouses, neighbours and bins: master data, created directly (no service owns them)."""

from __future__ import annotations

from inventory.models import Bin, Warehouse, WarehouseNeighbour

from ..profiles import NEIGHBOURS, NETWORK, bin_codes


def build_network() -> tuple[dict[str, Warehouse], dict[str, list[Bin]]]:
    """The six warehouses (parents before children), neighbours both ways, and their bins."""
    warehouses: dict[str, Warehouse] = {}
    for profile in NETWORK:
        warehouses[profile.code] = Warehouse.objects.create(
            code=profile.code,
            name=profile.name,
            echelon=profile.echelon,
            parent=warehouses[profile.parent] if profile.parent else None,
        )
    WarehouseNeighbour.objects.bulk_create(
        [
            WarehouseNeighbour(warehouse=warehouses[a], neighbour=warehouses[b], transfer_lead_time_days=days)
            for first, second, days in NEIGHBOURS
            for a, b in ((first, second), (second, first))
        ]
    )
    bins: dict[str, list[Bin]] = {}
    for profile in NETWORK:
        bins[profile.code] = Bin.objects.bulk_create(
            [Bin(warehouse=warehouses[profile.code], code=code) for code in bin_codes(profile)]
        )
    if any(b.pk is None for rows in bins.values() for b in rows):  # SQLite before 3.35 returns no ids
        bins = {code: list(Bin.objects.filter(warehouse=wh).order_by("code")) for code, wh in warehouses.items()}
    return warehouses, bins
