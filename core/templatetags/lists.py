"""``{% load lists %}``: sortable column headers and the export links of a list screen (core.lists)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str, numeric: bool = False):
    """A ``<th>`` whose link sorts by ``field``, the other way round when it already does."""
    current = context.get("list_sort", "")
    descending = current == f"-{field}"
    ascending = current == field
    target = f"-{field}" if ascending else field
    filters = context.get("list_filters", "")
    href = f"?{filters}&sort={target}" if filters else f"?sort={target}"
    aria = "ascending" if ascending else "descending" if descending else "none"
    arrow = " ▲" if ascending else " ▼" if descending else ""
    return format_html(
        '<th{} aria-sort="{}"><a href="{}">{}{}</a></th>', ' class="num"' if numeric else "", aria, href, label, arrow
    )


@register.inclusion_tag("core/_list_exports.html", takes_context=True)
def list_exports(context):
    return {"formats": context.get("list_exports", ()), "query": context.get("list_query", ""), "label": _("Export")}
