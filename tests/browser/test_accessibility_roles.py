"""Browser: every role's main screens pass axe-core (no serious or critical problem) at desktop size."""

from __future__ import annotations

import pytest

from core.roles import Role
from tests.factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {
    Role.CLERK: [
        "/", "/inventory/lookup/", "/inventory/stock/", "/inventory/movements/", "/suppliers/receiving/",
        "/inventory/pick-list/", "/inventory/transfers/", "/inventory/returns/workshop/",
        "/inventory/returns/customer/", "/suppliers/returns/", "/counting/", "/suppliers/holds/",
    ],
    Role.WORKSHOP: ["/", "/inventory/requests/new/", "/inventory/backorders/", "/inventory/requests/"],
    Role.PURCHASER: ["/", "/suppliers/orders/", "/suppliers/", "/suppliers/ratings/", "/planning/proposals/",
                     "/planning/vmi/"],
    Role.PLANNER: ["/", "/planning/forecast/", "/exchange/manage/", "/kpis/"],
    Role.MANAGER: ["/", "/inventory/periods/", "/inventory/audit/", "/webhooks/", "/account/language/"],
}  # fmt: skip


@pytest.mark.parametrize("role", list(SCREENS))
def test_main_screens_of_each_role_pass_axe(page, login, axe, role):
    warehouse = WarehouseFactory()
    PartFactory.create_batch(2)
    user = UserFactory(roles=[role])
    user.warehouse_memberships.create(warehouse=warehouse)
    login(page, user)

    for url in SCREENS[role]:
        page.goto(url)
        assert page.locator("main").count() == 1, url
        axe(page)
