"""Languages: the catalogues are complete, the browser's language and a user's choice are followed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from core.models import UserProfile
from core.roles import Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {locale: ROOT / "locale" / locale / "LC_MESSAGES" / "django.po" for locale in ("zh_Hant", "zh_Hans")}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.mark.parametrize("locale", sorted(CATALOGUES))
def test_catalogue_has_no_untranslated_or_fuzzy_entry(locale):
    catalogue = polib.pofile(str(CATALOGUES[locale]))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("locale", sorted(CATALOGUES))
def test_translations_keep_every_placeholder(locale):
    lost = []
    for entry in polib.pofile(str(CATALOGUES[locale])).translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(translation)):
                lost.append(entry.msgid)
    assert lost == []


def test_both_catalogues_translate_the_same_strings():
    hant, hans = (
        {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)) if not entry.obsolete}
        for path in (CATALOGUES["zh_Hant"], CATALOGUES["zh_Hans"])
    )
    assert hant == hans


def test_simplified_catalogue_is_in_step_with_the_glossary_script():
    """Every Simplified entry is filled: the script that fills them from the glossary has nothing to do."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "hans_from_hant.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_first_visit_follows_the_browser_language(client):
    taiwan = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-TW,zh;q=0.9,en;q=0.5")
    assert taiwan.status_code == 200
    assert '<html lang="zh-hant">' in taiwan.content.decode()
    assert "使用者名稱" in taiwan.content.decode()
    mainland = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "用户名称" in mainland.content.decode() or "用户名" in mainland.content.decode()
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert "User name" in english.content.decode()


@pytest.mark.django_db
def test_a_users_choice_is_kept_on_the_profile_and_wins_over_the_browser(client):
    user = UserFactory(roles=[Role.CLERK])
    client.force_login(user)
    response = client.post(reverse("language"), {"language": "zh-hans", "next": "/account/language/"})
    assert response.status_code == 302
    assert response["Location"] == "/account/language/"
    assert UserProfile.objects.get(user=user).language == "zh-hans"

    page = client.get(reverse("language"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="zh-hans">' in page.content.decode()
    assert "语言" in page.content.decode()

    # A new session (another device) reads the choice from the profile.
    client.logout()
    client.force_login(user)
    again = client.get(reverse("language"), HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert '<html lang="zh-hans">' in again.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_is_refused_and_changes_nothing(client):
    user = UserFactory(roles=[Role.CLERK])
    UserProfile.objects.create(user=user, language="zh-hant")
    client.force_login(user)
    response = client.post(reverse("language"), {"language": "xx"})
    assert response.status_code == 400
    assert UserProfile.objects.get(user=user).language == "zh-hant"


@pytest.mark.django_db
def test_next_outside_the_site_is_not_followed(client):
    client.force_login(UserFactory(roles=[Role.CLERK]))
    response = client.post(reverse("language"), {"language": "", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_api_errors_speak_the_language_asked_for(api_client):
    response = api_client.get("/api/v1/parts/", HTTP_AUTHORIZATION="Token not-a-token", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert response.status_code == 401
    assert response.json()["detail"] == "權杖無效。"


@pytest.mark.parametrize("locale", sorted(CATALOGUES))
def test_catalogue_compiles_with_format_checks(locale, tmp_path):
    """msgfmt --check-format refuses a translation whose %-directives differ from the source's."""
    import shutil

    if shutil.which("msgfmt") is None:
        pytest.skip("gettext's msgfmt is not installed")
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(CATALOGUES[locale])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
