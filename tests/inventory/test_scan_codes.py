"""The scan parser reads back exactly what the encoders write."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from inventory.scan_codes import (
    BinCode,
    PartCode,
    TransferCode,
    bin_code,
    parse_scan,
    part_code,
    transfer_code,
    transfer_pk,
)

printable = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20)


def test_each_kind_of_code_is_told_apart():
    assert parse_scan("BP-4471") == PartCode(number="BP-4471")
    assert parse_scan(" BIN:WH1:A-01-02 \n") == BinCode(warehouse="WH1", bin="A-01-02")
    assert parse_scan("bin:WH1:a:1") == BinCode(warehouse="WH1", bin="a:1")
    assert parse_scan("TRF:TO-000042") == TransferCode(number="TO-000042")
    assert parse_scan("") is None
    assert parse_scan("   ") is None


def test_a_prefix_without_its_parts_is_read_as_a_part_number():
    assert parse_scan("BIN:WH1") == PartCode(number="BIN:WH1")
    assert parse_scan("TRF:") == PartCode(number="TRF:")


def test_transfer_numbers_map_to_their_id():
    assert transfer_pk("TO-000042") == 42
    assert transfer_pk("42") == 42
    assert transfer_pk("TO-x") is None


@given(warehouse=printable.filter(lambda s: ":" not in s), code=printable)
def test_bin_codes_round_trip(warehouse, code):
    assert parse_scan(bin_code(warehouse, code)) == BinCode(warehouse=warehouse, bin=code)


@given(number=printable.filter(lambda s: s[:4].upper() not in ("BIN:", "TRF:")))
def test_part_and_transfer_codes_round_trip(number):
    assert parse_scan(part_code(number)) == PartCode(number=number)
    assert parse_scan(transfer_code(number)) == TransferCode(number=number)
