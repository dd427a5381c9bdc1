"""Middleware of this project."""

from __future__ import annotations

from dataclasses import asdict

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

# Response attributes through which django-csp's decorators change the policy of one view.
_PER_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
_PER_VIEW_REPORT_ONLY = ("_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware, with the site-wide header built once instead of on every response.

    django-csp 4.0 rebuilds the policy string from the settings for every
    response; on a stock posting that was a tenth of the request's CPU. The
    policy here has no nonce (no inline script anywhere), so for a response
    without a per-view policy (django-csp's decorators) and a request that did
    not ask for a nonce, the header is the same string every time. Anything
    else goes through the library unchanged. ``tests/test_security.py`` checks
    the cached header against the library's own.
    """

    _header: str | None = None

    def process_response(self, request, response):
        plain = (
            not settings.DEBUG
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, name) for name in _PER_VIEW + _PER_VIEW_REPORT_ONLY)
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES")
        )
        if not plain or HEADER in response:
            return super().process_response(request, response)
        if CSPMiddleware._header is None:
            CSPMiddleware._header = build_policy(**asdict(self.get_policy_parts(request=request, response=response)))
        if CSPMiddleware._header:
            response[HEADER] = CSPMiddleware._header
        # As the library does: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def _refusal(request, message: str, status: int = 400, code: str = "bad_request"):
    """A refused request: JSON under /api/, the 400 page (inside the base layout) on screens."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return render(request, "400.html", {"message": message}, status=status)


class RefuseNulCharactersMiddleware:
    """A NUL character in the query string is refused before any view reads it.

    PostgreSQL text cannot hold NUL: every search, filter and export would
    otherwise fail in the database (a 500, or a download cut off mid-stream).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return _refusal(request, gettext("The address contains a NUL character; remove it and try again."))
        return self.get_response(request)


def bad_request(request, exception):
    """``handler400``: JSON under /api/ (a body over the upload limit is a 413); the 400 page on screens."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return _refusal(
            request,
            gettext("The request is larger than the server accepts; send less at a time."),
            status=413,
            code="too_large",
        )
    return _refusal(request, gettext("The request could not be read."))
