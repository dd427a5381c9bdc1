"""The main menu, by role. Each app's screens are listed here, in one place.

An entry whose URL name does not resolve (a screen not built yet) is left out.
"""

from django.urls import NoReverseMatch, reverse

from core.roles import Role, user_access

INTERNAL = Role.INTERNAL

# (label, url name, roles that see it)
MENU: list[tuple[str, str, tuple[str, ...]]] = [
    ("Stock lookup", "inventory:stock-lookup", INTERNAL),
    ("Stock levels", "inventory:stock-levels", INTERNAL),
    ("Movements", "inventory:movements", INTERNAL),
    ("Receiving", "suppliers:receiving", (Role.CLERK, Role.MANAGER)),
    ("Purchase orders", "suppliers:po-list", (Role.PURCHASER, Role.MANAGER, Role.PLANNER)),
    ("Quality holds", "suppliers:holds", (Role.PURCHASER, Role.CLERK, Role.MANAGER)),
    ("Suppliers", "suppliers:supplier-list", (Role.PURCHASER, Role.MANAGER, Role.PLANNER)),
    ("Ratings", "suppliers:ratings", (Role.PURCHASER, Role.MANAGER, Role.PLANNER)),
    ("Workshop request", "inventory:request-new", (Role.WORKSHOP, Role.CLERK, Role.MANAGER)),
    ("Reservation", "inventory:reservation-new", (Role.WORKSHOP, Role.CLERK, Role.MANAGER)),
    ("Pick list", "inventory:pick-list", (Role.CLERK, Role.MANAGER)),
    ("Backorders", "inventory:backorders", (Role.WORKSHOP, Role.CLERK, Role.PURCHASER, Role.MANAGER)),
    ("Transfers", "inventory:transfers", (Role.CLERK, Role.MANAGER)),
    ("Workshop return", "inventory:return-workshop", (Role.CLERK, Role.MANAGER)),
    ("Customer return", "inventory:return-customer", (Role.CLERK, Role.MANAGER)),
    ("Supplier returns", "suppliers:returns", (Role.CLERK, Role.PURCHASER, Role.MANAGER)),
    ("Counting", "counting:list", (Role.CLERK, Role.MANAGER, Role.PLANNER)),
    ("Dashboard", "kpis:dashboard", (Role.PLANNER, Role.MANAGER)),
    ("Replenishment", "planning:proposals", (Role.PURCHASER, Role.PLANNER, Role.MANAGER)),
    ("Forecasts", "planning:forecast", (Role.PLANNER, Role.PURCHASER, Role.MANAGER)),
    ("VMI", "planning:vmi-review", (Role.PURCHASER, Role.MANAGER)),
    ("Supplier portal", "suppliers:portal", (Role.SUPPLIER,)),
    ("Closed months", "inventory:periods", (Role.MANAGER,)),
    ("Audit", "inventory:audit", (Role.MANAGER,)),
    ("Webhooks", "webhooks:list", (Role.MANAGER,)),
    ("Settings", "settings", (Role.MANAGER,)),
    ("Admin", "admin:index", (Role.MANAGER,)),
]


def navigation(request):
    """Template context: the menu entries the user's roles allow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    access = user_access(user)
    items = []
    for label, name, roles in MENU:
        if not access.has_any(set(roles)):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items, "user_roles": sorted(access.roles) or (["admin"] if access.is_superuser else [])}
