from rest_framework.pagination import PageNumberPagination

from core.pagination import IdPagePaginator


class StandardPagination(PageNumberPagination):
    """Pages of 50 by default; clients may ask for up to 500 with ``page_size``."""

    page_size_query_param = "page_size"
    max_page_size = 500


class LargeTablePagination(StandardPagination):
    """Same pages, fetched ids first: any page of 500,000 stock levels costs about the same."""

    django_paginator_class = IdPagePaginator
