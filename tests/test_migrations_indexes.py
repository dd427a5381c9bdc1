"""Indexes: declared on the models, in the database once as declared, used by the planner, and on big
tables built concurrently; constraints added to big tables without locking out postings while they are
checked (docs/database.md, "Indexes").
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.postgres.operations import AddConstraintNotValid, AddIndexConcurrently, RemoveIndexConcurrently
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from inventory.models import Part, StockLevel
from inventory.selectors import part_search

from .factories import PartFactory, WarehouseFactory

# Tables that grow with every posting, demand line or month-end: an index built on them with a plain
# CREATE INDEX locks out writes (postings) for as long as the build takes.
BIG_TABLES = {
    ("inventory", "stockmovement"),
    ("inventory", "demandhit"),
    ("inventory", "stocklevel"),
    ("inventory", "binmovement"),
    ("inventory", "binstock"),
    ("core", "outboxmessage"),
    ("kpis", "snapshot"),
    ("kpis", "demandmonth"),
    ("kpis", "stockmonthend"),
    ("kpis", "partclass"),
    ("planning", "forecast"),
    ("webhooks", "webhookdelivery"),
}
# Released in 0.1.0 before the rule: applied on every database that holds data, so making them
# concurrent now would change nothing (a fresh database builds them on empty tables).
RELEASED_BEFORE_THE_RULE = {
    ("inventory", "0007_search_indexes"),
    ("inventory", "0008_ledger_time_id_index"),
    ("kpis", "0006_stock_month_end_read_by_run"),
}

# Constraints added to a big table in 0.1.0, before the rule: applied on every database that holds data.
CONSTRAINTS_RELEASED_BEFORE_THE_RULE = {("inventory", "0004_backordered_and_notifications")}

SEARCH_INDEXES = {
    "part_description_trgm_idx": (
        "CREATE INDEX part_description_trgm_idx ON public.inventory_part "
        "USING gin (upper((description)::text) gin_trgm_ops)"
    ),
    "stocklevel_wh_part_cover_idx": (
        "CREATE INDEX stocklevel_wh_part_cover_idx ON public.inventory_stocklevel "
        "USING btree (warehouse_id, part_id) INCLUDE (id)"
    ),
}

_ADD_CONSTRAINT = re.compile(r"ALTER\s+TABLE\s+(ONLY\s+)?\"?(\w+)\"?\s+ADD\s+CONSTRAINT\s[^;]*", re.IGNORECASE)
_CREATE_INDEX = re.compile(
    r"CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)[^;]*?\bON\s+(ONLY\s+)?\"?(\w+)", re.IGNORECASE
)


def _database_operations(operations):
    """The operations that touch the database: a state-only ``SeparateDatabaseAndState`` builds nothing."""
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from _database_operations(operation.database_operations)
        else:
            yield operation


def _sql_statements(operation: migrations.RunSQL) -> list[str]:
    sql = operation.sql
    if isinstance(sql, str):
        return [sql]
    return [item if isinstance(item, str) else item[0] for item in sql]


def index_violations(migration) -> list[str]:
    """What in one migration builds or drops an index on a big table without ``CONCURRENTLY``."""
    created = {
        (migration.app_label, operation.name_lower)
        for operation in migration.operations
        if isinstance(operation, migrations.CreateModel)
    }
    big_tables = {apps.get_model(app, model)._meta.db_table: (app, model) for app, model in BIG_TABLES}
    found = []
    for operation in _database_operations(migration.operations):
        if isinstance(operation, migrations.AddIndex | migrations.RemoveIndex):
            target = (migration.app_label, operation.model_name_lower)
            concurrent = isinstance(operation, AddIndexConcurrently | RemoveIndexConcurrently)
            if target in BIG_TABLES and target not in created and not concurrent:
                found.append(f"{migration.app_label}.{migration.name}: {operation.describe()}")
            if concurrent and migration.atomic:
                found.append(f"{migration.app_label}.{migration.name}: {operation.describe()} needs atomic = False")
        elif isinstance(operation, migrations.RunSQL):
            for statement in _sql_statements(operation):
                for match in _CREATE_INDEX.finditer(statement):
                    if match.group(3).lower() in big_tables:
                        found.append(f"{migration.app_label}.{migration.name}: {match.group(0)}")
    return found


def constraint_violations(migration) -> list[str]:
    """What in one migration adds a constraint to a big table that is checked while postings wait.

    A check constraint goes in ``NOT VALID`` (``AddConstraintNotValid``) and is validated by a later
    ``ValidateConstraint``, which lets writes go on; a unique constraint builds its index under a write
    lock, so it is an index built concurrently first. Tables the same migration creates are empty.
    """
    created = {
        (migration.app_label, operation.name_lower)
        for operation in migration.operations
        if isinstance(operation, migrations.CreateModel)
    }
    big_tables = {apps.get_model(app, model)._meta.db_table for app, model in BIG_TABLES}
    found = []
    for operation in _database_operations(migration.operations):
        if isinstance(operation, migrations.AddConstraint):
            target = (migration.app_label, operation.model_name_lower)
            deferred = isinstance(operation, AddConstraintNotValid)
            if target in BIG_TABLES and target not in created and not deferred:
                found.append(f"{migration.app_label}.{migration.name}: {operation.describe()}")
        elif isinstance(operation, migrations.RunSQL):
            for statement in _sql_statements(operation):
                for match in _ADD_CONSTRAINT.finditer(statement):
                    if match.group(2).lower() in big_tables and "NOT VALID" not in match.group(0).upper():
                        found.append(f"{migration.app_label}.{migration.name}: {' '.join(match.group(0).split())}")
    return found


def _violations_in_our_migrations(check, *, released_before_the_rule) -> list[str]:
    """``check`` over every migration of the project's apps on disk, but those released before its rule."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {config.label for config in apps.get_app_configs() if not config.name.startswith("django.")}
    return [
        line
        for key, migration in sorted(loader.disk_migrations.items())
        if key[0] in ours and key not in released_before_the_rule
        for line in check(migration)
    ]


def test_every_constraint_added_to_a_big_table_is_checked_without_locking_out_postings():
    violations = _violations_in_our_migrations(
        constraint_violations, released_before_the_rule=CONSTRAINTS_RELEASED_BEFORE_THE_RULE
    )

    assert violations == []


def test_a_checked_constraint_on_a_big_table_is_refused_and_a_not_valid_one_passes():
    check = models.CheckConstraint(condition=models.Q(quantity__gt=-1000000), name="movement_quantity_bounded")
    migration = migrations.Migration("0099_movement_check", "inventory")
    migration.operations = [
        migrations.AddConstraint(model_name="stockmovement", constraint=check),
        migrations.RunSQL("ALTER TABLE inventory_demandhit ADD CONSTRAINT hit_qty CHECK (quantity_requested > 0)"),
    ]
    deferred = migrations.Migration("0100_movement_check", "inventory")
    deferred.operations = [
        AddConstraintNotValid(model_name="stockmovement", constraint=check),
        migrations.RunSQL(
            "ALTER TABLE inventory_demandhit ADD CONSTRAINT hit_qty CHECK (quantity_requested > 0) NOT VALID"
        ),
        migrations.AddConstraint(
            model_name="warehouse", constraint=models.UniqueConstraint(fields=["name"], name="warehouse_name")
        ),
    ]

    assert constraint_violations(deferred) == []
    assert constraint_violations(migration) == [
        "inventory.0099_movement_check: Create constraint movement_quantity_bounded on model stockmovement",
        "inventory.0099_movement_check: ALTER TABLE inventory_demandhit ADD CONSTRAINT hit_qty CHECK "
        "(quantity_requested > 0)",
    ]


def test_every_index_on_a_big_table_is_built_concurrently():
    violations = _violations_in_our_migrations(index_violations, released_before_the_rule=RELEASED_BEFORE_THE_RULE)

    assert violations == []


def test_a_plain_index_on_a_big_table_is_refused_and_one_on_a_new_table_passes():
    migration = migrations.Migration("0099_movement_index", "inventory")
    migration.operations = [
        migrations.AddIndex(
            model_name="stockmovement", index=models.Index(fields=["kind", "id"], name="movement_kind_id_idx")
        ),
        migrations.RunSQL("CREATE INDEX demand_hit_x_idx ON inventory_demandhit (part_id)"),
    ]
    new_table = migrations.Migration("0001_initial", "inventory")
    new_table.operations = [
        migrations.CreateModel("StockMovement", fields=[("id", models.BigAutoField(primary_key=True))]),
        migrations.AddIndex(model_name="stockmovement", index=models.Index(fields=["id"], name="movement_id_idx")),
    ]

    assert index_violations(new_table) == []
    assert index_violations(migration) == [
        "inventory.0099_movement_index: Create index movement_kind_id_idx on field(s) kind, id of model stockmovement",
        "inventory.0099_movement_index: CREATE INDEX demand_hit_x_idx ON inventory_demandhit",
    ]


def test_a_concurrent_add_index_passes_only_outside_a_transaction():
    migration = migrations.Migration("0099_movement_index", "inventory")
    migration.operations = [
        AddIndexConcurrently(
            model_name="stockmovement", index=models.Index(fields=["kind", "id"], name="movement_kind_id_idx")
        ),
        migrations.RunSQL("CREATE INDEX CONCURRENTLY demand_hit_x_idx ON inventory_demandhit (part_id)"),
    ]

    in_a_transaction = index_violations(migration)
    migration.atomic = False

    assert in_a_transaction == [
        "inventory.0099_movement_index: Concurrently create index movement_kind_id_idx on field(s) kind, id of "
        "model stockmovement needs atomic = False"
    ]
    assert index_violations(migration) == []


def test_the_migration_state_declares_the_search_indexes():
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()

    part = {index.name for index in state.models["inventory", "part"].options["indexes"]}
    level = {index.name for index in state.models["inventory", "stocklevel"].options["indexes"]}

    assert "part_description_trgm_idx" in part
    assert "part_number_prefix_idx" not in part  # the same as Django's own pattern index of the number
    assert "stocklevel_wh_part_cover_idx" in level


def _indexdefs(names) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(names)])
        found: dict[str, list[str]] = {}
        for name, definition in cursor.fetchall():
            found.setdefault(name, []).append(definition)
    return found


def test_the_search_indexes_are_in_the_database_once(postgres):
    assert _indexdefs(SEARCH_INDEXES) == {name: [definition] for name, definition in SEARCH_INDEXES.items()}


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Part, "part_description_trgm_idx"),
        (StockLevel, "stocklevel_wh_part_cover_idx"),
    ],
)
def test_the_declared_index_builds_what_the_database_has(postgres, model, name):
    """What 0007 built in SQL and what the model declares are the same index (else a rebuild would differ)."""
    declared = next(index for index in model._meta.indexes if index.name == name)
    twin = declared.clone()
    twin.name = f"{name}_twin"

    with connection.schema_editor() as editor:
        editor.add_index(model, twin)

    built = _indexdefs([twin.name])[twin.name]
    assert built == [SEARCH_INDEXES[name].replace(name, twin.name, 1)]


def _plan(queryset, *, only: str) -> str:
    """The plan with every scan but ``only`` (``bitmapscan`` or ``indexonlyscan``) turned off.

    A handful of test rows would be read whole, or along whichever index the statistics of the moment
    favour; with the other ways closed the plan shows whether the index can serve the query at all.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for scan in {"seqscan", "indexscan", "bitmapscan", "indexonlyscan"} - {only}:
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_part_search_reads_the_prefix_and_trigram_indexes(postgres):
    for number in range(30):
        PartFactory(number=f"BP-{number:04d}", description=f"Brake pad front {number}")

    plan = _plan(part_search(query="BP-00"), only="bitmapscan")

    assert "Bitmap Index Scan on part_description_trgm_idx" in plan
    # the number prefix: the pattern index (varchar_pattern_ops) Django gives the unique number
    assert re.search(r"Bitmap Index Scan on inventory_part_number_normalized_\w+_like", plan)


def test_each_index_of_parts_and_levels_is_there_once(postgres):
    """No two indexes of a table with the same definition: each costs every write, one serves the reads."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ', ''), array_agg(indexname)"
            " FROM pg_indexes WHERE tablename IN ('inventory_part', 'inventory_stocklevel')"
            " GROUP BY 1, 2 HAVING count(*) > 1"
        )
        assert cursor.fetchall() == []


def test_deep_stock_pages_read_ids_from_the_covering_index(postgres):
    warehouse = WarehouseFactory()
    for part in PartFactory.create_batch(30):
        StockLevel.objects.create(part=part, warehouse=warehouse)

    ids = StockLevel.objects.filter(warehouse_id=warehouse.pk).order_by("warehouse_id", "part_id").values_list("id")

    assert "Index Only Scan using stocklevel_wh_part_cover_idx" in _plan(ids, only="indexonlyscan")
