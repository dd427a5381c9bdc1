"""Every GET screen of the URL conf, as every role, with hostile query strings: never a 5xx.

Routes are read from the URL conf, so a new screen is crawled without being
listed here. Path ids are real rows of the fuzz world or unknown ones; the
query strings set every filter name the screens read to unknown ids, wrong
types, long values and NUL characters. A download is read to its end, so an
export that fails mid-stream fails the test. About a thousand requests.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from counting.models import CountLine, CountList
from inventory.models import Backorder, TransferOrder, WorkshopRequest
from kpis.selectors import DRILLS
from suppliers.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine, Supplier

from .roles import ROLES

pytestmark = pytest.mark.usefixtures("postgres")

SKIPPED_PREFIXES = ("api/", "admin/", "logout/")
FILTER_NAMES = (
    "q",
    "part",
    "warehouse",
    "kind",
    "state",
    "status",
    "page",
    "month",
    "class",
    "sort",
    "export",
    "format",
    "supplier",
    "order",
    "key",
    "category",
    "include_inactive",
    "below_min",
    "above_max",
    "date",
    "from",
    "to",
    "year",
    "run",
    "source",
)
HOSTILE_VALUES = [
    "NOPE-999",
    "99999999999999999999999",
    "-1",
    "1.5",
    "x" * 3000,
    "\x00",
    "ab\x00cd",
    "2026-13-45",
    "'; SELECT 1;--",
    "<script>alert(1)</script>",
    "😀",
    "",
    "csv",
    "xlsx",
    "0",
    "true",
]
STRING_PARAMS = {
    "action": ["send", "approve", "nope"],
    "decision": ["release", "reject", "nope"],
    "kpi": [*sorted(DRILLS)[:2], "nope"],
    "bin_key": ["FZ-01-01", "NOPE"],
    "name": ["parts", "stock-levels", "movements", "nope"],
    "file_format": ["csv", "xlsx", "pdf"],
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _real_ids() -> list[int]:
    models = (
        WorkshopRequest,
        TransferOrder,
        Backorder,
        PurchaseOrder,
        PurchaseOrderLine,
        GoodsReceipt,
        GoodsReceiptLine,
        Supplier,
        CountList,
        CountLine,
    )
    return sorted({pk for model in models for pk in model.objects.values_list("pk", flat=True)[:3]})


def _paths(route: str, ids: list[int]) -> list[str]:
    """``route`` with its parameters filled: a few real ids and an unknown one, each string choice."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    choices = []
    for converter, name in params:
        if converter == "int":
            choices.append([str(pk) for pk in ids[:2]] + ["999999999"])
        else:
            choices.append(STRING_PARAMS.get(name, ["x"]))
    paths = []
    for combination in itertools.islice(itertools.product(*choices), 3):
        path = route
        for value in combination:
            path = re.sub(r"<[^>]+>", value, path, count=1)
        paths.append("/" + path)
    return paths


def _read(response) -> None:
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("role", ROLES)
def test_no_screen_answers_5xx_to_hostile_query_strings(client, world, in_process_wsgi, role):
    client.force_login(Token.objects.get(key=world.tokens[role]).user)
    ids = _real_ids()
    routes = sorted(route for route in _routes(get_resolver().url_patterns) if not route.startswith(SKIPPED_PREFIXES))
    values = itertools.cycle(HOSTILE_VALUES[ROLES.index(role) :] + HOSTILE_VALUES[: ROLES.index(role)])
    failures = []
    for route in routes:
        for path in _paths(route, ids):
            queries = [{}, dict.fromkeys(FILTER_NAMES, next(values)), dict.fromkeys(FILTER_NAMES, next(values))]
            for query in queries:
                response = client.get(path, query)
                _read(response)
                if response.status_code >= 500:
                    failures.append((path, query.get("q"), response.status_code))

    assert failures == []
