"""One demo user per role, with memberships of the warehouses they post in."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from core.models import WarehouseMembership
from inventory.models import Warehouse

from ..logins import DEMO_LOGINS


def password_hashes() -> dict[str, str]:
    """The hash of each demo password. Hashing is slow on purpose (about a second each); users sharing a
    password share one hash, and ``load_demo`` hashes in a thread beside the load (the hash releases the GIL)."""
    return {password: make_password(password) for password in {login.password for login in DEMO_LOGINS}}


def build_users(warehouses: dict[str, Warehouse], *, hashes: dict[str, str] | None = None) -> dict[str, User]:
    """Create (or reuse) every demo login; returns users by username.

    ``hashes`` (from ``password_hashes``) are their passwords; ``{}`` leaves new users without a
    usable password until ``users_publish_emails`` gives them theirs.
    """
    user_model = get_user_model()
    users: dict[str, User] = {}
    hashes = password_hashes() if hashes is None else hashes
    for login in DEMO_LOGINS:
        first, _, last = login.name.partition(" ")
        user = user_model.objects.filter(username=login.username).first()
        if user is None:
            user = user_model.objects.create(
                username=login.username,
                password=hashes.get(login.password) or make_password(None),
                email="",  # filled in after the history: no mail for the past
                first_name=first,
                last_name=last,
            )
        if login.role == "admin":
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        else:
            user.groups.add(Group.objects.get_or_create(name=login.role)[0])
            if login.role in ("manager", "planner"):
                user.is_staff = True  # admin access for master data and targets
                user.save(update_fields=["is_staff"])
        for code in login.warehouses:
            WarehouseMembership.objects.get_or_create(user=user, warehouse=warehouses[code])
        users[login.username] = user
    return users


def users_publish_emails(users: dict[str, User], hashes: dict[str, str] | None = None) -> None:
    """Give the demo users their addresses once the history is in (notifications mail them from now on),
    and their passwords when ``hashes`` come with them."""
    passwords = {login.username: login.password for login in DEMO_LOGINS}
    for username, user in users.items():
        user.email = f"{username}@demo.example"
        fields = ["email"]
        if hashes and username in passwords:
            user.password = hashes[passwords[username]]
            fields.append("password")
        user.save(update_fields=fields)
