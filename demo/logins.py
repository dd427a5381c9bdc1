"""The demo's users: one per role (a clerk per warehouse), with known passwords. Pure data."""

from __future__ import annotations

from dataclasses import dataclass

ALL_WAREHOUSES = ("CEN", "REG-N", "REG-S", "ST-HAM", "ST-BRE", "ST-MUC")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str  # a group in core.roles.Role, or "admin" for the superuser
    warehouses: tuple[str, ...]  # where the user posts
    name: str
    note: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("clerk", "demo-clerk-2026", "clerk", ("ST-HAM",), "Kai Clerk", "receives and issues in ST-HAM"),
    DemoLogin("clerk-bre", "demo-clerk-2026", "clerk", ("ST-BRE",), "Bea Clerk", "warehouse clerk ST-BRE"),
    DemoLogin("clerk-muc", "demo-clerk-2026", "clerk", ("ST-MUC",), "Mia Clerk", "warehouse clerk ST-MUC"),
    DemoLogin("clerk-north", "demo-clerk-2026", "clerk", ("REG-N",), "Nils Clerk", "warehouse clerk REG-N"),
    DemoLogin("clerk-south", "demo-clerk-2026", "clerk", ("REG-S",), "Sara Clerk", "warehouse clerk REG-S"),
    DemoLogin("clerk-central", "demo-clerk-2026", "clerk", ("CEN",), "Carl Clerk", "warehouse clerk CEN"),
    DemoLogin("workshop", "demo-workshop-2026", "workshop", ("ST-HAM",), "Wim Workshop", "service advisor ST-HAM"),
    DemoLogin(
        "workshop-bre", "demo-workshop-2026", "workshop", ("ST-BRE",), "Wanda Workshop", "service advisor ST-BRE"
    ),
    DemoLogin(
        "workshop-muc", "demo-workshop-2026", "workshop", ("ST-MUC",), "Willi Workshop", "service advisor ST-MUC"
    ),
    DemoLogin("purchaser", "demo-purchaser-2026", "purchaser", ALL_WAREHOUSES, "Paula Purchaser", "purchase orders"),
    DemoLogin("planner", "demo-planner-2026", "planner", ALL_WAREHOUSES, "Piet Planner", "month-end, min/max"),
    DemoLogin("manager", "demo-manager-2026", "manager", (), "Marta Manager", "parts manager, everything"),
    DemoLogin("supplier", "demo-supplier-2026", "supplier", (), "Sven Supplier", "portal of supplier OEM"),
    DemoLogin("partner", "demo-partner-2026", "partner", (), "Pat Partner", "dealer exchange of Taipei Auto"),
    DemoLogin("admin", "demo-admin-2026", "admin", (), "Ada Admin", "superuser (Django admin)"),
)

# Who posts the history in each warehouse, and who raises its workshop requests.
CLERK_OF = {login.warehouses[0]: login.username for login in DEMO_LOGINS if login.role == "clerk"}
WORKSHOP_OF = {login.warehouses[0]: login.username for login in DEMO_LOGINS if login.role == "workshop"}
