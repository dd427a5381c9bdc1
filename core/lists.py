"""List screens: one way to sort, page and export what a list shows.

A ``ListView`` with ``ListScreenMixin`` declares the columns it sorts by (``sort_fields``: the
name in the address → the field or annotation) and the columns it exports
(``export_columns``). ``?sort=-value`` sorts, ``?format=csv`` or ``?format=xlsx`` downloads every
row the filters select (not only the page), through ``core.exports``. An unknown sort is ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from .exports import Column, export_response

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_CHUNK_SIZE = 2000


class ListScreenMixin:
    sort_fields: dict[str, str] = {}
    export_columns: Sequence[Column] = ()
    export_name = "list"

    def sorted_queryset(self, queryset):
        sort = self.request.GET.get("sort", "")  # type: ignore[attr-defined]
        field = self.sort_fields.get(sort.lstrip("-"))
        if field is None:
            return queryset
        return queryset.order_by(("-" if sort.startswith("-") else "") + field, "-pk")

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format", "")
        if file_format in EXPORT_FORMATS and self.export_columns:
            rows = self.get_queryset()  # type: ignore[attr-defined]
            return export_response(
                columns=list(self.export_columns),
                # A chunk size lets a list that prefetches its lines stream too (one prefetch per chunk).
                rows=rows.iterator(chunk_size=EXPORT_CHUNK_SIZE),
                file_format=file_format,
                file_name=self.export_name,
            )
        return super().get(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        query = self.request.GET  # type: ignore[attr-defined]
        sort = query.get("sort", "")
        context |= {
            # The filters alone (for sort links), and filters with the sort (for pages and exports).
            "list_filters": _encoded(query, drop=("page", "sort", "format")),
            "list_query": _encoded(query, drop=("page", "format")),
            "list_sort": sort if sort.lstrip("-") in self.sort_fields else "",
            "list_exports": EXPORT_FORMATS if self.export_columns else (),
        }
        return context


def _encoded(query, *, drop: tuple[str, ...]) -> str:
    return urlencode([(key, value) for key, values in query.lists() if key not in drop for value in values])
