"""What a delivery carries and when it is tried again. Pure: no Django, easy to check by hand.

A receiver verifies a delivery by computing HMAC-SHA256 of the raw request
body with the subscription's secret and comparing it, in constant time, with
the hex digest after ``sha256=`` in ``X-Parts-Signature``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
from datetime import timedelta
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-Parts-Signature"
EVENT_HEADER = "X-Parts-Event"
DELIVERY_HEADER = "X-Parts-Delivery"

# The first retry comes 20 seconds after a failure, then the wait doubles up to an hour.
FIRST_RETRY = timedelta(seconds=20)
LONGEST_WAIT = timedelta(hours=1)
# A delivery is retried for a day and a bit before it is given up (and can still be redelivered by hand).
RETRY_FOR = timedelta(hours=26)


def signature(secret: str, body: bytes) -> str:
    """The ``X-Parts-Signature`` value of a body: ``sha256=<hex HMAC-SHA256 keyed with the secret>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(signature(secret, body), header or "")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1, 2, ...)."""
    exponent = max(attempts - 1, 0)
    if exponent >= 8:  # 20 s · 2**8 is past the longest wait already
        return LONGEST_WAIT
    return min(FIRST_RETRY * (2**exponent), LONGEST_WAIT)


def target_problem(url: str, *, allow_insecure: bool, resolve=socket.getaddrinfo) -> tuple[str, str] | None:
    """Why ``url`` may not receive deliveries, as (code, detail), or None.

    Unless ``allow_insecure`` (development), the target must be https and
    every address its host resolves to must be public: a subscription must not
    turn the server into a probe of its own network (loopback, private,
    link-local, reserved addresses). Codes: ``invalid``, ``insecure``,
    ``unresolved`` (detail: the host), ``private`` (detail: the address).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ("invalid", url)
    if allow_insecure:
        return None
    if parts.scheme != "https":
        return ("insecure", url)
    try:
        infos = resolve(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        return ("unresolved", parts.hostname)
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            return ("private", str(address))
    return None
