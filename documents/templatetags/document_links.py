"""``{% load document_links %}``: whether a movement's document has a screen to link to (no query)."""

from __future__ import annotations

from django import template

from documents.screens import SCREENS

register = template.Library()


@register.filter
def has_screen(document_type: str) -> bool:
    return document_type in SCREENS
