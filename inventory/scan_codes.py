"""What labels and notes encode, and the one parser every scan field uses.

A part label carries the plain part number, so a label from before this
module, a supplier's own label or a typed number all read the same way.
Bin labels and transfer notes carry a prefix so they can never be mistaken
for a part number: ``BIN:<warehouse>:<bin>`` and ``TRF:<transfer number>``.
"""

from __future__ import annotations

from dataclasses import dataclass

BIN_PREFIX = "BIN:"
TRANSFER_PREFIX = "TRF:"


@dataclass(frozen=True)
class PartCode:
    number: str


@dataclass(frozen=True)
class BinCode:
    warehouse: str
    bin: str


@dataclass(frozen=True)
class TransferCode:
    number: str


ScanCode = PartCode | BinCode | TransferCode


def part_code(number: str) -> str:
    return number.strip()


def bin_code(warehouse: str, bin_code_: str) -> str:
    if ":" in warehouse:
        raise ValueError("A warehouse code on a bin label cannot contain ':'.")
    return f"{BIN_PREFIX}{warehouse}:{bin_code_}"


def transfer_code(number: str) -> str:
    return f"{TRANSFER_PREFIX}{number}"


def parse_scan(text: str) -> ScanCode | None:
    """Read what a scanner sent; ``None`` for empty input.

    Prefixes are matched case-insensitively because some scanners are set to
    send upper or lower case; the bin code keeps its case after the second colon.
    """
    value = text.strip()
    if not value:
        return None
    head = value[:4].upper()
    if head == BIN_PREFIX:
        warehouse, sep, code = value[4:].partition(":")
        if sep and warehouse.strip() and code.strip():
            return BinCode(warehouse=warehouse.strip(), bin=code.strip())
    elif head == TRANSFER_PREFIX and value[4:].strip():
        return TransferCode(number=value[4:].strip())
    return PartCode(number=value)


def transfer_pk(number: str) -> int | None:
    """The transfer's id from its printed number (``TO-000042`` or ``42``); ``None`` if it is not one."""
    digits = number.strip().upper().removeprefix("TO-")
    return int(digits) if digits.isdigit() else None
