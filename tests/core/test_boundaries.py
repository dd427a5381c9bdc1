"""An app reaches another app's models only through that app's services and selectors.

import-linter (``make lint``) checks the imports; these tests catch the two
ways around it: ``apps.get_model`` with another app's label, and raw SQL
naming another app's table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "inventory", "suppliers", "planning", "kpis", "counting", "imports", "demo"]

# Known exceptions, each to be removed when its code moves behind the owner's selectors.
# Entries are (app, owner app of the table).
ALLOWED_TABLE_READS: set[tuple[str, str]] = set()
ALLOWED_MODEL_LOADS: set[tuple[str, str]] = set()


def _sources(app: str) -> list[Path]:
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def _owner_of_tables() -> dict[str, str]:
    return {model._meta.db_table: model._meta.app_label for model in apps.get_models()}


@pytest.mark.parametrize("app", APPS)
def test_no_app_loads_another_apps_models_by_name(app):
    pattern = re.compile(r"get_model\(\s*[\"'](\w+)[\"']")
    found = [
        f"{path.relative_to(ROOT)}: {label}"
        for path in _sources(app)
        for label in pattern.findall(path.read_text())
        if label != app and (app, label) not in ALLOWED_MODEL_LOADS
    ]
    assert found == []


@pytest.mark.parametrize("app", APPS)
def test_no_raw_sql_on_another_apps_tables(app):
    owners = _owner_of_tables()
    word = re.compile(r"\b(" + "|".join(sorted(map(re.escape, owners), key=len, reverse=True)) + r")\b")
    found = set()
    for path in _sources(app):
        for table in word.findall(path.read_text()):
            owner = owners[table]
            if owner != app and (app, owner) not in ALLOWED_TABLE_READS:
                found.add(f"{path.relative_to(ROOT)}: {table}")
    assert sorted(found) == []


def test_no_test_imports_from_a_conftest_module():
    # Fixtures reach tests through pytest; helpers a test imports live in plain modules
    # (factories, builders), so a conftest stays a list of fixtures.
    pattern = re.compile(r"^\s*(?:from\s+\S*conftest\s+import|import\s+\S*conftest)", re.MULTILINE)
    found = [str(path.relative_to(ROOT)) for path in (ROOT / "tests").rglob("*.py") if pattern.search(path.read_text())]
    assert found == []
