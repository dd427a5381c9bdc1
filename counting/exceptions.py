"""Refusals of the counting services. They extend the shared domain errors so the API maps them the same way."""

from core.exceptions import DomainError, InvalidTransition, WarehouseNotPermitted


class CountingError(DomainError):
    code = "counting_error"


class CountNotPermitted(WarehouseNotPermitted):
    """The user may not do this step (a recount by the first counter, an approval by a non-manager)."""

    code = "count_not_permitted"
    field = None


class CountTransitionError(InvalidTransition):
    code = "count_invalid_transition"


__all__ = ["CountNotPermitted", "CountTransitionError", "CountingError"]
