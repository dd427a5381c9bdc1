"""Refusals by the planning services.

They subclass ``core.exceptions.DomainError`` so that the API's exception
handler maps them to 400/403/409 and screens show the message.
"""

from __future__ import annotations

from core.exceptions import DomainError, NotPermitted

__all__ = ["NotPermitted", "PlanningError", "ProposalNotOpen"]


class PlanningError(DomainError):
    code = "planning_error"


class ProposalNotOpen(DomainError):
    code = "proposal_not_open"
    status_code = 409
