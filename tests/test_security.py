"""Access hardening: login throttling, content security policy, cookies, no inline script."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from .factories import UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_five_wrong_passwords_lock_the_user_name_even_for_the_right_one(db):
    # given a user
    user = UserFactory(username="clerk1")
    client = Client(REMOTE_ADDR="10.1.2.3")

    # when the wrong password is tried five times
    for _ in range(5):
        response = client.post("/login/", {"username": "clerk1", "password": "wrong"})

    # then the right password is refused too, with the lock-out page
    response = client.post("/login/", {"username": user.username, "password": "pw-for-tests-1"})
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_a_few_mistakes_do_not_lock(db):
    user = UserFactory(username="clerk2")
    client = Client(REMOTE_ADDR="10.1.2.4")
    for _ in range(3):
        client.post("/login/", {"username": "clerk2", "password": "wrong"})
    response = client.post("/login/", {"username": user.username, "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_every_page_sends_a_strict_content_security_policy(db):
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_an_inline_script_or_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: inline event handler")
    assert offenders == []


def test_session_and_csrf_cookies_are_http_only_and_same_site():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_the_cached_policy_header_is_the_librarys_own(db):
    from dataclasses import asdict

    from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
    from csp.utils import build_policy
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get("/login/")
    library = LibraryCSPMiddleware(lambda r: HttpResponse())
    library.process_request(request)
    expected = build_policy(**asdict(library.get_policy_parts(request=request, response=HttpResponse())))

    first, second = Client().get("/login/"), Client().get("/api/v1/parts/")
    assert first["Content-Security-Policy"] == expected
    assert second["Content-Security-Policy"] == expected  # JSON answers carry it too


def test_a_per_view_policy_still_goes_through_the_library(db):
    from csp.decorators import csp_update
    from django.http import HttpResponse
    from django.test import RequestFactory

    from config.middleware import CSPMiddleware

    @csp_update({"img-src": ["https://images.example.com"]})
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/somewhere/")
    middleware = CSPMiddleware(view)
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    assert "https://images.example.com" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
