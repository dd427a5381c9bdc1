"""One resource per import kind: its columns (declared as django-import-export fields, which also
give the downloadable template), how a row is checked, and how a chunk of rows is applied.

Resources are called by ``imports.services.import_file`` inside one transaction
that is rolled back when any row is bad or the run is a dry run. They work a
chunk at a time: one query fetches what the chunk refers to, each row is
checked cell by cell (every problem named with its row and column), and the
good rows go to one bulk service of ``inventory.services``, which compares them
with what is stored (importing the same file again changes nothing) and owns
the writing: COPY, history rows, supersession loops, the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields as ie_fields
from import_export import resources as ie_resources
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.exceptions import DomainError
from inventory import services as inventory_services
from inventory.bounds import MAX_COST, MAX_PRICE, MAX_QUANTITY, too_large
from inventory.exceptions import SupersessionCycle
from inventory.models import Bin, Part, Unit, Warehouse, normalize_part_number
from inventory.quantities import money

from .models import ImportKind

if TYPE_CHECKING:
    from suppliers.models import Supplier

ZERO = Decimal("0")
# Decimal places -> the largest value the column holds (prices numeric(12, 2), quantities (14, 3), costs (14, 4)).
LIMITS = {0: MAX_QUANTITY, 2: MAX_PRICE, 3: MAX_QUANTITY, 4: MAX_COST}
TRUE = {"1", "true", "yes", "y", "x", "ja", "wahr"}
FALSE = {"", "0", "false", "no", "n", "nein", "falsch"}


# --- the report --------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportReport:
    """What an import did or would do. ``errors`` lists every bad row; any error means nothing was imported."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    dry_run: bool = True
    imported: bool = False

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowProblem(row, column, message))

    @property
    def bad_rows(self) -> int:
        return len({problem.row for problem in self.errors})

    def summary(self) -> str:
        counts = {
            "rows": self.rows,
            "bad": self.bad_rows,
            "problems": len(self.errors),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.errors:
            return _("%(rows)s rows read; %(bad)s bad rows (%(problems)s problems): nothing was imported.") % counts
        if self.dry_run:
            return (
                _("%(rows)s rows: %(created)s would be created, %(updated)s updated, %(unchanged)s unchanged.") % counts
            )
        return _("%(rows)s rows: %(created)s were created, %(updated)s updated, %(unchanged)s unchanged.") % counts


# --- checking cells ------------------------------------------------------------------


class RowCheck:
    """Reads the cells of one row, recording each problem with its column instead of stopping at the first."""

    def __init__(self, report: ImportReport, row: int, values: dict[str, Any]) -> None:
        self.report, self.row, self.values, self.failed = report, row, values, False

    def fail(self, column: str, message: str) -> None:
        self.failed = True
        self.report.error(self.row, column, message)

    def raw(self, column: str) -> Any:
        value = self.values.get(column)
        return value.strip() if isinstance(value, str) else value

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.raw(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet turns number-like codes into numbers
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.fail(column, _("A value is required."))
        elif len(text) > max_length:
            self.fail(
                column,
                _("At most %(max_length)s characters (%(count)s given).")
                % {"max_length": max_length, "count": len(text)},
            )
        return text

    def decimal(
        self, column: str, *, places: int, default: Decimal | None = None, minimum: Decimal | None = ZERO
    ) -> Decimal | None:
        value = self.raw(column)
        if value is None or value == "":
            if default is None:
                self.fail(column, _("A number is required."))
            return default
        try:
            number = Decimal(str(value).replace(",", ".")) if not isinstance(value, Decimal) else value
        except InvalidOperation:
            self.fail(column, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if not number.is_finite():
            self.fail(column, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if too_large(number, LIMITS.get(places, MAX_QUANTITY)):
            self.fail(
                column,
                _("Too large: at most %(limit)s (%(value)s given).")
                % {"limit": format(LIMITS.get(places, MAX_QUANTITY), ","), "value": str(value)[:20]},
            )
            return None
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.fail(
                column, _("At most %(places)s decimal places (%(value)s given).") % {"places": places, "value": value}
            )
            return None
        if minimum is not None and number < minimum:
            self.fail(
                column, _("Cannot be below %(minimum)s (%(value)s given).") % {"minimum": minimum, "value": value}
            )
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def integer(self, column: str, *, default: int, minimum: int = 0, maximum: int = 32767) -> int | None:
        number = self.decimal(column, places=0, default=Decimal(default), minimum=Decimal(minimum))
        if number is None:
            return None
        if number > maximum:
            self.fail(column, _("Cannot be above %(maximum)s.") % {"maximum": maximum})
            return None
        return int(number)

    def boolean(self, column: str, *, default: bool = False) -> bool:
        value = self.raw(column)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return default if text == "" else False
        self.fail(column, _("“%(value)s” is not yes or no.") % {"value": value})
        return default

    def moment(self, column: str) -> datetime | None:
        value = self.raw(column)
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime.combine(value, time(12, 0))
        else:
            text = str(value or "").strip()
            if not text:
                self.fail(column, _("A date is required (YYYY-MM-DD or YYYY-MM-DD HH:MM)."))
                return None
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                self.fail(column, _("“%(text)s” is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM).") % {"text": text})
                return None
            if len(text) == 10:
                moment = moment.replace(hour=12)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if moment > timezone.now():
            self.fail(column, _("The date is in the future."))
            return None
        return moment


_T = TypeVar("_T")


def _checked(value: _T | None) -> _T:
    """A cell of a row that passed its checks: RowCheck records a problem for every None it returns."""
    if value is None:
        raise RuntimeError("A row passed its checks with a required cell missing; RowCheck must record a problem.")
    return value


def _column_of(error: DomainError, columns: dict[str, str], fallback: str) -> str:
    return columns.get(error.field or "", fallback)


# --- the resources -------------------------------------------------------------------


class ImportResource(ie_resources.Resource):
    """Base of every import kind. Subclasses declare their columns as fields and implement ``process``."""

    kind: ClassVar[str]
    required: ClassVar[tuple[str, ...]] = ()
    natural_key: ClassVar[str] = ""

    def __init__(self, *, user=None, report: ImportReport | None = None, header=(), label: str = "") -> None:
        super().__init__()
        self.user = user
        self.report = report or ImportReport(kind=self.kind)
        self.header = set(header)
        self.label = label[:60]

    @classmethod
    def column_names(cls) -> list[str]:
        return [f.column_name for f in cls().get_import_fields()]

    def template(self):
        """An empty dataset with the column headers: the file to fill in."""
        return self.export(queryset=[])

    def process(self, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Work that needs every row first (supersessions may point forward in the file)."""

    # helpers shared by the stock kinds
    _warehouses: dict[str, Warehouse] | None = None

    def warehouse(self, check: RowCheck, column: str = "warehouse") -> Warehouse | None:
        if self._warehouses is None:
            self._warehouses = {w.code.upper(): w for w in Warehouse.objects.all()}
        code = check.text(column, required=True, max_length=12)
        if not code:
            return None
        found = self._warehouses.get(code.upper())
        if found is None:
            check.fail(column, _("No warehouse %(code)s.") % {"code": code})
        return found

    _bins: dict[int, dict[str, Bin]] | None = None

    def bin_of(self, check: RowCheck, warehouse: Warehouse | None, column: str = "bin") -> Bin | None:
        code = check.text(column, max_length=20)
        if not code or warehouse is None:
            return None
        if self._bins is None:
            self._bins = {}
        if warehouse.pk not in self._bins:
            self._bins[warehouse.pk] = {b.code.upper(): b for b in Bin.objects.filter(warehouse=warehouse)}
        found = self._bins[warehouse.pk].get(code.upper())
        if found is None:
            check.fail(column, _("No bin %(code)s in %(warehouse)s.") % {"code": code, "warehouse": warehouse.code})
        return found

    def parts_for(self, chunk, column: str = "part_number") -> dict[str, Part]:
        numbers = {normalize_part_number(str(values.get(column) or "")) for _, values in chunk}
        numbers.discard("")
        return {p.number_normalized: p for p in Part.objects.filter(number_normalized__in=numbers)}

    def part(self, check: RowCheck, parts: dict[str, Part], column: str = "part_number") -> Part | None:
        number = check.text(column, required=True, max_length=40)
        if not number:
            return None
        found = parts.get(normalize_part_number(number))
        if found is None:
            check.fail(column, _("No part %(number)s in the catalogue.") % {"number": number})
        return found


def _field(name: str) -> ie_fields.Field:
    return ie_fields.Field(attribute=name, column_name=name)


class PartResource(ImportResource):
    """Parts by part number (normalised); ``superseded_by`` names the newer part (empty clears it)."""

    kind = ImportKind.PARTS
    required = ("number", "description")
    natural_key = "number"
    number = _field("number")
    description = _field("description")
    unit = _field("unit")
    category = _field("category")
    list_price = _field("list_price")
    is_critical = _field("is_critical")
    superseded_by = _field("superseded_by")

    class Meta:
        fields = ("number", "description", "unit", "category", "list_price", "is_critical", "superseded_by")

    UNITS: ClassVar[dict[str, str]] = {
        **{value.lower(): value for value in Unit.values},
        **{label.lower(): value for value, label in Unit.choices},
        "pc": "PCS",
        "pcs.": "PCS",
        "l": "L",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen: dict[str, int] = {}
        self.links: list[tuple[int, str, str]] = []
        self.unchanged_keys: set[str] = set()

    def process(self, chunk) -> None:
        parsed = []
        for row, values in chunk:
            check = RowCheck(self.report, row, values)
            number = check.text("number", required=True, max_length=40)
            key = normalize_part_number(number)
            if number and not key:
                check.fail("number", _("A part number needs at least one letter or digit."))
            elif key in self.seen:
                check.fail(
                    "number",
                    _("%(number)s appears twice in the file (also row %(seen)s).")
                    % {"number": number, "seen": self.seen[key]},
                )
            description = check.text("description", required=True, max_length=200)
            unit_text = check.text("unit", max_length=20)
            unit = self.UNITS.get(unit_text.lower(), None) if unit_text else Unit.PIECE.value
            if unit is None:
                check.fail(
                    "unit",
                    _("“%(unit_text)s” is not a unit; use one of %(values)s.")
                    % {"unit_text": unit_text, "values": ", ".join(Unit.values)},
                )
            category = check.text("category", max_length=60)
            list_price = check.decimal("list_price", places=2, default=ZERO)
            is_critical = check.boolean("is_critical")
            target = check.text("superseded_by", max_length=40) if "superseded_by" in self.header else ""
            if key and normalize_part_number(target) == key:
                check.fail("superseded_by", _("A part cannot supersede itself."))
            if key:
                self.seen.setdefault(key, row)
            if check.failed:
                continue
            fields = {
                "number": number,
                "description": description,
                "unit": unit,
                "category": category,
                "list_price": list_price,
                "is_critical": is_critical,
            }
            if "superseded_by" in self.header:
                self.links.append((row, key, target))
            parsed.append((key, fields))
        outcomes = inventory_services.parts_set_bulk(parts=[fields for _key, fields in parsed], user=self.user)
        for (key, _fields), outcome in zip(parsed, outcomes, strict=True):
            if outcome is inventory_services.Outcome.UNCHANGED:
                self.unchanged_keys.add(key)
        _count(self.report, outcomes)

    def finish(self) -> None:
        """Set supersessions once every part of the file exists; chains are fine, loops are refused per row.

        Checked even when other rows were refused, so the preview names every
        problem of the file in one pass; applied only when there is none.
        """
        if not self.links:
            return
        wanted = {key for _, key, _ in self.links} | {normalize_part_number(t) for _, _, t in self.links}
        wanted.discard("")
        ids: dict[str, int] = {}
        keys = list(wanted)
        for start in range(0, len(keys), 20000):
            ids.update(
                Part.objects.filter(number_normalized__in=keys[start : start + 20000]).values_list(
                    "number_normalized", "pk"
                )
            )
        links: dict[int, int | None] = {}
        rows: dict[int, tuple[int, str]] = {}
        for row, key, target in self.links:
            source = ids[key]
            target_key = normalize_part_number(target)
            if target and target_key not in ids:
                if target_key not in self.seen:  # a refused row of the file has its own error already
                    self.report.error(
                        row,
                        "superseded_by",
                        _("No part %(target)s in the catalogue or in this file.") % {"target": target},
                    )
                continue
            links[source] = ids.get(target_key) if target_key else None
            rows[source] = (row, key)
        try:
            # Its own savepoint: the loops are named even when other rows are refused (all is rolled back then).
            with transaction.atomic():
                changed = inventory_services.parts_supersede_bulk(links=links, user=self.user)
        except SupersessionCycle as error:
            for source in error.parts:
                self.report.error(
                    rows[source][0],
                    "superseded_by",
                    _("This supersession would make a loop: the chain leads back to this part."),
                )
            return
        if self.report.errors:
            return
        # a row whose only change is its supersession is an update after all
        moved = len({rows[source][1] for source in changed} & self.unchanged_keys)
        self.report.unchanged -= moved
        self.report.updated += moved


class PartWarehouseResource(ImportResource):
    """Rows of one part in one warehouse (the natural key): two figures and an optional bin, each checked
    cell by cell, then posted a chunk at a time through one bulk service of inventory."""

    natural_key = "part_number + warehouse"
    part_number = _field("part_number")
    warehouse_code = ie_fields.Field(attribute="warehouse", column_name="warehouse")
    bin = _field("bin")

    FIGURES: ClassVar[tuple[str, str]]  # the two figure columns, in the order the service takes them
    PLACES: ClassVar[tuple[int, int]]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen: dict[tuple[int, int], int] = {}

    def check_figures(self, check: RowCheck, first: Decimal | None, second: Decimal | None) -> None:
        """A rule between the two figures of a row, if the kind has one."""

    def process(self, chunk) -> None:
        parts = self.parts_for(chunk)
        rows: list[tuple[int, Part, Warehouse, Decimal, Decimal, Bin | None]] = []
        for row, values in chunk:
            check = RowCheck(self.report, row, values)
            part = self.part(check, parts)
            warehouse = self.warehouse(check)
            first = check.decimal(self.FIGURES[0], places=self.PLACES[0])
            second = check.decimal(self.FIGURES[1], places=self.PLACES[1])
            bin = self.bin_of(check, warehouse)
            self.check_figures(check, first, second)
            if part and warehouse:
                key = (part.pk, warehouse.pk)
                if key in self.seen:
                    check.fail(
                        "part_number",
                        _("%(part)s in %(warehouse)s appears twice (also row %(seen)s).")
                        % {"part": part.number, "warehouse": warehouse.code, "seen": self.seen[key]},
                    )
                self.seen.setdefault(key, row)
            if check.failed:
                continue
            rows.append((row, _checked(part), _checked(warehouse), _checked(first), _checked(second), bin))
        _apply_in_bulk(self.report, rows, self.post, columns=self.columns(), fallback=self.FIGURES[0])

    @classmethod
    def columns(cls) -> dict[str, str]:
        """The column of each field a service may name in its refusal."""
        return {name: name for name in (*cls.FIGURES, "bin")}

    def post(self, rows) -> list[inventory_services.Outcome]:
        raise NotImplementedError


class OpeningStockResource(PartWarehouseResource):
    """Opening balances per part and warehouse, posted as receipts or adjustments in the ledger."""

    kind = ImportKind.OPENING_STOCK
    required = ("part_number", "warehouse", "quantity", "unit_cost")
    quantity = _field("quantity")
    unit_cost = _field("unit_cost")

    class Meta:
        fields = ("part_number", "warehouse_code", "quantity", "unit_cost", "bin")

    FIGURES = ("quantity", "unit_cost")
    PLACES = (3, 4)

    def post(self, rows) -> list[inventory_services.Outcome]:
        return inventory_services.stock_opening_balances_bulk(
            balances=[row[1:] for row in rows], user=self.user, document_ref=self.label
        )


def _apply_in_bulk(report: ImportReport, rows: list, post, *, columns: dict[str, str], fallback: str) -> None:
    """Apply a chunk's checked rows with one call of a bulk service, counting its outcome per row.

    When the service refuses the chunk, each half is tried again (each in its own
    savepoint), down to the single rows it refuses: every refusal lands on its row
    for a few dozen calls per bad row instead of one call per row of the chunk.
    The file is then refused as a whole anyway.
    """
    if not rows:
        return
    try:
        with transaction.atomic():
            outcomes = post(rows)
    except DomainError as error:
        if len(rows) == 1:
            report.error(rows[0][0], _column_of(error, columns, fallback), error.message)
            return
        middle = len(rows) // 2
        _apply_in_bulk(report, rows[:middle], post, columns=columns, fallback=fallback)
        _apply_in_bulk(report, rows[middle:], post, columns=columns, fallback=fallback)
        return
    _count(report, outcomes)


def _count(report: ImportReport, outcomes: list[inventory_services.Outcome]) -> None:
    """Add what a bulk service did with each row to the report's created / updated / unchanged."""
    for outcome in outcomes:
        setattr(report, outcome.value, getattr(report, outcome.value) + 1)


class StockParametersResource(PartWarehouseResource):
    """Minimum and maximum stock per part and warehouse (0 as maximum means none), optionally the default bin."""

    kind = ImportKind.STOCK_PARAMETERS
    required = ("part_number", "warehouse", "min_qty", "max_qty")
    min_qty = _field("min_qty")
    max_qty = _field("max_qty")

    class Meta:
        fields = ("part_number", "warehouse_code", "min_qty", "max_qty", "bin")

    FIGURES = ("min_qty", "max_qty")
    PLACES = (3, 3)

    def check_figures(self, check: RowCheck, first: Decimal | None, second: Decimal | None) -> None:
        min_qty, max_qty = first, second
        if min_qty is not None and max_qty is not None and max_qty and max_qty < min_qty:
            check.fail(
                "max_qty",
                _("The maximum (%(max_qty)s) is below the minimum (%(min_qty)s); 0 means no maximum.")
                % {"max_qty": format(max_qty.normalize(), "f"), "min_qty": format(min_qty.normalize(), "f")},
            )

    def post(self, rows) -> list[inventory_services.Outcome]:
        return inventory_services.stock_level_set_parameters_bulk(parameters=[row[1:] for row in rows], user=self.user)


class DemandHistoryResource(ImportResource):
    """Demand lines from a previous system, as hits with source "import".

    The natural key is warehouse + document_ref + part number: a line seen
    again is compared and updated, never duplicated. The hit is booked on the
    part that serves the number today (after supersession).
    """

    kind = ImportKind.DEMAND_HISTORY
    required = ("occurred_at", "warehouse", "part_number", "quantity_requested", "document_ref")
    natural_key = "warehouse + document_ref + part_number"
    occurred_at = _field("occurred_at")
    warehouse_code = ie_fields.Field(attribute="warehouse", column_name="warehouse")
    part_number = _field("part_number")
    quantity_requested = _field("quantity_requested")
    quantity_supplied = _field("quantity_supplied")
    quantity_lost = _field("quantity_lost")
    unit_price = _field("unit_price")
    unit_cost = _field("unit_cost")
    document_ref = _field("document_ref")
    repair_order_ref = _field("repair_order_ref")

    class Meta:
        fields = (
            "occurred_at",
            "warehouse_code",
            "part_number",
            "quantity_requested",
            "quantity_supplied",
            "quantity_lost",
            "unit_price",
            "unit_cost",
            "document_ref",
            "repair_order_ref",
        )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen: dict[tuple[int, str, int], int] = {}

    def process(self, chunk) -> None:
        parts = self.parts_for(chunk)
        rows: list[inventory_services.DemandLine] = []
        for row, values in chunk:
            check = RowCheck(self.report, row, values)
            occurred_at = check.moment("occurred_at")
            warehouse = self.warehouse(check)
            part = self.part(check, parts)
            requested = check.decimal("quantity_requested", places=3)
            if requested is not None and requested <= 0:
                check.fail("quantity_requested", _("The requested quantity must be greater than zero."))
            supplied = check.decimal("quantity_supplied", places=3, default=requested if requested else ZERO)
            lost = check.decimal("quantity_lost", places=3, default=ZERO)
            unit_price = check.decimal("unit_price", places=2, default=ZERO)
            unit_cost = check.decimal("unit_cost", places=4, default=ZERO)
            document_ref = check.text("document_ref", required=True, max_length=60)
            repair_order_ref = check.text("repair_order_ref", max_length=40)
            if requested and supplied is not None and supplied > requested:
                check.fail(
                    "quantity_supplied",
                    _("More supplied (%(supplied)s) than requested (%(requested)s).")
                    % {"supplied": format(supplied.normalize(), "f"), "requested": format(requested.normalize(), "f")},
                )
            if part and warehouse and document_ref:
                key = (warehouse.pk, document_ref, part.pk)
                if key in self.seen:
                    check.fail(
                        "document_ref",
                        _("%(document_ref)s / %(part)s appears twice (also row %(seen)s).")
                        % {"document_ref": document_ref, "part": part.number, "seen": self.seen[key]},
                    )
                self.seen.setdefault(key, row)
            if check.failed:
                continue
            supplied, unit_price, unit_cost = _checked(supplied), _checked(unit_price), _checked(unit_cost)
            rows.append(
                {
                    "occurred_at": _checked(occurred_at),
                    "warehouse": _checked(warehouse),
                    "requested_part": _checked(part),
                    "quantity_requested": _checked(requested),
                    "quantity_supplied": supplied,
                    "quantity_lost": _checked(lost),
                    "unit_price": unit_price,
                    "sales_value": money(supplied * unit_price),
                    "cost_value": money(supplied * unit_cost),
                    "document_ref": document_ref,
                    "repair_order_ref": repair_order_ref,
                }
            )
        _count(self.report, inventory_services.demand_hits_import_bulk(lines=rows))


class SupplierPartResource(ImportResource):
    """Supplier price lists: one row per supplier and part (the natural key), the same columns as the
    purchasing admin's price list import so one file serves both."""

    kind = ImportKind.SUPPLIER_PARTS
    required = ("supplier", "part_number", "price")
    natural_key = "supplier + part_number"
    supplier = _field("supplier")
    part_number = _field("part_number")
    supplier_part_number = _field("supplier_part_number")
    price = _field("price")
    lead_time_days = _field("lead_time_days")
    min_order_qty = _field("min_order_qty")
    pack_size = _field("pack_size")
    is_preferred = _field("is_preferred")
    purchase_unit = _field("purchase_unit")
    purchase_factor = _field("purchase_factor")

    class Meta:
        fields = (
            "supplier",
            "part_number",
            "supplier_part_number",
            "price",
            "lead_time_days",
            "min_order_qty",
            "pack_size",
            "is_preferred",
            "purchase_unit",
            "purchase_factor",
        )

    FIELDS = (
        "supplier_part_number",
        "price",
        "lead_time_days",
        "min_order_qty",
        "pack_size",
        "is_preferred",
        "purchase_unit",
        "purchase_factor",
    )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        from suppliers.models import Supplier

        self.suppliers = {s.code.upper(): s for s in Supplier.objects.all()}
        self.seen: dict[tuple[int, int], int] = {}

    def process(self, chunk) -> None:
        from suppliers.models import SupplierPart
        from suppliers.services import purchase_unit_checked

        parts = self.parts_for(chunk)
        rows: list[tuple[Supplier, Part, dict[str, Any]]] = []
        for row, values in chunk:
            check = RowCheck(self.report, row, values)
            code = check.text("supplier", required=True, max_length=20)
            supplier = self.suppliers.get(code.upper()) if code else None
            if code and supplier is None:
                check.fail("supplier", _("No supplier %(code)s.") % {"code": code})
            part = self.part(check, parts)
            supplier_part_number = check.text("supplier_part_number", max_length=40)
            price = check.decimal("price", places=4)
            lead_time_days = check.integer("lead_time_days", default=7)
            min_order_qty = check.decimal("min_order_qty", places=3, default=Decimal(1))
            pack_size = check.decimal("pack_size", places=3, default=Decimal(1))
            fields: dict[str, Any] = {
                "supplier_part_number": supplier_part_number,
                "price": price,
                "lead_time_days": lead_time_days,
                "min_order_qty": min_order_qty,
                "pack_size": pack_size,
                "is_preferred": check.boolean("is_preferred"),
            }
            for column, quantity in (("min_order_qty", min_order_qty), ("pack_size", pack_size)):
                if quantity is not None and quantity <= 0:
                    check.fail(column, _("Must be greater than zero."))
            # the supplier's purchase unit (empty: it sells in our stock unit); the same check as the screen's
            purchase_unit = check.text("purchase_unit", max_length=20)
            purchase_factor = check.decimal("purchase_factor", places=3, default=Decimal(1), minimum=None)
            if part is not None and purchase_factor is not None:
                try:
                    fields["purchase_unit"], fields["purchase_factor"] = purchase_unit_checked(
                        part=part, unit=purchase_unit, factor=purchase_factor
                    )
                except DomainError as error:
                    check.fail(error.field or "purchase_factor", error.message)
            if supplier and part:
                key = (supplier.pk, part.pk)
                if key in self.seen:
                    check.fail(
                        "part_number",
                        _("%(part)s of %(supplier)s appears twice (also row %(seen)s).")
                        % {"part": part.number, "supplier": supplier.code, "seen": self.seen[key]},
                    )
                self.seen.setdefault(key, row)
            if check.failed:
                continue
            rows.append((_checked(supplier), _checked(part), fields))
        existing = {
            (sp.supplier_id, sp.part_id): sp
            for sp in SupplierPart.objects.filter(
                supplier_id__in={r[0].pk for r in rows}, part_id__in={r[1].pk for r in rows}
            )
        }
        to_create, to_update = [], []
        for supplier, part, fields in rows:
            current = existing.get((supplier.pk, part.pk))
            if current is None:
                to_create.append(SupplierPart(supplier=supplier, part=part, **fields))
            elif any(getattr(current, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(current, name, value)
                current.updated_at = timezone.now()
                to_update.append(current)
        if to_create:
            bulk_create_with_history(to_create, SupplierPart, batch_size=1000, default_user=self.user)
        if to_update:
            bulk_update_with_history(
                to_update, SupplierPart, list(self.FIELDS), batch_size=1000, default_user=self.user
            )
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
        self.report.unchanged += len(rows) - len(to_create) - len(to_update)


RESOURCES: dict[str, type[ImportResource]] = {
    ImportKind.PARTS: PartResource,
    ImportKind.OPENING_STOCK: OpeningStockResource,
    ImportKind.DEMAND_HISTORY: DemandHistoryResource,
    ImportKind.STOCK_PARAMETERS: StockParametersResource,
    ImportKind.SUPPLIER_PARTS: SupplierPartResource,
}

__all__ = ["RESOURCES", "ImportReport", "ImportResource", "RowProblem"]
