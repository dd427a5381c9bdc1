"""Parts through ``inventory.services.part_create``; supersessions are posted later, on their day."""

from __future__ import annotations

from collections.abc import Callable

from inventory import services
from inventory.models import Part

from ..profiles import Catalogue


def build_parts(catalogue: Catalogue, progress: Callable[[str], None] | None = None) -> list[Part]:
    """Every generated part, in index order (``parts[i]`` is ``catalogue.parts[i]``)."""
    parts = []
    for profile in catalogue.parts:
        parts.append(
            services.part_create(
                number=profile.number,
                description=profile.description,
                unit=profile.unit,
                category=profile.category,
                list_price=profile.list_price,
                is_critical=profile.is_critical,
            )
        )
        if progress and len(parts) % 500 == 0:
            progress(f"  {len(parts)} parts")
    return parts
