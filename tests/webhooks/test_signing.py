"""The pure rules of deliveries: signature, retry schedule, target check."""

from __future__ import annotations

import hashlib
import hmac
import socket
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from webhooks.signing import RETRY_FOR, retry_delay, signature, signature_matches, target_problem


def test_signature_is_hex_hmac_sha256_of_the_raw_body():
    body = b'{"id":"e1","kind":"stock.changed"}'
    expected = hmac.new(b"s3cret-s3cret-s3cret", body, hashlib.sha256).hexdigest()
    assert signature("s3cret-s3cret-s3cret", body) == f"sha256={expected}"


@given(st.binary(max_size=200), st.text(min_size=1, max_size=40))
def test_a_receiver_accepts_exactly_the_body_that_was_signed(body, secret):
    header = signature(secret, body)
    assert signature_matches(secret, body, header)
    assert not signature_matches(secret, body + b" ", header)
    assert not signature_matches(secret + "x", body, header)


def test_first_retry_within_a_minute_and_retries_last_at_least_a_day():
    assert retry_delay(1) == timedelta(seconds=20)
    assert [retry_delay(n).total_seconds() for n in range(1, 10)] == [20, 40, 80, 160, 320, 640, 1280, 2560, 3600]
    assert retry_delay(200) == timedelta(hours=1)
    assert timedelta(days=1) <= RETRY_FOR


def _resolves_to(address):
    def resolve(host, port, proto=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, proto, "", (address, port))]

    return resolve


def test_production_targets_must_be_https_and_public():
    public = _resolves_to("93.184.216.34")
    assert target_problem("https://partner.example/hooks", allow_insecure=False, resolve=public) is None
    assert target_problem("http://partner.example/hooks", allow_insecure=False, resolve=public) == (
        "insecure",
        "http://partner.example/hooks",
    )
    for address in ("127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "fc00::1"):
        assert target_problem("https://x.example/", allow_insecure=False, resolve=_resolves_to(address)) == (
            "private",
            address,
        )
    assert target_problem("ftp://x.example/", allow_insecure=False, resolve=public) == ("invalid", "ftp://x.example/")


def test_development_allows_plain_http_and_loopback():
    assert target_problem("http://127.0.0.1:8123/hooks", allow_insecure=True) is None
    assert target_problem("not a url", allow_insecure=True) == ("invalid", "not a url")


def test_a_host_that_does_not_resolve_is_refused():
    def fails(*args, **kwargs):
        raise socket.gaierror("no such host")

    assert target_problem("https://nowhere.invalid/", allow_insecure=False, resolve=fails) == (
        "unresolved",
        "nowhere.invalid",
    )
