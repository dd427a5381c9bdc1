"""One rule for which warehouses an area shows a user: the area's network roles see all, others their own."""

from __future__ import annotations

import pytest

from core.roles import (
    COUNT_NETWORK_ROLES,
    DEMAND_NETWORK_ROLES,
    DOCUMENT_NETWORK_ROLES,
    RECEIVING_NETWORK_ROLES,
    Access,
    Role,
)

OWN = frozenset({3, 7})


@pytest.mark.parametrize(
    ("roles", "area", "expected"),
    [
        ({Role.CLERK}, DEMAND_NETWORK_ROLES, OWN),
        ({Role.PURCHASER}, DEMAND_NETWORK_ROLES, None),
        ({Role.PLANNER}, DEMAND_NETWORK_ROLES, OWN),
        ({Role.PLANNER}, COUNT_NETWORK_ROLES, None),
        ({Role.PURCHASER}, COUNT_NETWORK_ROLES, OWN),
        ({Role.CLERK, Role.MANAGER}, RECEIVING_NETWORK_ROLES, None),
        ({Role.PURCHASER}, RECEIVING_NETWORK_ROLES, OWN),
        ({Role.PLANNER}, DOCUMENT_NETWORK_ROLES, None),
        ({Role.WORKSHOP}, DOCUMENT_NETWORK_ROLES, OWN),
    ],
)
def test_an_areas_network_roles_see_every_warehouse_and_the_others_their_own(roles, area, expected):
    assert Access(roles=frozenset(roles), warehouse_ids=OWN).warehouse_scope(area) == expected


def test_a_superuser_sees_every_warehouse_and_a_user_without_warehouses_none():
    assert Access(roles=frozenset(), is_superuser=True).warehouse_scope(RECEIVING_NETWORK_ROLES) is None
    assert Access(roles=frozenset({Role.CLERK})).warehouse_scope(DEMAND_NETWORK_ROLES) == frozenset()
