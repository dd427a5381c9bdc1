"""The ``Idempotency-Key`` header of every posting endpoint: read once, described once in the schema."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "Send the same key when retrying: the posting happens once and the retry gets the first result."
    ),
)


def idempotency_key(request) -> str | None:
    """The request's key, or None; a key over 100 characters is a 400 (cut short, two keys would be one)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise ValidationError({"Idempotency-Key": [_("An idempotency key has at most 100 characters.")]})
    return key or None
