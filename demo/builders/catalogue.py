"""Parts through ``inventory.services.parts_create_bulk``; supersessions are posted later, on their day."""

from __future__ import annotations

from inventory import services
from inventory.models import Part

from ..profiles import Catalogue


def build_parts(catalogue: Catalogue) -> list[Part]:
    """Every generated part, in index order (``parts[i]`` is ``catalogue.parts[i]``)."""
    return services.parts_create_bulk(
        parts=[
            {
                "number": profile.number,
                "description": profile.description,
                "unit": profile.unit,
                "category": profile.category,
                "list_price": profile.list_price,
                "is_critical": profile.is_critical,
            }
            for profile in catalogue.parts
        ]
    )
