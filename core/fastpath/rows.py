"""Model rows read with SQL built once from the model's own metadata.

The hot paths of the API (token authentication, the ids in a posting, the
level lock) each read a handful of rows by key. Compiling a queryset for each
of them cost more CPU than the database work itself, so the statement is built
once per model (every concrete column, fields added later included) and the
rows become model instances through ``Model.from_db`` with the same column
converters the ORM would apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from .switch import fast_path

M = TypeVar("M", bound=Model)


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor for the statements of the hot paths: PostgreSQL prepares them on each connection.

    Django's cursors bind parameters on the client (the SQL goes out with the
    values in it), so PostgreSQL parses and plans every statement anew. A
    cursor that binds on the server lets psycopg prepare a statement after its
    fifth run on a connection (``prepare_threshold``), which saves PostgreSQL
    most of its CPU per run on these small statements. The cursor is
    wrapped like Django's own (errors translated, queries logged in debug and
    tests), on the same connection and transaction. Only for the fixed SQL
    built in this module and its callers, whose parameters are plain values.
    With PgBouncer in transaction mode this needs its prepared-statement
    support (``max_prepared_statements``, PgBouncer 1.21+).
    """
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw: Any = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]  # psycopg's signature
        # As Django's own cursors: timestamps in the connection's time zone.
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != getattr(loader, "timezone", None):
            register_tzloader(connection.timezone, raw)
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor


def quote(name: str | None) -> str:
    """A column or table name from model metadata, quoted for the connection's SQL."""
    return connection.ops.quote_name(str(name))


@lru_cache(maxsize=64)
def columns(model: type[Model], alias: str = "") -> tuple[str, list[str], list[tuple]]:
    """(select list, attnames, converters) of every concrete column of ``model``.

    ``alias`` prefixes the columns (``alias.column``) for statements that join.
    Converters are ``(index, functions, column)`` as the ORM applies them; none
    for the field types used here, kept so that a field type that needs one reads right.
    """
    meta = model._meta
    prefix = f"{quote(alias)}." if alias else ""
    fields = meta.concrete_fields
    select = ", ".join(prefix + quote(field.column) for field in fields)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(meta.db_table)
        functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if functions:
            converters.append((index, functions, column))
    return select, [field.attname for field in fields], converters


def instance(model: type[M], row: Sequence[Any], offset: int = 0) -> M:
    """``row[offset:offset + n]`` (n = the model's column count) as an instance of ``model``."""
    _select, attnames, converters = columns(model)
    values = list(row[offset : offset + len(attnames)])
    for index, functions, column in converters:
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    return model.from_db(connection.alias, attnames, values)


@lru_cache(maxsize=64)
def _by_pk_sql(model: type[Model]) -> str:
    meta = model._meta
    select, _attnames, _converters = columns(model)
    # Identifiers come from the model's metadata; the key is a parameter.
    return f"SELECT {select} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608


def by_pk(model: type[M], pk: Any) -> M | None:
    """``model.objects.filter(pk=pk).first()`` without compiling a query (with it on the ORM path)."""
    if not fast_path():
        return model._default_manager.filter(pk=pk).first()
    with prepared_cursor() as cursor:
        cursor.execute(_by_pk_sql(model), [pk])
        row = cursor.fetchone()
    return None if row is None else instance(model, row)


@lru_cache(maxsize=64)
def _by_pks_sql(models: tuple[type[Model], ...]) -> str:
    selects, joins = [], []
    for index, model in enumerate(models):
        meta, alias = model._meta, f"r{index}"
        select, _attnames, _converters = columns(model, alias=alias)
        selects.append(select)
        joins.append(f"LEFT JOIN {quote(meta.db_table)} {alias} ON {alias}.{quote(meta.pk.column)} = %s")
    # Identifiers come from the models' metadata; the keys are parameters.
    return f"SELECT {', '.join(selects)} FROM (SELECT 1) AS one {' '.join(joins)}"  # noqa: S608


def by_pks(wanted: Sequence[tuple[type[Model], Any]]) -> list[Model | None]:
    """Rows of several models, one per (model, pk), in one statement; None where there is no such row."""
    if not wanted:
        return []
    if not fast_path():
        return _by_pks_orm(wanted)
    models = tuple(model for model, _pk in wanted)
    with prepared_cursor() as cursor:
        cursor.execute(_by_pks_sql(models), [pk for _model, pk in wanted])
        row = cursor.fetchone()
    found: list[Model | None] = []
    offset = 0
    for model in models:
        _select, attnames, _converters = columns(model)
        pk_index = attnames.index(model._meta.pk.attname)
        found.append(None if row[offset + pk_index] is None else instance(model, row, offset))
        offset += len(attnames)
    return found


def _by_pks_orm(wanted: Sequence[tuple[type[Model], Any]]) -> list[Model | None]:
    """``by_pks`` on the ORM path: ``filter(pk__in=...)`` per model, in the order the models are first named."""
    keys: dict[type[Model], list[Any]] = {}
    for model, pk in wanted:
        keys.setdefault(model, []).append(pk)
    read = {
        (model, row.pk): row
        for model, pks in keys.items()
        for row in model._default_manager.filter(pk__in=pks).order_by()
    }
    return [read.get((model, pk)) for model, pk in wanted]


def update_rows(model: type[Model], pks: Sequence[Any], names: Sequence[str], values: Sequence[Sequence[Any]]) -> None:
    """Set the fields ``names`` (names or attnames) of the rows ``pks`` in one statement (PostgreSQL).

    ``values[i]`` holds the values of ``names[i]``, one per pk in order. The
    rows come in as arrays (``UPDATE … FROM unnest(…)``): ``bulk_update``
    builds a ``CASE`` per row and field, which grows quadratically with the
    batch (20,000 changed rows took half a minute that way).
    """
    if not pks:
        return
    meta = model._meta
    by_name = {f.name: f for f in meta.concrete_fields} | {f.attname: f for f in meta.concrete_fields}
    fields = [by_name[name] for name in names]
    columns = [quote(f.column) for f in fields]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    pk = meta.pk
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {', '.join(f'{c} = v.{c}' for c in columns)} "  # noqa: S608
        f"FROM unnest(%s::{pk.db_type(connection)}[], {arrays}) AS v(id, {', '.join(columns)}) "
        f"WHERE t.{quote(pk.column)} = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(pks), *(list(column) for column in values)])


def take_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new ids from the table's sequence, in order (for rows that need their id before they are written)."""
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write ``rows`` (one value per column, in order) into ``table`` with one PostgreSQL ``COPY``.

    The one way this codebase writes rows with COPY (``copy_insert`` builds on
    it). psycopg adapts and escapes each value (``Copy.write_row``): str, int,
    float, Decimal, bool, date, datetime (aware or not), None as NULL. Table and
    column names are quoted here.
    """
    if not columns:
        return
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor, cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def copy_insert(model: type[Model], rows: Sequence[dict[str, Any]], *, ids: Sequence[int] | None = None) -> list[int]:
    """Insert rows (values by field attname) with PostgreSQL ``COPY``; return their new ids, in order.

    Several times faster than ``bulk_create`` for 100,000 rows. The ids are
    taken from the table's sequence first (or given, from ``take_ids``), so
    nothing is read back; a field a row does not name gets its model default
    (``auto_now``/``auto_now_add``: now).
    """
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False) else f.get_default()
        for f in fields
    }
    ids = take_ids(model, len(rows)) if ids is None else list(ids)
    values = (
        [ident, *(row.get(f.attname, defaults[f.attname]) for f in fields)]
        for ident, row in zip(ids, rows, strict=True)
    )
    copy_rows(meta.db_table, [str(meta.pk.column), *(str(f.column) for f in fields)], values)
    return ids
