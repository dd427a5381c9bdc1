"""Refusals by the planning services.

They subclass ``inventory.exceptions.InventoryError`` so that the API's
exception handler maps them to 400/403/409 and screens show the message.
"""

from __future__ import annotations

from inventory.exceptions import InventoryError


class PlanningError(InventoryError):
    code = "planning_error"


class PlanningNotAllowed(InventoryError):
    code = "not_allowed"
    status_code = 403


class ProposalNotOpen(InventoryError):
    code = "proposal_not_open"
    status_code = 409
