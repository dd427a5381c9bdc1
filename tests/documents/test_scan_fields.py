"""The stock lookup reads every label and note: a bin label opens that bin's lines, a delivery note its transfer."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from inventory.models import StockLevel

from ..factories import BinFactory, PartFactory

pytestmark = pytest.mark.usefixtures("postgres")


def test_a_bin_label_lists_that_bins_stock_lines(client, clerk, warehouse):
    in_bin = PartFactory(number="IN-BIN")
    elsewhere = PartFactory(number="ELSEWHERE")
    StockLevel.objects.create(
        part=in_bin, warehouse=warehouse, default_bin=BinFactory(warehouse=warehouse, code="A-01"), on_hand=Decimal(1)
    )
    StockLevel.objects.create(
        part=elsewhere, warehouse=warehouse, default_bin=BinFactory(warehouse=warehouse, code="A-02")
    )
    client.force_login(clerk)

    response = client.get(reverse("inventory:stock-lookup"), {"number": f"BIN:{warehouse.code}:A-01"})

    expected = f"{reverse('inventory:stock-levels')}?{urlencode({'warehouse': warehouse.pk, 'bin': 'A-01'})}"
    assert (response.status_code, response["Location"]) == (302, expected)
    page = client.get(expected).content.decode()
    assert "IN-BIN" in page
    assert "ELSEWHERE" not in page


def test_a_delivery_note_opens_its_transfer_also_from_htmx(client, clerk, transfer):
    client.force_login(clerk)
    url = reverse("inventory:stock-lookup")
    target = reverse("inventory:transfer-detail", args=[transfer.pk])
    assert client.get(url, {"number": f"TRF:{transfer.number}"})["Location"] == target
    htmx = client.get(url, {"number": f"TRF:{transfer.number}"}, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == target


def test_a_part_label_and_an_unknown_transfer_stay_on_the_lookup(client, clerk, chinese_part):
    client.force_login(clerk)
    url = reverse("inventory:stock-lookup")
    assert client.get(url, {"number": "BP-4471"}).status_code == 200
    assert client.get(url, {"number": "TRF:TO-999999"}).status_code == 200
