"""The HTTP call of one delivery, with bounded time-outs and no redirects."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.conf import settings

from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str


def post(*, url: str, body: str, secret: str, kind: str, delivery_id: int) -> Outcome:
    """POST the body; a 2xx answer is a delivery, anything else (or no answer in time) a failure.

    Redirects are not followed: a partner that moved updates its subscription,
    and a redirect must not lead a delivery to an address the target check refused.
    """
    raw = body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "parts-inventory-webhooks/1",
        EVENT_HEADER: kind,
        SIGNATURE_HEADER: signature(secret, raw),
        DELIVERY_HEADER: str(delivery_id),
    }
    timeout = (settings.WEBHOOKS_CONNECT_TIMEOUT, settings.WEBHOOKS_READ_TIMEOUT)
    try:
        response = requests.post(url, data=raw, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.RequestException as error:
        return Outcome(ok=False, status_code=None, error=f"{type(error).__name__}: {error}"[:300])
    if 200 <= response.status_code < 300:
        return Outcome(ok=True, status_code=response.status_code, error="")
    return Outcome(ok=False, status_code=response.status_code, error=f"HTTP {response.status_code}")
