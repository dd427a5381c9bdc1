"""``{% load parts_format %}``: the formats of ``core.formats`` as template filters."""

from __future__ import annotations

from django import template

from core import formats

register = template.Library()

register.filter("share", formats.share)
register.filter("money", formats.money)
register.filter("quantity", formats.quantity)
register.filter("count", formats.count)
register.filter("duration", formats.duration)
