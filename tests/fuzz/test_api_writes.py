"""Generated bodies to every write endpoint of the API, as every role: 2xx or 4xx, JSON, nothing written on 4xx.

The operations come from the API's own OpenAPI schema (as in
``test_api_fuzz.py``), both schema-conforming and schema-breaking input. Before
after a refused request (4xx), every table of the apps that PostgreSQL counts
as written in the request is compared with its state before: it must be
unchanged. ``FUZZ_EXAMPLES`` sets the
examples per operation, role and mode: 1 in ``make test`` (the schema fuzz
beside it already sends two), 100 in ``make fuzz``.
"""

from __future__ import annotations

import os

import pytest
from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from .roles import ROLES
from .test_api_fuzz import _aim, _ids, _operations, _path_model

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
WRITES = {"post", "put", "patch", "delete"}
APPS = ("inventory", "suppliers", "planning", "counting", "kpis", "imports")


def _tables() -> set[str]:
    return {
        model._meta.db_table
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and model._meta.managed
    }


def _touched(tables: set[str]) -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table (PostgreSQL's own counters)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {name: count for name, count in cursor.fetchall() if name in tables}


def _fingerprint(tables: list[str]) -> list[tuple]:
    sql = " UNION ALL ".join(
        f"SELECT '{table}', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall())


def _content_type(headers) -> str:
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return value[0] if isinstance(value, list) else value


class _Rollback(Exception):
    """Undoes an accepted write, so every example starts from the same rows."""


def _probe(operation, token: str, part_numbers: list[str], mode: GenerationMode, tables: set[str]) -> None:
    model = _path_model(operation.path)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data):
        if model and "id" in (case.path_parameters or {}):
            ids = _ids([model])
            if ids and data.draw(st.booleans(), label="real id"):
                case.path_parameters["id"] = data.draw(st.sampled_from(ids), label="id")
        if isinstance(case.body, dict | list):
            case.body = _aim(case.body, data, part_numbers)
        counters = _touched(tables)
        answer: dict = {}
        try:
            with transaction.atomic():
                response = case.call(headers={"Authorization": f"Token {token}"})
                answer.update(status=response.status_code, type=_content_type(response.headers))
                touched = _touched(tables)
                # Tables the request wrote to, even if it undid the write itself: compared below.
                answer["tables"] = sorted(t for t, n in touched.items() if n != counters.get(t, 0))
                if 400 <= response.status_code < 500 and answer["tables"]:
                    answer["after"] = _fingerprint(answer["tables"])
                raise _Rollback
        except _Rollback:
            pass
        status = answer["status"]
        assert status < 500, f"{status} for {case.body!r}"
        assert status == 204 or answer["type"].startswith("application/json"), answer["type"]
        if "after" in answer:
            # Rolled back to where the request started: what it left behind shows as a difference.
            before = _fingerprint(answer["tables"])
            changed = [row[0] for row, after in zip(before, answer["after"], strict=True) if row != after]
            assert changed == [], f"{status} wrote to {changed} for {case.body!r}"

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_write_endpoint_answers_json_and_writes_nothing_when_it_refuses(role, world, in_process_wsgi):
    token = world.tokens[role]
    tables = _tables()
    failures = []

    for operation in _operations():
        if operation.method.lower() not in WRITES:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _probe(operation, token, world.part_numbers, mode, tables)
            except Unsatisfiable:
                continue
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{mode.value} {operation.method.upper()} {operation.path}: {str(error)[:1200]}")

    assert not failures, "\n\n".join(failures)
