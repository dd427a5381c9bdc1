# ruff: noqa: S311 -- seeded pseudo-random numbers for demo data, not for secrets
"""The demo dealer, generated: network, catalogue, suppliers and 24 months of demand.

Pure module: no ORM, no clock. Everything comes from one seed, so the same
seed, part count and dates always give the same data set. The builders in
``demo.builders`` turn these plain records into postings through the services.

The story: a dealer group with one central warehouse, two regional warehouses
and three workshop stores. Demand is intermittent and skewed, as spare-parts
demand is: a tenth of the parts (filters, pads, bulbs, oil) are asked for every
week, a fifth now and then, most a few times a year, and some not at all any
more (dead stock). Newer parts were first stocked during the last year; some
numbers were superseded by newer ones (a few in chains of three).
"""

from __future__ import annotations

import functools
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from inventory.months import add_months

# --- demand classes ---------------------------------------------------------------------------

FAST, MEDIUM, SLOW, DEAD, NEW = "A", "B", "C", "dead", "new"
CLASS_SHARES: dict[str, float] = {FAST: 0.10, MEDIUM: 0.20, SLOW: 0.40, DEAD: 0.15, NEW: 0.15}
SUPERSEDED_SHARE = 0.05  # of all parts, a superseded (old) number
THREE_CHAIN_SHARE = 0.15  # of supersession families, chains of three numbers
CRITICAL_SHARE = 0.02

# --- the network ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarehouseProfile:
    code: str
    name: str
    echelon: str
    parent: str | None
    demand_scale: float  # share of a store's demand rate seen here
    workshop_share: float  # of its demand lines, workshop request lines (the rest counter sales)
    aisles: str
    racks: int
    shelves: int
    review_weekdays: tuple[int, ...]  # days stock orders are placed (Monday = 0)


NETWORK: tuple[WarehouseProfile, ...] = (
    WarehouseProfile("CEN", "Central warehouse Kassel", "central", None, 0.5, 0.0, "ABCDEFGH", 20, 5, (2,)),
    WarehouseProfile("REG-N", "Regional warehouse North, Hamburg", "regional", "CEN", 0.6, 0.0, "ABCD", 12, 5, (1,)),
    WarehouseProfile("REG-S", "Regional warehouse South, Munich", "regional", "CEN", 0.6, 0.0, "ABCD", 12, 5, (3,)),
    WarehouseProfile("ST-HAM", "Workshop store Hamburg-Altona", "store", "REG-N", 1.0, 0.8, "ABC", 10, 5, (0, 3)),
    WarehouseProfile("ST-BRE", "Workshop store Bremen", "store", "REG-N", 1.0, 0.8, "ABC", 10, 5, (0, 3)),
    WarehouseProfile("ST-MUC", "Workshop store Munich-Pasing", "store", "REG-S", 1.0, 0.8, "ABC", 10, 5, (0, 3)),
)
STORES = tuple(w.code for w in NETWORK if w.echelon == "store")

# Pairs that cover each other's shortages by transfer, with the transfer lead time in days.
NEIGHBOURS: tuple[tuple[str, str, int], ...] = (
    ("ST-HAM", "ST-BRE", 1),
    ("ST-BRE", "ST-MUC", 2),
    ("REG-N", "REG-S", 2),
)


def bin_codes(warehouse: WarehouseProfile) -> list[str]:
    """Aisle-rack-shelf codes such as ``B-07-3``."""
    return [
        f"{aisle}-{rack:02d}-{shelf}"
        for aisle in warehouse.aisles
        for rack in range(1, warehouse.racks + 1)
        for shelf in range(1, warehouse.shelves + 1)
    ]


# --- suppliers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierProfile:
    code: str
    name: str
    lead_time_days: tuple[int, int]  # range of its lead times
    discount: tuple[float, float]  # purchase price = list price × (1 − discount)
    categories: tuple[str, ...]  # empty: everything (the manufacturer)
    on_time: float  # share of deliveries that arrive as promised


SUPPLIERS: tuple[SupplierProfile, ...] = (
    SupplierProfile("OEM", "Manufacturer Parts Centre", (2, 4), (0.28, 0.34), (), 0.95),
    SupplierProfile(
        "BOSCH", "Robert Bosch Aftermarket", (3, 7), (0.30, 0.38), ("Electrics", "Lighting", "Filters"), 0.92
    ),
    SupplierProfile("MANN", "Mann+Hummel Filter", (3, 6), (0.32, 0.40), ("Filters",), 0.93),
    SupplierProfile("ATE", "ATE Brake Systems", (4, 8), (0.30, 0.36), ("Brakes",), 0.90),
    SupplierProfile("HELLA", "Hella Lighting", (5, 10), (0.30, 0.38), ("Lighting", "Electrics"), 0.88),
    SupplierProfile("CASTROL", "Castrol Lubricants", (2, 5), (0.25, 0.35), ("Fluids",), 0.96),
    SupplierProfile("CONTI", "Continental Tyres", (3, 9), (0.20, 0.28), ("Tyres", "Engine"), 0.91),
    SupplierProfile("SACHS", "ZF Sachs Chassis", (6, 14), (0.28, 0.35), ("Suspension", "Engine"), 0.85),
    SupplierProfile("WUERTH", "Würth Workshop Supplies", (2, 3), (0.40, 0.50), ("Small parts",), 0.97),
    SupplierProfile("VALEO", "Valeo Service", (7, 15), (0.30, 0.37), ("Electrics", "Body", "Air conditioning"), 0.84),
    SupplierProfile("BODYTEC", "Bodytec Panels", (12, 30), (0.35, 0.45), ("Body",), 0.78),
    SupplierProfile("EXHAUST", "Eberspächer Exhaust", (8, 20), (0.30, 0.40), ("Exhaust",), 0.86),
)

# --- catalogue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    name: str
    group: str  # main group digits in the part number
    speed: float  # how likely its parts are fast movers (relative)
    unit: str
    items: tuple[tuple[str, float], ...]  # description and median list price
    quantities: tuple[str, ...]  # typical quantities per demand line, the first most common
    season: str = ""
    may_supersede: bool = True


PRICE_SIGMA = 0.35  # spread of list prices around an item's median (log-normal)

# fmt: off
CATEGORIES: tuple[Category, ...] = (
    Category("Filters", "115", 3.0, "PCS", (
        ("Oil filter", 14), ("Air filter element", 24), ("Pollen filter with active carbon", 32),
        ("Fuel filter", 38), ("Gearbox oil filter", 45), ("Oil filter insert", 11),
    ), ("1",)),
    Category("Brakes", "615", 1.6, "SET", (
        ("Brake pad set front axle", 95), ("Brake pad set rear axle", 72), ("Brake disc front vented", 88),
        ("Brake disc rear", 64), ("Brake caliper front left", 240), ("Brake caliper front right", 240),
        ("Brake hose front", 29), ("Wear indicator contact", 12),
    ), ("1",)),
    Category("Lighting", "941", 1.3, "PCS", (
        ("Bulb H7 12V 55W", 9), ("Bulb H4 12V 60/55W", 8), ("Bulb W5W", 2.5), ("Tail light right", 185),
        ("Tail light left", 185), ("LED daytime running light left", 260), ("Fog light right", 75),
        ("Number plate light", 18),
    ), ("1", "2")),
    Category("Electrics", "905", 1.4, "PCS", (
        ("Spark plug", 14), ("Ignition coil", 68), ("Starter battery 12V 70Ah", 165), ("Starter motor", 420),
        ("Alternator 140A", 560), ("Wiper blade set", 38), ("Fuse 15A", 1.2), ("Relay", 22), ("Lambda probe", 145),
        ("Glow plug", 26),
    ), ("1", "4"), "winter"),
    Category("Engine", "121", 0.8, "PCS", (
        ("Timing belt kit", 210), ("Water pump with gasket", 135), ("Thermostat housing", 78), ("V-ribbed belt", 32),
        ("Cylinder head gasket", 85), ("Oil drain plug", 4.5), ("Seal ring", 2.2), ("Valve cover gasket", 36),
        ("Turbocharger hose", 95), ("Engine mount", 120),
    ), ("1",)),
    Category("Suspension", "407", 0.6, "PCS", (
        ("Shock absorber front", 150), ("Shock absorber rear", 110), ("Control arm lower left", 145),
        ("Control arm lower right", 145), ("Coupling rod", 35), ("Wheel bearing kit", 120), ("Track rod end", 48),
        ("Coil spring front", 70),
    ), ("1", "2")),
    Category("Body", "853", 0.25, "PCS", (
        ("Bumper cover front primed", 390), ("Door mirror glass left", 65), ("Wing front right", 240),
        ("Radiator grille", 180), ("Trim clip", 1.9), ("Bonnet hinge", 55), ("Wheel arch liner front left", 48),
        ("Emblem rear", 42),
    ), ("1",)),
    Category("Fluids", "052", 2.4, "L", (
        ("Engine oil 5W-30 LongLife", 17), ("Engine oil 0W-20", 19), ("Coolant G13 concentrate", 9),
        ("Brake fluid DOT 4", 14), ("Windscreen washer concentrate", 5), ("ATF gearbox oil", 24),
    ), ("4.5", "1", "4", "5", "0.5"), "", False),
    Category("Tyres", "601", 0.7, "PCS", (
        ("Summer tyre 205/55 R16 91V", 110), ("Winter tyre 205/55 R16 91H", 120), ("Summer tyre 225/45 R17 94W", 150),
        ("Winter tyre 225/45 R17 94V", 165), ("All-season tyre 195/65 R15 91H", 98),
    ), ("4", "2"), "tyres", False),
    Category("Small parts", "998", 2.2, "PCS", (
        ("Hexagon screw M6x16", 0.9), ("Hexagon nut M8", 0.6), ("Spreading rivet", 1.4), ("Hose clamp", 2.8),
        ("Cable tie", 0.4), ("Sealing washer", 1.1), ("Wheel bolt", 4.2),
    ), ("1", "2", "4", "10"), "", False),
    Category("Air conditioning", "820", 0.4, "PCS", (
        ("AC compressor", 690), ("AC condenser", 280), ("Expansion valve", 95), ("Receiver drier", 75),
        ("AC pressure switch", 45),
    ), ("1",), "summer"),
    Category("Exhaust", "253", 0.3, "PCS", (
        ("Rear silencer", 240), ("Catalytic converter", 780), ("Exhaust gasket", 8), ("Exhaust clamp", 16),
        ("Particulate filter", 1150),
    ), ("1",)),
)
# fmt: on
CATEGORY_BY_NAME = {c.name: c for c in CATEGORIES}
MODEL_PREFIXES = ("1K0", "5Q0", "3C0", "04E", "06L", "7N0", "2G0", "8W0", "4M0", "5G0", "3G0", "1T0", "6R0", "03L")


def season_factor(season: str, month: int) -> float:
    """Relative demand in a calendar month (mean about 1 over the year)."""
    if season == "tyres":  # changeover to summer in spring, to winter in autumn
        return {3: 2.2, 4: 2.6, 5: 1.0, 10: 2.6, 11: 2.2}.get(month, 0.35)
    if season == "winter":  # batteries, glow plugs and wipers die in the cold
        return {11: 1.3, 12: 1.5, 1: 1.6, 2: 1.4}.get(month, 0.85)
    if season == "summer":
        return {5: 1.3, 6: 1.7, 7: 1.9, 8: 1.6}.get(month, 0.62)
    return 1.0


@dataclass(frozen=True)
class SupplierOffer:
    supplier: str
    supplier_number: str
    price: Decimal
    lead_time_days: int
    min_order_quantity: Decimal
    pack_size: Decimal
    preferred: bool
    # The supplier's own unit for a pack (a box of 10, a set of 2, a drum of 20 l); empty: sold loose.
    # Quantities and the price above stay per stock unit; the supplier part is written per purchase unit.
    purchase_unit: str = ""

    @property
    def purchase_factor(self) -> Decimal:
        return self.pack_size if self.purchase_unit else Decimal(1)


@dataclass(frozen=True)
class PartProfile:
    index: int
    family: int
    number: str
    description: str
    category: str
    unit: str
    list_price: Decimal
    demand_class: str  # the family's: A, B, C, dead or new
    is_critical: bool
    superseded_by: int | None = None  # index of the newer part
    superseded_on: date | None = None  # from this day requests are served by the newer part
    offers: tuple[SupplierOffer, ...] = ()

    @property
    def preferred_offer(self) -> SupplierOffer:
        return next(offer for offer in self.offers if offer.preferred)

    @property
    def standard_cost(self) -> Decimal:
        return self.preferred_offer.price


@dataclass(frozen=True)
class Family:
    """One demand stream: a part and the newer numbers that replaced it over time."""

    index: int
    demand_class: str
    members: tuple[int, ...]  # part indices, oldest first
    switch_days: tuple[date, ...]  # members[i + 1] serves from switch_days[i]
    monthly_hits: float  # demand lines per month in a store (scale 1)
    starts_on: date | None  # new parts: first demand (first stocked a little before)
    ends_on: date | None  # dead parts: last possible demand (None: never had demand)
    warehouses: tuple[str, ...]  # where it is stocked and asked for
    quantities: tuple[Decimal, ...]
    season: str
    service_level: float  # the replenishment policy's aim for this part
    on_demand: tuple[str, ...] = ()  # warehouses that do not stock it: ordered when asked for

    def serving(self, day: date) -> int:
        current = self.members[0]
        for member, switch in zip(self.members[1:], self.switch_days, strict=True):
            if day >= switch:
                current = member
        return current


@dataclass(frozen=True)
class Catalogue:
    seed: int
    start: date
    today: date
    parts: tuple[PartProfile, ...]
    families: tuple[Family, ...]

    def class_shares(self) -> dict[str, float]:
        counts: dict[str, int] = defaultdict(int)
        for family in self.families:
            counts[family.demand_class] += 1
        return {name: counts[name] / len(self.families) for name in CLASS_SHARES}


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _price(rng: random.Random, median: float) -> Decimal:
    price = math.exp(math.log(median) + rng.gauss(0, PRICE_SIGMA))
    price = min(max(price, 0.35), 4200.0)
    # Dealers' list prices end in .x0 or .x5 above ten, in cents below.
    if price >= 10:
        return _money(round(price * 20) / 20)
    return _money(price)


def _number(rng: random.Random, category: Category, taken: set[str]) -> str:
    while True:
        if category.name == "Fluids":
            number = f"G {rng.randint(0, 99):03d} {rng.randint(100, 999)} {rng.choice('ACMR')}{rng.randint(1, 9)}"
        elif category.name == "Small parts":
            number = f"N {rng.randint(10, 99):03d} {rng.randint(100, 999)} {rng.randint(1, 9)}"
        else:
            prefix = rng.choice(MODEL_PREFIXES)
            group = int(category.group) + rng.randint(0, 9)
            suffix = rng.choice(("", "", "A", "B", "C", "D", "E", "AA", "AB", "G", "H", "J", "K"))
            number = f"{prefix} {group:03d} {rng.randint(0, 999):03d} {suffix}".strip()
        if number not in taken:
            taken.add(number)
            return number


def _next_number(number: str, taken: set[str]) -> str:
    """The superseding number: same base, next index letter (``... A`` → ``... B``)."""
    base, _, suffix = number.rpartition(" ")
    if suffix.isalpha() and base:
        stem = base
        letters = suffix
    else:
        stem, letters = number, ""
    candidate = ""
    step = 1
    while not candidate or candidate in taken:
        if letters:
            last = chr(min(ord(letters[-1]) + step, ord("Z")))
            candidate = f"{stem} {letters[:-1]}{last}"
        else:
            candidate = f"{stem} {chr(ord('A') + step - 1)}"
        step += 1
        if step > 20:
            candidate = f"{stem} X{len(taken)}"
    taken.add(candidate)
    return candidate


def _offers(rng: random.Random, part_number: str, category: Category, list_price: Decimal) -> tuple[SupplierOffer, ...]:
    specialists = [s for s in SUPPLIERS if category.name in s.categories]
    oem = SUPPLIERS[0]
    candidates = [oem, *rng.sample(specialists, k=min(len(specialists), rng.choice((0, 1, 1, 2))))]
    # Specialists are cheaper but slower; the manufacturer is preferred for most parts.
    preferred = 0 if rng.random() < 0.8 or len(candidates) == 1 else rng.randrange(1, len(candidates))
    whole = category.unit != "L"
    offers = []
    for position, supplier in enumerate(candidates):
        discount = rng.uniform(*supplier.discount)
        price = _money(float(list_price) * (1 - discount))
        if price <= 0:
            price = Decimal("0.01")
        pack = Decimal(rng.choice((1, 1, 1, 2, 5, 10))) if category.name == "Small parts" else Decimal(1)
        if category.name == "Fluids":
            pack = Decimal(rng.choice((1, 5, 20)))
        moq = pack * rng.choice((1, 1, 1, 2)) if whole else pack
        offers.append(
            SupplierOffer(
                supplier=supplier.code,
                supplier_number=f"{supplier.code[:3]}-{part_number.replace(' ', '')}",
                price=price,
                lead_time_days=rng.randint(*supplier.lead_time_days),
                min_order_quantity=moq,
                pack_size=pack,
                preferred=position == preferred,
                purchase_unit=_purchase_unit(category.name, pack),
            )
        )
    return tuple(offers)


def _purchase_unit(category: str, pack: Decimal) -> str:
    """What a pack is called: small parts come in sets of 2 and boxes, fluids in cans and drums."""
    if pack <= 1:
        return ""
    if category == "Fluids":
        return "drum" if pack >= 20 else "can"
    return "set" if pack == 2 else "box"


def _monthly_hits(rng: random.Random, demand_class: str) -> float:
    if demand_class == FAST:
        return min(max(math.exp(math.log(1.2) + rng.gauss(0, 0.5)), 1.05), 12.0)
    if demand_class == MEDIUM:
        return rng.uniform(0.35, 0.8)
    if demand_class == SLOW:
        return rng.uniform(0.07, 0.24)
    if demand_class == DEAD:
        return rng.uniform(0.08, 0.3)
    # new parts: a mix, as new models bring fast and slow movers alike
    return _monthly_hits(rng, rng.choices((FAST, MEDIUM, SLOW), weights=(0.2, 0.3, 0.5))[0])


def _warehouses(rng: random.Random, demand_class: str) -> tuple[str, ...]:
    chance = {
        FAST: {"store": 1.0, "regional": 1.0, "central": 1.0},
        MEDIUM: {"store": 0.75, "regional": 0.6, "central": 0.4},
        SLOW: {"store": 0.55, "regional": 0.2, "central": 0.15},
        DEAD: {"store": 0.25, "regional": 0.12, "central": 0.12},
        NEW: {"store": 0.6, "regional": 0.3, "central": 0.2},
    }[demand_class]
    chosen = tuple(w.code for w in NETWORK if rng.random() < chance[w.echelon])
    return chosen or (rng.choice(NETWORK).code,)


def history_start(today: date, months: int) -> date:
    """First day of history: the first of the month ``months`` months before today's month."""
    return add_months(today.replace(day=1), -months)


def generate_catalogue(*, seed: int, parts: int, today: date, months: int) -> Catalogue:
    """About ``parts`` parts in demand families with the class shares of ``CLASS_SHARES``."""
    if parts < 10:
        raise ValueError("The demo needs at least 10 parts.")
    rng = random.Random(f"{seed}-catalogue")
    start = history_start(today, months)
    days = (today - start).days

    superseded = round(parts * SUPERSEDED_SHARE)
    three_chains = round(superseded * THREE_CHAIN_SHARE / (2 - THREE_CHAIN_SHARE)) if superseded >= 4 else 0
    two_chains = superseded - 2 * three_chains
    n_families = parts - superseded

    # Class quotas. The fast classes go to the families with the highest speed draws (filters,
    # fluids and small parts are more often fast movers than body panels); slow, dead and new
    # share the rest at random.
    counts = {name: round(n_families * share) for name, share in CLASS_SHARES.items()}
    counts[SLOW] += n_families - sum(counts.values())
    draft = []
    for _ in range(n_families):
        category = rng.choices(CATEGORIES, weights=[1.0 + c.speed for c in CATEGORIES])[0]
        draft.append((category, rng.random() ** (1 / category.speed)))
    order = sorted(range(n_families), key=lambda i: -draft[i][1])
    fast_count = counts[FAST] + counts[MEDIUM]
    rest = [SLOW] * counts[SLOW] + [DEAD] * counts[DEAD] + [NEW] * counts[NEW]
    rng.shuffle(rest)
    classes = [""] * n_families
    for position, i in enumerate(order):
        if position < counts[FAST]:
            classes[i] = FAST
        elif position < fast_count:
            classes[i] = MEDIUM
        else:
            classes[i] = rest[position - fast_count]

    eligible = [i for i in range(n_families) if classes[i] in (FAST, MEDIUM, SLOW) and draft[i][0].may_supersede]
    rng.shuffle(eligible)
    chain_length = {i: 3 for i in eligible[:three_chains]}
    chain_length.update({i: 2 for i in eligible[three_chains : three_chains + two_chains]})

    taken: set[str] = set()
    part_list: list[PartProfile] = []
    families: list[Family] = []
    critical_left = max(1, round(parts * CRITICAL_SHARE))
    for f in range(n_families):
        category, _ = draft[f]
        demand_class = classes[f]
        item, median_price = rng.choice(category.items)
        length = chain_length.get(f, 1)
        switches = tuple(
            sorted(
                start + timedelta(days=rng.randint(min(60, days // 3), max(days - 21, days // 2)))
                for _ in range(length - 1)
            )
        )
        price = _price(rng, median_price)
        critical = (
            critical_left > 0
            and demand_class in (FAST, MEDIUM)
            and category.name in ("Brakes", "Engine", "Electrics")
            and rng.random() < 0.35
        )
        if critical:
            critical_left -= 1
        numbers = [_number(rng, category, taken)]
        prices = [price]
        for _ in range(length - 1):
            numbers.append(_next_number(numbers[-1], taken))
            prices.append(_money(float(prices[-1]) * rng.uniform(1.0, 1.12)))
        members = [len(part_list) + position for position in range(length)]
        for position, index in enumerate(members):
            part_list.append(
                PartProfile(
                    index=index,
                    family=f,
                    number=numbers[position],
                    description=_description(item, category, rng, position),
                    category=category.name,
                    unit=category.unit,
                    list_price=prices[position],
                    demand_class=demand_class,
                    is_critical=critical,
                    superseded_by=members[position + 1] if position + 1 < length else None,
                    superseded_on=switches[position] if position + 1 < length else None,
                    offers=_offers(rng, numbers[position], category, prices[position]),
                )
            )
        starts_on = ends_on = None
        if demand_class == NEW:
            starts_on = today - timedelta(days=rng.randint(10, min(360, days - 1)))
        # Dead: demand stopped more than a year ago, or never came (stock bought for a campaign).
        if demand_class == DEAD and days > 400 and rng.random() < 0.6:
            ends_on = start + timedelta(days=rng.randint(30, days - 380))
        service = {FAST: 0.95, MEDIUM: 0.9, SLOW: 0.6, DEAD: 0.5, NEW: 0.85}[demand_class]
        warehouses = _warehouses(rng, demand_class)
        # Half of the slow movers are not kept on the shelf of a warehouse: ordered on demand.
        on_demand = tuple(w for w in warehouses if demand_class == SLOW and rng.random() < 0.5)
        families.append(
            Family(
                index=f,
                demand_class=demand_class,
                members=tuple(members),
                switch_days=switches,
                monthly_hits=_monthly_hits(rng, demand_class),
                starts_on=starts_on,
                ends_on=ends_on,
                warehouses=warehouses,
                quantities=tuple(Decimal(q) for q in category.quantities),
                season=category.season,
                service_level=0.985 if critical else service,
                on_demand=on_demand,
            )
        )
    return Catalogue(seed=seed, start=start, today=today, parts=tuple(part_list), families=tuple(families))


def _description(item: str, category: Category, rng: random.Random, position: int) -> str:
    detail = rng.choice(("", "", "", " (kit)", " with fitting kit", " OE quality", " for 4MOTION", " for TDI"))
    if category.name in ("Fluids", "Tyres", "Small parts"):
        detail = ""
    text = f"{item}{detail}"
    return f"{text} (revised)" if position else text


# --- demand -----------------------------------------------------------------------------------

WORKSHOP, COUNTER = "workshop", "counter"
WAREHOUSE_BY_CODE = {w.code: w for w in NETWORK}


@dataclass(frozen=True)
class DemandLine:
    requested: int  # index of the part number asked for
    served: int  # index of the part that serves it (the end of the chain that day)
    quantity: Decimal


@dataclass(frozen=True)
class DemandDocument:
    """A workshop request for one repair order, or one counter sale."""

    day: date
    minute: int  # minutes after midnight, local time
    warehouse: str
    source: str
    document_ref: str
    repair_order_ref: str
    lines: tuple[DemandLine, ...]


def poisson_sample(rng: random.Random, mean: float) -> int:
    """Knuth's method; the means here are small (a few hits a month)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def poisson_quantile(mean: float, probability: float) -> int:
    """Smallest k with P(X <= k) >= probability for X ~ Poisson(mean)."""
    if mean <= 0:
        return 0
    k, term = 0, math.exp(-mean)
    cdf = term
    while cdf < probability and k < 10_000:
        k += 1
        term *= mean / k
        cdf += term
    return k


def _month_starts(start: date, today: date) -> list[date]:
    months, day = [], start.replace(day=1)
    while day < today:
        months.append(day)
        day = add_months(day, 1)
    return months


def _line_quantity(rng: random.Random, quantities: tuple[Decimal, ...]) -> Decimal:
    weights = [0.7] + [0.3 / (len(quantities) - 1)] * (len(quantities) - 1) if len(quantities) > 1 else [1.0]
    return rng.choices(quantities, weights=weights)[0]


@functools.lru_cache(maxsize=4096)
def _working_days(first: date, last: date, *, saturdays: bool) -> tuple[tuple[date, ...], tuple[float, ...]]:
    days: list[date] = []
    weights: list[float] = []
    day = first
    while day <= last:
        weekday = day.weekday()
        if weekday < 5 or (weekday == 5 and saturdays):
            days.append(day)
            weights.append(1.0 if weekday < 5 else 0.35)
        day += timedelta(days=1)
    return tuple(days), tuple(weights)


def _group_sizes(rng: random.Random, count: int, weights: tuple[float, ...]) -> list[int]:
    sizes = []
    while count > 0:
        size = min(count, rng.choices(range(1, len(weights) + 1), weights=weights)[0])
        sizes.append(size)
        count -= size
    return sizes


def generate_demand(catalogue: Catalogue) -> list[DemandDocument]:
    """Every demand document from the first day of history to yesterday, in time order.

    Hits per family, warehouse and month are Poisson with the family's rate ×
    the warehouse's scale × the season, inside the family's active window;
    that gives the intermittent, skewed pattern of spare-parts demand.
    Workshop lines are grouped into repair orders of one to four lines.
    """
    rng = random.Random(f"{catalogue.seed}-demand")
    last_day = catalogue.today - timedelta(days=1)
    months = _month_starts(catalogue.start, catalogue.today)
    calendar = {}
    for month_start in months:
        month_end = min(add_months(month_start, 1) - timedelta(days=1), last_day)
        calendar[month_start] = month_end
    raw: dict[tuple[date, str, str], list[DemandLine]] = defaultdict(list)
    for family in catalogue.families:
        for code in family.warehouses:
            warehouse = WAREHOUSE_BY_CODE[code]
            saturdays = warehouse.echelon == "store"
            for month_start, month_end in calendar.items():
                first = max(month_start, family.starts_on or month_start)
                last = month_end
                if family.demand_class == DEAD:
                    if family.ends_on is None:
                        continue
                    last = min(last, family.ends_on)
                if first > last:
                    continue
                full = (month_end - month_start).days + 1 if month_start.month != catalogue.today.month else 30
                share = ((last - first).days + 1) / max(full, 1)
                mean = family.monthly_hits * warehouse.demand_scale * season_factor(family.season, month_start.month)
                hits = poisson_sample(rng, mean * min(share, 1.0))
                if not hits:
                    continue
                days, weights = _working_days(first, last, saturdays=saturdays)
                if not days:
                    continue
                for day in rng.choices(days, weights=weights, k=hits):
                    served = family.serving(day)
                    requested = served
                    position = family.members.index(served)
                    if position and rng.random() < 0.35:
                        # The technician typed the number from the old catalogue page.
                        requested = family.members[rng.randrange(position)]
                    source = WORKSHOP if rng.random() < warehouse.workshop_share else COUNTER
                    line = DemandLine(requested, served, _line_quantity(rng, family.quantities))
                    raw[(day, code, source)].append(line)

    documents: list[tuple[date, int, str, str, tuple[DemandLine, ...]]] = []
    for (day, code, source), lines in sorted(raw.items()):
        rng.shuffle(lines)
        if source == WORKSHOP:
            sizes = _group_sizes(rng, len(lines), (0.45, 0.3, 0.15, 0.1))
            earliest, latest = 7 * 60 + 30, 16 * 60 + 30
        else:
            sizes = _group_sizes(rng, len(lines), (0.75, 0.25))
            earliest, latest = 8 * 60, 17 * 60 + 45
        position = 0
        for size in sizes:
            documents.append(
                (day, rng.randint(earliest, latest), code, source, tuple(lines[position : position + size]))
            )
            position += size
    documents.sort(key=lambda d: (d[0], d[1], d[2], d[3]))

    sequence: dict[tuple[str, int], int] = defaultdict(int)
    result = []
    for day, minute, code, source, document_lines in documents:
        year = day.year % 100
        if source == WORKSHOP:
            sequence[("RO", year)] += 1
            number = sequence[("RO", year)]
            document_ref, repair_order_ref = f"WR-{year:02d}-{number:06d}", f"RO-{year:02d}-{number:06d}"
        else:
            sequence[("CS", year)] += 1
            document_ref, repair_order_ref = f"CS-{year:02d}-{sequence[('CS', year)]:06d}", ""
        result.append(DemandDocument(day, minute, code, source, document_ref, repair_order_ref, document_lines))
    return result


# --- replenishment policy -----------------------------------------------------------------------


@dataclass(frozen=True)
class StockPolicy:
    min_qty: Decimal  # order when the stock position falls to this or below
    max_qty: Decimal  # order up to this


def stock_policy(
    *, family: Family, warehouse: str, lead_time_days: int, review_days: float, pack_size: Decimal = Decimal(1)
) -> StockPolicy:
    """Min/max from the Poisson quantile of demand over review period + lead time.

    The order quantity is about a month's demand for fast movers, two for
    medium ones and one line's quantity for slow movers; parts a warehouse
    orders on demand have min = max = 0.
    """
    if warehouse in family.on_demand:
        return StockPolicy(Decimal(0), Decimal(0))
    scale = WAREHOUSE_BY_CODE[warehouse].demand_scale
    monthly = family.monthly_hits * scale
    mean_quantity = sum(family.quantities) / len(family.quantities)
    cover = monthly / 30.4 * (lead_time_days + review_days)
    min_hits = poisson_quantile(cover, family.service_level)
    min_qty = Decimal(math.ceil(min_hits * float(mean_quantity)))
    months_per_order = 2.0 if monthly >= 1 else 4.0 if monthly >= 0.3 else 0.0
    order_qty = max(max(family.quantities), Decimal(math.ceil(monthly * months_per_order * float(mean_quantity))))
    if pack_size > 1:
        order_qty = (order_qty / pack_size).to_integral_value(rounding="ROUND_CEILING") * pack_size
    return StockPolicy(min_qty, min_qty + order_qty)
