"""Screens and API: proposal review and approval, forecast view, supplier portal isolation, VMI."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from inventory.models import StockLevel
from planning import services
from planning.models import ReplenishmentProposal, ReplenishmentRun, StockingParameter, VmiProposal
from planning.tasks import replenishment_nightly
from suppliers.models import OrderState, PurchaseOrder, Supplier

from ..factories import PartFactory, WarehouseFactory
from .builders import hit, make_supplier, make_supplier_part, supplier_user
from .factories import ForecastFactory, ReplenishmentRunFactory

pytestmark = pytest.mark.usefixtures("postgres")


def _forecast(part, wh, rate):
    return ForecastFactory(part=part, warehouse=wh, per_month=Decimal(rate), method="croston", pattern="intermittent")


def _proposals(count=3):
    wh = WarehouseFactory()
    supplier = Supplier.objects.filter(code="ACME").first() or make_supplier("ACME")
    parts = []
    for _ in range(count):
        part = PartFactory()
        make_supplier_part(supplier, part, price="7")
        StockingParameter.objects.create(
            part=part, warehouse=wh, service_level=Decimal("0.9"), lead_time_days=7, reorder_point=4,
            min_qty=4, max_qty=10, class_code="A",
        )  # fmt: skip
        parts.append(part)
    run = ReplenishmentRunFactory()
    services.proposals_build(run=run)
    return wh, supplier, parts


# --- proposal review screen --------------------------------------------------------------------


def test_review_screen_lists_open_proposals_with_why_in_bounded_queries(
    client, purchaser, django_assert_max_num_queries
):
    _proposals(count=3)
    client.force_login(purchaser)

    with django_assert_max_num_queries(14):
        response = client.get("/planning/proposals/")

    assert response.status_code == 200
    assert len(response.context["proposals"]) == 3
    assert "is below the reorder point 4; order up to max 10" in response.content.decode()


def test_review_screen_filters_by_supplier_warehouse_and_class(client, purchaser):
    _wh, _supplier, _ = _proposals(count=2)
    other_wh, _, _ = _proposals(count=1)
    client.force_login(purchaser)

    by_wh = client.get(f"/planning/proposals/?warehouse={other_wh.pk}")
    by_class = client.get("/planning/proposals/?class=B")

    assert [p.warehouse_id for p in by_wh.context["proposals"]] == [other_wh.pk]
    assert list(by_class.context["proposals"]) == []


def test_review_screen_offers_each_class_once_and_pages_sorts_and_exports(client, purchaser, settings):
    _proposals(count=3)
    client.force_login(purchaser)

    page = client.get("/planning/proposals/", {"sort": "-quantity"})
    export = client.get("/planning/proposals/", {"sort": "part", "format": "csv"})

    assert page.context["choices"]["classes"] == ["A"]
    assert page.context["paginator"].per_page == 50
    quantities = [p.quantity for p in page.context["proposals"]]
    assert quantities == sorted(quantities, reverse=True)
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].lstrip("\ufeff").startswith("Part,Description,Warehouse")
    assert len(rows) == 4


@pytest.mark.django_db(transaction=True)
def test_run_now_without_a_broker_says_what_the_run_did(client, planner):
    _proposals(count=1)
    client.force_login(planner)

    response = client.post("/planning/run/", follow=True)

    text = response.content.decode()
    assert "queued" not in text
    assert "done:" in text


def test_purchaser_approves_on_the_screen_with_an_edited_quantity(client, purchaser):
    wh, supplier, _parts = _proposals(count=2)
    first, second = ReplenishmentProposal.objects.order_by("id")
    client.force_login(purchaser)

    response = client.post(
        "/planning/proposals/",
        {"selected": [first.pk, second.pk], f"qty-{first.pk}": "12", f"qty-{second.pk}": "10", "action": "approve"},
    )

    assert response.status_code == 302
    [po] = PurchaseOrder.objects.all()
    assert (po.supplier_id, po.warehouse_id, po.state) == (supplier.pk, wh.pk, OrderState.DRAFT)
    assert sorted(ln.quantity for ln in po.lines.all()) == [Decimal(10), Decimal(12)]


def test_clerk_and_supplier_cannot_open_the_review_screen(client, clerk):
    _wh, supplier, _ = _proposals(count=1)
    client.force_login(clerk)
    assert client.get("/planning/proposals/").status_code == 403
    client.force_login(supplier_user(supplier))
    assert client.get("/planning/proposals/").status_code == 403


def test_forecast_view_shows_method_pattern_and_known_demand(client, planner):
    part, wh = PartFactory(), WarehouseFactory(code="CEN")
    _forecast(part, wh, "2.5")
    nxt = timezone.localdate().replace(day=1)
    services.known_demand_add(part=part, warehouse=wh, month=nxt, quantity=Decimal(4), reason="Campaign", user=planner)
    client.force_login(planner)

    response = client.get(f"/planning/forecast/?number={part.number}")

    body = response.content.decode()
    assert response.status_code == 200
    assert "croston" in body
    assert "intermittent" in body
    assert "+4" in body
    assert "Campaign" in body
    assert response.context["rows"][0].total == Decimal("34.0")  # 12 × 2.5 + 4


# --- supplier portal: isolation ----------------------------------------------------------------


def _two_suppliers():
    wh = WarehouseFactory()
    mine, theirs = make_supplier("MINE"), make_supplier("THEIRS")
    my_part, their_part = PartFactory(number="MY-1"), PartFactory(number="THEIR-1")
    make_supplier_part(mine, my_part)
    make_supplier_part(theirs, their_part)
    _forecast(my_part, wh, "3")
    _forecast(their_part, wh, "5")
    return wh, mine, theirs, my_part, their_part


def test_supplier_sees_only_its_own_parts_forecast(client):
    _wh, mine, _theirs, _my_part, _their_part = _two_suppliers()
    client.force_login(supplier_user(mine))

    response = client.get("/planning/portal/forecast/")

    assert [r.part.number for r in response.context["rows"]] == ["MY-1"]
    assert response.context["grand_total"] == Decimal("36.00")
    assert "THEIR-1" not in response.content.decode()


def test_supplier_forecast_pages_a_long_range_and_searches_it(client, django_assert_max_num_queries):
    wh, supplier = WarehouseFactory(), make_supplier("OEM")
    for index in range(130):
        part = PartFactory(number=f"P-{index:03d}")
        make_supplier_part(supplier, part)
        _forecast(part, wh, "1")
    client.force_login(supplier_user(supplier))

    with django_assert_max_num_queries(12):
        first = client.get("/planning/portal/forecast/")
    second = client.get("/planning/portal/forecast/", {"page": 2})
    found = client.get("/planning/portal/forecast/", {"q": "p-12"})

    # a hundred parts a page; the totals count every part of the range
    assert [len(page.context["rows"]) for page in (first, second)] == [100, 30]
    assert first.context["grand_total"] == second.context["grand_total"] == Decimal("1560.00")
    assert [r.part.number for r in found.context["rows"]] == [f"P-{n}" for n in range(120, 130)]
    assert "Page 1 of 2 · 130 rows" in first.content.decode()


def test_supplier_downloads_its_forecast_as_csv_and_xlsx(client):
    _wh, mine, _theirs, _my_part, _their_part = _two_suppliers()
    client.force_login(supplier_user(mine))

    csv_rows = list(
        csv.reader(
            io.StringIO(client.get("/planning/portal/forecast/download/?format=csv").getvalue().decode("utf-8-sig"))
        )
    )
    book = load_workbook(io.BytesIO(client.get("/planning/portal/forecast/download/?format=xlsx").content))

    assert len(csv_rows) == 2
    assert csv_rows[1][0] == "MY-1"
    assert csv_rows[1][-1] == "36.0"
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert [r[0] for r in sheet_rows] == ["part", "MY-1"]
    assert sheet_rows[1][-1] == 36.0


def test_supplier_api_forecast_is_scoped_and_internal_users_are_refused(api_as, purchaser):
    _wh, _mine, theirs, _my_part, _their_part = _two_suppliers()

    response = api_as(supplier_user(theirs)).get("/api/v1/planning/portal/forecast/")

    assert response.status_code == 200
    assert [r["part"] for r in response.json()["rows"]] == ["THEIR-1"]
    assert api_as(purchaser).get("/api/v1/planning/portal/forecast/").status_code == 403


def test_internal_users_cannot_open_the_portal_screens(client, purchaser):
    client.force_login(purchaser)
    assert client.get("/planning/portal/forecast/").status_code == 403
    assert client.get("/planning/portal/vmi/").status_code == 403


# --- VMI ---------------------------------------------------------------------------------------


def _vmi(planner):
    wh, mine, theirs, my_part, their_part = _two_suppliers()
    services.parameter_flags_set(part=my_part, warehouse=wh, is_vmi=True, user=planner)
    services.parameter_flags_set(part=their_part, warehouse=wh, is_vmi=True, user=planner)
    return wh, mine, theirs, my_part, their_part


def test_vmi_supplier_sees_only_its_parts_and_proposes(client, planner):
    wh, mine, _theirs, my_part, _their_part = _vmi(planner)
    user = supplier_user(mine)
    client.force_login(user)

    page = client.get("/planning/portal/vmi/")
    client.post("/planning/portal/vmi/", {"part": my_part.pk, "warehouse": wh.pk, "quantity": "8", "note": "season"})

    assert [p.parameter.part.number for p in page.context["positions"]] == ["MY-1"]
    [proposal] = VmiProposal.objects.all()
    assert (proposal.supplier_id, proposal.part_id, proposal.quantity, proposal.state) == (
        mine.pk,
        my_part.pk,
        Decimal(8),
        "proposed",
    )


def test_vmi_supplier_cannot_propose_for_another_suppliers_part(api_as, planner):
    wh, mine, _theirs, _my_part, their_part = _vmi(planner)

    response = api_as(supplier_user(mine)).post(
        "/api/v1/planning/portal/vmi-proposals/", {"part": their_part.pk, "warehouse": wh.pk, "quantity": "5"}
    )

    assert response.status_code == 403
    assert VmiProposal.objects.count() == 0


@pytest.mark.parametrize("quantity", ["2.5", "0.001", "-3", "NaN"])
def test_vmi_proposal_of_a_piece_counted_part_takes_whole_pieces_only(api_as, client, planner, quantity):
    wh, mine, _theirs, my_part, _their_part = _vmi(planner)
    user = supplier_user(mine)
    client.force_login(user)

    api = api_as(user).post(
        "/api/v1/planning/portal/vmi-proposals/",
        {"part": my_part.pk, "warehouse": wh.pk, "quantity": quantity},
        format="json",
    )
    client.post("/planning/portal/vmi/", {"part": my_part.pk, "warehouse": wh.pk, "quantity": quantity})

    assert my_part.is_whole_unit
    assert api.status_code == 400
    assert "quantity" in api.json()
    assert VmiProposal.objects.count() == 0


def test_vmi_proposals_list_only_the_suppliers_own(api_as, planner):
    wh, mine, theirs, _my_part, their_part = _vmi(planner)
    services.vmi_propose(part=their_part, warehouse=wh, quantity=Decimal(3), user=supplier_user(theirs))

    response = api_as(supplier_user(mine)).get("/api/v1/planning/portal/vmi-proposals/")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_purchaser_accepts_a_changed_vmi_quantity_which_creates_the_order(api_as, planner, purchaser):
    wh, mine, _theirs, my_part, _their_part = _vmi(planner)
    proposal = services.vmi_propose(part=my_part, warehouse=wh, quantity=Decimal(8), user=supplier_user(mine))

    response = api_as(purchaser).post(f"/api/v1/planning/vmi-proposals/{proposal.pk}/accept/", {"quantity": "6"})

    assert response.status_code == 200
    [po] = PurchaseOrder.objects.all()
    assert (po.supplier_id, po.warehouse_id) == (mine.pk, wh.pk)
    assert [(ln.part_id, ln.quantity) for ln in po.lines.all()] == [(my_part.pk, Decimal(6))]
    proposal.refresh_from_db()
    assert (proposal.state, proposal.accepted_quantity, proposal.purchase_order_id) == ("accepted", Decimal(6), po.pk)
    again = api_as(purchaser).post(f"/api/v1/planning/vmi-proposals/{proposal.pk}/accept/", {})
    assert again.status_code == 409
    assert PurchaseOrder.objects.count() == 1


# --- API ---------------------------------------------------------------------------------------


def test_api_proposal_list_is_bounded_and_filters(api_as, purchaser, django_assert_max_num_queries):
    _wh, supplier, _ = _proposals(count=4)
    client = api_as(purchaser)

    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/planning/proposals/?state=open&supplier={supplier.pk}")

    assert response.status_code == 200
    assert response.json()["count"] == 4
    assert {r["supplier_code"] for r in response.json()["results"]} == {"ACME"}


def test_api_approve_and_refusals(api_as, purchaser, clerk):
    _wh, _supplier, _ = _proposals(count=2)
    ids = list(ReplenishmentProposal.objects.order_by("id").values_list("pk", flat=True))

    refused = api_as(clerk).post("/api/v1/planning/proposals/approve/", {"items": [{"id": ids[0]}]}, format="json")
    bad = api_as(purchaser).post(
        "/api/v1/planning/proposals/approve/", {"items": [{"id": ids[0], "quantity": "0"}]}, format="json"
    )
    assert (refused.status_code, bad.status_code) == (403, 400)
    assert PurchaseOrder.objects.count() == 0

    ok = api_as(purchaser).post(
        "/api/v1/planning/proposals/approve/", {"items": [{"id": i} for i in ids]}, format="json"
    )

    assert ok.status_code == 201
    assert ok.json()["transfer_orders"] == []
    assert ok.json()["purchase_orders"] == [PurchaseOrder.objects.get().number]


def test_api_override_writes_min_max_and_refuses_without_reason(api_as, planner):
    part, wh = PartFactory(), WarehouseFactory()
    client = api_as(planner)

    refused = client.post(
        "/api/v1/planning/parameters/override/", {"part": part.pk, "warehouse": wh.pk, "min_qty": "3", "reason": ""}
    )
    ok = client.post(
        "/api/v1/planning/parameters/override/",
        {
            "part": part.pk,
            "warehouse": wh.pk,
            "min_qty": "3",
            "max_qty": "9",
            "reason": "Launch",
            "expires_on": "2099-01-31",
        },
    )

    assert refused.status_code == 400
    assert ok.status_code == 200
    assert (ok.json()["override_active"], ok.json()["effective_min_qty"]) == (True, "3.000")
    level = StockLevel.objects.get(part=part, warehouse=wh)
    assert (level.min_qty, level.max_qty) == (Decimal(3), Decimal(9))


def test_api_forecast_list_is_bounded(api_as, planner, django_assert_max_num_queries):
    wh = WarehouseFactory()
    for _ in range(5):
        _forecast(PartFactory(), wh, "1")

    with django_assert_max_num_queries(8):
        response = api_as(planner).get("/api/v1/planning/forecasts/")

    assert response.json()["count"] == 5
    assert date.fromisoformat(response.json()["results"][0]["first_month"]).day == 1


def test_run_now_queues_a_run_that_runs_after_commit(client, planner, django_capture_on_commit_callbacks):
    part, wh = PartFactory(), WarehouseFactory()
    make_supplier_part(make_supplier(), part, price="5")
    for month in range(1, 11):
        hit(part, wh, date(timezone.localdate().year - 1, month, 10), 4)
    client.force_login(planner)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/planning/run/")

    run = ReplenishmentRun.objects.get()
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert (run.state, run.requested_by_id, run.series, run.proposals) == ("done", planner.pk, 1, 1)


def test_nightly_task_runs_the_whole_network():
    wh = WarehouseFactory()
    _forecast(PartFactory(), wh, "1")

    run_id = replenishment_nightly()

    run = ReplenishmentRun.objects.get(pk=run_id)
    assert (run.state, run.requested_by_id) == ("done", None)


def test_after_a_run_the_proposals_page_shows_which_min_max_it_changed(
    client, planner, django_capture_on_commit_callbacks
):
    part, wh = PartFactory(number="RUN-1"), WarehouseFactory()
    make_supplier_part(make_supplier(), part, price="5")
    for month in range(1, 11):
        hit(part, wh, date(timezone.localdate().year - 1, month, 10), 4)
    client.force_login(planner)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/planning/run/")
    page = client.get("/planning/proposals/")

    level = StockLevel.objects.get(part=part, warehouse=wh)
    assert level.max_qty > 0
    text = page.content.decode()
    assert "The run changed min/max on 1 stock levels: 1 maximums raised, 0 lowered." in text
    assert "RUN-1" in text.split('id="run-changes"')[1]
