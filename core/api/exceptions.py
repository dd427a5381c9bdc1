"""Domain errors become readable HTTP answers: 400 for bad input, 403 for scope, 409 for conflicts."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body[exc.field] = [exc.message]
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            body = {field: list(messages) for field, messages in exc.message_dict.items()}
        else:
            body = {"detail": " ".join(exc.messages)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DataError):
        # The last line of defence: a value the serializers let through but a column cannot hold
        # (a sum that overflows numeric(18, 4), a text longer than its column). The service's
        # transaction has already rolled back, so nothing was written; answer 400, not 500.
        return Response(
            {"detail": _("A value is too large or too long to be stored; nothing was saved."), "code": "out_of_range"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)


def page_not_found(request, exception):
    """``handler404``: a URL under /api/ that matches no route (``/parts/1.5/``, ``/parts/-3/``) answers
    JSON like every other API error; screens keep Django's HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
