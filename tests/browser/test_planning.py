from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from planning import services
from planning.models import StockingParameter
from suppliers.models import OrderState, PurchaseOrder

from ..factories import PartFactory, UserFactory, WarehouseFactory
from ..planning.builders import make_supplier, make_supplier_part
from ..planning.factories import ReplenishmentRunFactory


def test_purchaser_approves_proposals_and_a_draft_po_appears_for_the_supplier(page, login):
    # given two parts below their reorder point in a store, both sold by ACME
    store = WarehouseFactory(code="ST1", name="Store one")
    acme = make_supplier("ACME", name="Acme Parts")
    parts = [PartFactory(number="FLT-100"), PartFactory(number="FLT-200")]
    for part in parts:
        make_supplier_part(acme, part, price="7.50")
        StockingParameter.objects.create(
            part=part, warehouse=store, service_level=Decimal("0.9"), lead_time_days=7, reorder_point=4,
            min_qty=4, max_qty=10, class_code="A",
        )  # fmt: skip
    services.proposals_build(run=ReplenishmentRunFactory())
    purchaser = UserFactory(roles=[Role.PURCHASER])
    login(page, purchaser)

    # when the purchaser filters by supplier, raises one quantity and approves both
    page.goto("/planning/proposals/")
    page.select_option("select[name=supplier]", label="ACME Acme Parts")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("tr[data-part='FLT-100']")
    page.check("tr[data-part='FLT-100'] input[name=selected]")
    page.check("tr[data-part='FLT-200'] input[name=selected]")
    page.fill("tr[data-part='FLT-200'] input[name^=qty-]", "12")
    page.click("button[value=approve]")

    # then the screen says which draft order was made, and the order is there for ACME
    page.wait_for_selector(".msg.success")
    order = PurchaseOrder.objects.get()
    assert order.number in page.inner_text(".msg.success")
    assert page.locator("tr[data-proposal]").count() == 0
    assert (order.supplier_id, order.warehouse_id, order.state) == (acme.pk, store.pk, OrderState.DRAFT)
    assert sorted((ln.part.number, ln.quantity) for ln in order.lines.all()) == [
        ("FLT-100", Decimal(10)),
        ("FLT-200", Decimal(12)),
    ]
    page.goto(reverse("suppliers:po-detail", args=[order.pk]))
    assert "ACME" in page.inner_text("body")
    assert order.number in page.inner_text("body")


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_planner_finds_a_forecast_in_the_list_and_reads_its_chart(sized_page, login, size):
    # given two years of monthly demand of a part, forecast by the nightly run

    from django.utils import timezone

    from inventory.months import add_months

    from ..planning.builders import hit

    store = WarehouseFactory(code="ST-FC", name="Forecast store")
    part = PartFactory(number="FC-100")
    make_supplier_part(make_supplier("FCS"), part, price="4")
    first = add_months(timezone.localdate().replace(day=1), -24)
    for month in range(24):
        hit(part, store, add_months(first, month).replace(day=10), 3 + month % 4)
    services.replenishment_run(user=None, today=timezone.localdate())
    planner = UserFactory(roles=[Role.PLANNER])
    page = sized_page(size)
    login(page, planner)

    # when the planner opens the forecasts, filters by warehouse and opens the part
    page.goto("/planning/forecast/")
    page.select_option("select[name=warehouse]", label="ST-FC")
    page.click("form.filters button[type=submit]")
    page.click("#forecasts a:has-text('FC-100')")
    page.wait_for_selector("canvas[data-forecast-chart='ST-FC']")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-forecast-chart]'))"
    )

    # then the chart is big enough to read, with the demand, the fitted values and the forecast ahead
    box = page.locator("canvas[data-forecast-chart='ST-FC']").bounding_box()
    assert box["height"] >= 240
    assert box["width"] >= (600 if size == "desktop" else 500)
    legend = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-forecast-chart]')).data.datasets.map(d => d.label)"
    )
    assert legend == ["Demand", "Fitted by the method", "Forecast", "Forecast with known demand"]
    labels = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-forecast-chart]')).data.labels.length"
    )
    assert labels == 36
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
