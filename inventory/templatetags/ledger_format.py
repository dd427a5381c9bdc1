"""``{% load ledger_format %}``: ledger words for people."""

from __future__ import annotations

from django import template

from inventory.document_types import document_label

register = template.Library()
register.filter("document_label", document_label)
