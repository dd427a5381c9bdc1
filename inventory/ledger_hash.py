"""The tamper-evidence hash of a stock movement (pure: imports no Django).

Each movement's hash is SHA-256 over the previous hash of its stock level (part
and warehouse) and its own content, so that changing, removing or inserting a
movement breaks every later link of that level's chain. The content is written
in one canonical text form: decimals at their column's places, the posting time
in UTC with microseconds, empty text for missing references. The transfer link
between two legs (``counterpart``) is set after both are written and is not
part of the content.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

# The chain of a level starts from this value (no previous movement).
GENESIS = "0" * 64

# The hashed fields, in order (attribute names of ``StockMovement``).
HASHED = (
    "part_id",
    "warehouse_id",
    "bin_id",
    "kind",
    "quantity",
    "unit_cost",
    "value",
    "user_id",
    "posted_at",
    "intended_at",
    "document_type",
    "document_ref",
    "reason",
    "reverses_id",
    "other_warehouse_id",
    "idempotency_key",
)
_PLACES = {"quantity": Decimal("0.001"), "unit_cost": Decimal("0.0001"), "value": Decimal("0.0001")}


def _text(name: str, value: object) -> str:
    if value is None:
        return ""
    if name in _PLACES:
        return format(Decimal(value).quantize(_PLACES[name]), "f")  # type: ignore[arg-type]
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def movement_hash(previous: str, values: dict[str, object]) -> str:
    """The hash of a movement whose hashed fields are ``values``, following ``previous``."""
    content = "\x1f".join(_text(name, values.get(name)) for name in HASHED)
    return hashlib.sha256(f"{previous}\x1e{content}".encode()).hexdigest()
