"""The roles the fuzz tests act as."""

from core.roles import Role

ROLES = (Role.CLERK, Role.WORKSHOP, Role.PURCHASER, Role.PLANNER, Role.MANAGER, Role.SUPPLIER)
