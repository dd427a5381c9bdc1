"""The main menu, by role and group. Each app's screens are listed here, in one place.

An entry whose URL name does not resolve (a screen not built yet) is left out. Entries are shown
in groups (stock, workshop, purchasing, planning, month-end, settings); a group with one entry for
this user is a plain link. One entry is current: the one whose address is the longest prefix of
the page's.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import Role, user_access

INTERNAL = Role.INTERNAL
StrOrPromise = str | Promise

# (label, url name, roles that see it)
MENU: list[tuple[StrOrPromise, str, tuple[str, ...]]] = [
    (_("Stock lookup"), "inventory:stock-lookup", INTERNAL),
    (_("Stock levels"), "inventory:stock-levels", INTERNAL),
    (_("Movements"), "inventory:movements", INTERNAL),
    (_("Receiving"), "suppliers:receiving", (Role.CLERK, Role.MANAGER)),
    (_("Purchase orders"), "suppliers:po-list", (Role.PURCHASER, Role.MANAGER, Role.PLANNER)),
    (_("Quality holds"), "suppliers:holds", (Role.PURCHASER, Role.CLERK, Role.MANAGER)),
    (_("Parts"), "inventory:parts", Role.INTERNAL),
    (_("Warehouses"), "inventory:warehouses", (Role.PLANNER, Role.MANAGER, Role.PURCHASER)),
    (_("Suppliers"), "suppliers:supplier-list", (Role.PURCHASER, Role.MANAGER, Role.PLANNER)),
    (_("Who sells what"), "suppliers:supplier-parts", (Role.PURCHASER, Role.MANAGER, Role.PLANNER)),
    (_("Ratings"), "suppliers:ratings", (Role.PURCHASER, Role.MANAGER, Role.PLANNER)),
    (_("Counter sale"), "inventory:counter", (Role.CLERK, Role.MANAGER)),
    (_("Issue to a repair order"), "inventory:issue", (Role.WORKSHOP, Role.CLERK, Role.MANAGER)),
    (_("Workshop request"), "inventory:request-new", (Role.WORKSHOP, Role.CLERK, Role.MANAGER)),
    (_("Reservation"), "inventory:reservation-new", (Role.WORKSHOP, Role.CLERK, Role.MANAGER)),
    (_("Pick list"), "inventory:pick-list", (Role.CLERK, Role.MANAGER)),
    (_("Backorders"), "inventory:backorders", (Role.WORKSHOP, Role.CLERK, Role.PURCHASER, Role.MANAGER)),
    (_("Transfers"), "inventory:transfers", (Role.CLERK, Role.MANAGER)),
    (_("Workshop return"), "inventory:return-workshop", (Role.CLERK, Role.MANAGER)),
    (_("Customer return"), "inventory:return-customer", (Role.CLERK, Role.MANAGER)),
    (_("Supplier returns"), "suppliers:returns", (Role.CLERK, Role.PURCHASER, Role.MANAGER)),
    (_("Scrap"), "inventory:scrap", (Role.CLERK, Role.PLANNER, Role.MANAGER)),
    (_("Frozen stock"), "inventory:freezes", (Role.CLERK, Role.PURCHASER, Role.PLANNER, Role.MANAGER)),
    (_("Adjustment"), "inventory:adjustment-new", (Role.PLANNER, Role.MANAGER)),
    (_("Counting"), "counting:list", (Role.CLERK, Role.MANAGER, Role.PLANNER)),
    (_("Dashboard"), "kpis:dashboard", (Role.PLANNER, Role.MANAGER)),
    (_("Replenishment"), "planning:proposals", (Role.PURCHASER, Role.PLANNER, Role.MANAGER)),
    (_("Forecasts"), "planning:forecast", (Role.PLANNER, Role.PURCHASER, Role.MANAGER)),
    (_("VMI"), "planning:vmi-review", (Role.PURCHASER, Role.MANAGER)),
    (_("Supplier portal"), "suppliers:portal", (Role.SUPPLIER,)),
    (_("Dealer exchange"), "exchange:portal", (Role.PARTNER,)),
    (_("Dealer exchange"), "exchange:manage", (Role.PLANNER, Role.MANAGER, Role.CLERK)),
    (_("Imports"), "imports:list", (Role.PLANNER, Role.MANAGER)),
    (_("Closed months"), "inventory:periods", (Role.MANAGER,)),
    (_("Audit"), "inventory:audit", (Role.MANAGER,)),
    (_("Webhooks"), "webhooks:list", (Role.MANAGER,)),
    (_("Settings"), "settings", (Role.MANAGER,)),
    # The Django admin is for superusers only; managers keep everything in the app.
    (_("Admin"), "admin:index", ()),
]


# The groups in menu order, and the group of each entry: by URL name, else by the app's namespace.
GROUPS = [
    ("stock", _("Stock")),
    ("workshop", _("Workshop")),
    ("purchasing", _("Purchasing")),
    ("planning", _("Planning")),
    ("month-end", _("Month-end")),
    ("settings", _("Settings")),
]
GROUP_OF_NAME = {
    "suppliers:receiving": "stock",
    "suppliers:holds": "stock",
    "inventory:pick-list": "workshop",
    "inventory:reservation-new": "workshop",
    "inventory:request-new": "workshop",
    "inventory:backorders": "workshop",
    "inventory:return-workshop": "workshop",
    "inventory:return-customer": "workshop",
    "inventory:counter": "workshop",
    "inventory:issue": "workshop",
    "inventory:periods": "month-end",
    "inventory:audit": "settings",
    "settings": "settings",
    "admin:index": "settings",
}
GROUP_OF_NAMESPACE = {
    "inventory": "stock",
    "counting": "stock",
    "suppliers": "purchasing",
    "planning": "planning",
    "exchange": "planning",
    "imports": "planning",
    "kpis": "month-end",
    "webhooks": "settings",
}


def _group_of(name: str) -> str:
    return GROUP_OF_NAME.get(name) or GROUP_OF_NAMESPACE.get(name.split(":", 1)[0], "settings")


def navigation(request):
    """Template context: the menu entries the user's roles allow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_allowed": set(), "user_roles": []}
    access = user_access(user)
    items = []
    allowed = set()
    for label, name, roles in MENU:
        if not access.has_any(set(roles)):
            continue
        allowed.add(name)
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False, "group": _group_of(name)})
    current = max(
        (item for item in items if url_is_under(request.path, item["url"])),
        key=lambda item: len(item["url"]),
        default=None,
    )
    if current is not None:
        current["active"] = True
    groups = []
    for key, label in GROUPS:
        entries = [item for item in items if item["group"] == key]
        if entries:
            groups.append({"key": key, "label": label, "items": entries, "active": current in entries})
    return {
        "nav_items": items,
        # URL names of the menu this user may open: templates hide links to lists they cannot open
        # ({% if "suppliers:po-list" in nav_allowed %}).
        "nav_allowed": allowed,
        "nav_groups": groups,
        "nav_current": current,
        "nav_current_group": next((group for group in groups if group["active"]), None),
        "user_roles": sorted(access.roles) or (["admin"] if access.is_superuser else []),
    }


def url_is_under(path: str, url: str) -> bool:
    """``/suppliers/orders/3/`` is under ``/suppliers/orders/``; ``/suppliers/ratings/`` is not under
    ``/suppliers/orders/``, and nothing is under the start page."""
    return url != "/" and path.startswith(url)
