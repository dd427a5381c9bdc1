"""Fuzz every operation of the REST API from its own OpenAPI schema, as every role.

Schemathesis generates requests from the schema the app serves (loaded
in-process through the WSGI application, inside the test's transaction), and
each response is checked: no 5xx, the status code is documented, the content
type and the body match the schema. After the run the ledger still sums to
the stored levels.

``FUZZ_EXAMPLES`` sets the examples per operation, role and mode (positive
and negative): 2 in ``make test`` (about 400 requests per role), 100 in
``make fuzz``.
"""

from __future__ import annotations

import os
from functools import cache

import pytest
import schemathesis
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from config.wsgi import application
from inventory.selectors import ledger_differences

from .roles import ROLES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
# Negative mode sends input that breaks the schema (wrong types, out-of-range numbers, over-long
# strings, ids like 1.5 or -3 in paths): the answer must still be a documented 4xx, never a 5xx.
# Schemathesis' negative_data_rejection check is not used: DRF deliberately ignores an unknown
# filter value or a bad page_size (falls back to 50), which that check reports as "accepted".
# Malformed values in bodies are asserted one by one in tests/test_hostile_input.py.
MODES = {GenerationMode.POSITIVE: CHECKS, GenerationMode.NEGATIVE: CHECKS}

# First path segment(s) after /api/v1/ -> the model whose ids a {id} there names.
PATH_MODELS = {
    "backorders": "inventory.Backorder",
    "count-lines": "counting.CountLine",
    "count-lists": "counting.CountList",
    "goods-receipt-lines": "suppliers.GoodsReceiptLine",
    "goods-receipts": "suppliers.GoodsReceipt",
    "kpis/close-runs": "kpis.MonthClose",
    "movements": "inventory.StockMovement",
    "parts": "inventory.Part",
    "planning/runs": "planning.ReplenishmentRun",
    "planning/vmi-proposals": "planning.VmiProposal",
    "purchase-order-lines": "suppliers.PurchaseOrderLine",
    "purchase-orders": "suppliers.PurchaseOrder",
    "supplier-parts": "suppliers.SupplierPart",
    "suppliers": "suppliers.Supplier",
    "transfer-orders": "inventory.TransferOrder",
    "warehouses": "inventory.Warehouse",
    "workshop-requests": "inventory.WorkshopRequest",
}

# Integer references in bodies and query strings -> the models they may name.
FIELD_MODELS = {
    "part": ("inventory.Part",),
    "superseded_by": ("inventory.Part",),
    "warehouse": ("inventory.Warehouse",),
    "from_warehouse": ("inventory.Warehouse",),
    "to_warehouse": ("inventory.Warehouse",),
    "bin": ("inventory.Bin",),
    "supplier": ("suppliers.Supplier",),
    "purchase_order": ("suppliers.PurchaseOrder",),
    "po_line": ("suppliers.PurchaseOrderLine",),
    "line": ("suppliers.PurchaseOrderLine", "inventory.TransferOrderLine"),
    "id": ("planning.ReplenishmentProposal",),
    "run": ("planning.ReplenishmentRun",),
}

# String fields that name a part by number.
PART_NUMBER_FIELDS = {"part", "part_number", "number"}


@cache
def api_schema():
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def _operations():
    return [result.ok() for result in api_schema().get_all_operations()]


def _ids(labels) -> list[int]:
    ids: list[int] = []
    for label in labels:
        ids.extend(apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True)[:50])
    return ids


def _path_model(path: str) -> str | None:
    rest = path.removeprefix("/api/v1/")
    for prefix in sorted(PATH_MODELS, key=len, reverse=True):
        if rest.startswith(prefix + "/{"):
            return PATH_MODELS[prefix]
    return None


def _aim(value, data, part_numbers):
    """Point some generated references at real rows; leave the rest as generated."""
    if isinstance(value, list):
        return [_aim(item, data, part_numbers) for item in value]
    if not isinstance(value, dict):
        return value
    aimed = {}
    for key, item in value.items():
        if isinstance(item, int) and not isinstance(item, bool) and key in FIELD_MODELS:
            ids = _ids(FIELD_MODELS[key])
            if ids and data.draw(st.booleans(), label=f"real {key}"):
                item = data.draw(st.sampled_from(ids), label=key)
        elif isinstance(item, str) and key in PART_NUMBER_FIELDS:
            if data.draw(st.booleans(), label=f"real {key}"):
                item = data.draw(st.sampled_from(part_numbers), label=key)
        else:
            item = _aim(item, data, part_numbers)
        aimed[key] = item
    return aimed


class _ServerError(Exception):
    """Rolls the request's savepoint back, so a failed request cannot poison the next one."""


def _fuzz_operation(operation, token: str, part_numbers: list[str], mode: GenerationMode) -> None:
    model = _path_model(operation.path)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data):
        if model and "id" in (case.path_parameters or {}):
            ids = _ids([model])
            if ids and data.draw(st.booleans(), label="real id"):
                case.path_parameters["id"] = data.draw(st.sampled_from(ids), label="id")
        if isinstance(case.query, dict):
            case.query = _aim(case.query, data, part_numbers)
        if isinstance(case.body, dict | list):
            case.body = _aim(case.body, data, part_numbers)
        headers = {"Authorization": f"Token {token}"}
        try:
            with transaction.atomic():
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    raise _ServerError
        except _ServerError:
            pass
        case.validate_response(response, checks=MODES[mode], headers=headers)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_as_role_keeps_to_the_schema_and_the_ledger(role, world, in_process_wsgi):
    # Given: the seeded network and a token for a user in this role
    token = world.tokens[role]
    failures = []

    # When: every operation is called with generated input
    for operation in _operations():
        for mode in MODES:
            try:
                _fuzz_operation(operation, token, world.part_numbers, mode)
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, f"{operation.path}: no valid input can be generated"
                continue  # nothing to break: the operation takes no parameters and no body
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{mode.value} {operation.method.upper()} {operation.path}: {str(error)[:1500]}")

    # Then: every response was documented and well-formed, and the ledger still sums to the levels
    assert not failures, "\n\n".join(failures)
    assert ledger_differences() == []
