"""Role × URL matrix generated from the URL configuration.

Every route is called as an anonymous user and as a supplier user, with GET
and POST. A new view without a permission check fails here without anyone
having to remember to add it to a list.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from core.roles import Role

from .factories import UserFactory

# Routes anyone may open: logging in and out, the API description.
# set_language only sets the language cookie (the switch on the login page).
PUBLIC = {"login", "logout", "api-schema", "api-docs", "api-redoc", "api-token", "set_language"}
# Namespaces / names a supplier user may reach (its portal). Checked for isolation in the apps' own tests.
SUPPLIER_ALLOWED_PREFIXES = ("suppliers:portal", "planning:supplier", "planning:vmi", "suppliers:api-portal")
SUPPLIER_ALLOWED = {
    "home",
    "logout",
    "login",
    "language",
    "set_language",
    "api-schema",
    "api-docs",
    "api-redoc",
    "api-token",
}
SAMPLE = {"int": "999999", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _routes():
    """(name, url) for every named route, with sample values in place of converters."""
    out = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                if route.startswith("admin/") or "^" in route or "(?P" in route:
                    continue  # the admin has its own staff check; regex routes come from the admin
                route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                out.append((name, "/" + route))

    walk(get_resolver().url_patterns, "", "")
    return sorted(set(out))


ROUTES = _routes()


def _denied(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and "/login/" in response.get("Location", "")


@pytest.mark.parametrize(("name", "url"), [r for r in ROUTES if r[0] not in PUBLIC])
def test_anonymous_is_refused_everywhere(db, name, url):
    client = APIClient(enforce_csrf_checks=False)
    get = client.get(url)
    post = client.post(url, {}, format="json")
    assert _denied(get), f"GET {url} ({name}) answered {get.status_code} to an anonymous user"
    assert _denied(post), f"POST {url} ({name}) answered {post.status_code} to an anonymous user"


@pytest.mark.parametrize(
    ("name", "url"),
    [r for r in ROUTES if r[0] not in SUPPLIER_ALLOWED and not r[0].startswith(SUPPLIER_ALLOWED_PREFIXES)],
)
def test_supplier_reaches_no_internal_route(db, name, url):
    supplier_user = UserFactory(roles=[Role.SUPPLIER])
    client = APIClient()
    client.force_login(supplier_user)
    get = client.get(url)
    post = client.post(url, {}, format="json")
    # 302 to the portal is fine too: the home page sends suppliers there.
    ok = {401, 403, 404, 405}
    assert get.status_code in ok, f"GET {url} ({name}) answered {get.status_code} to a supplier user"
    assert post.status_code in ok, f"POST {url} ({name}) answered {post.status_code} to a supplier user"


def test_every_route_is_in_the_matrix():
    names = {name for name, _ in ROUTES}
    assert {"inventory:stock-lookup", "api-stock-receipt", "api-part-list"} <= names
