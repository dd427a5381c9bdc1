"""Every write of the inventory app. Import services from here: ``from inventory import services``."""

from .bins import stock_bin_move
from .bulk import (
    DemandLine,
    Outcome,
    demand_hits_import_bulk,
    parts_set_bulk,
    stock_level_set_parameters_bulk,
    stock_opening_balances_bulk,
    stock_receive_bulk,
)
from .catalogue import (
    _check_supersession,
    part_create,
    part_supersede,
    part_update,
    parts_create_bulk,
    parts_supersede_bulk,
)
from .freezes import freeze_may_act_in, stock_freeze, stock_freeze_release, stock_freeze_scrap, stock_freeze_settle
from .limits import stock_level_set_limits_bulk
from .returns import stock_return_in
from .stock import (
    stock_adjust,
    stock_issue,
    stock_level_set_limits,
    stock_movement_reverse,
    stock_quarantine,
    stock_quarantine_release,
    stock_receive,
    stock_reserve,
    stock_return_to_supplier,
    stock_scrap,
    stock_transfer,
    stock_transfer_receive,
    stock_transfer_send,
    stock_unreserve,
)

__all__ = [
    "DemandLine",
    "Outcome",
    "_check_supersession",
    "demand_hits_import_bulk",
    "freeze_may_act_in",
    "part_create",
    "part_supersede",
    "part_update",
    "parts_create_bulk",
    "parts_set_bulk",
    "parts_supersede_bulk",
    "stock_adjust",
    "stock_bin_move",
    "stock_freeze",
    "stock_freeze_release",
    "stock_freeze_scrap",
    "stock_freeze_settle",
    "stock_issue",
    "stock_level_set_limits",
    "stock_level_set_limits_bulk",
    "stock_level_set_parameters_bulk",
    "stock_movement_reverse",
    "stock_opening_balances_bulk",
    "stock_quarantine",
    "stock_quarantine_release",
    "stock_receive",
    "stock_receive_bulk",
    "stock_reserve",
    "stock_return_in",
    "stock_return_to_supplier",
    "stock_scrap",
    "stock_transfer",
    "stock_transfer_receive",
    "stock_transfer_send",
    "stock_unreserve",
]
