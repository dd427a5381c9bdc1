"""Texts outside the screens speak the reader's language too: the API schema, the admin and the commands."""

from __future__ import annotations

import pytest
from django.core.management import call_command, load_command_class
from django.urls import reverse

from core.roles import Role
from tests.factories import UserFactory
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.usefixtures("postgres")


PART_HEADER = ["number", "description", "unit", "category", "list_price", "is_critical", "superseded_by"]


def test_api_schema_descriptions_follow_accept_language(api_client):
    taiwan = api_client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="zh-TW")
    english = api_client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en-GB")

    assert taiwan.status_code == english.status_code == 200
    part, part_en = (response.json()["components"]["schemas"]["Part"] for response in (taiwan, english))
    # a model field's help_text, a serializer field's help_text and an error answer of the postprocessing hook
    assert part["properties"]["number"]["description"] == "印在零件上的料號。"
    assert part_en["properties"]["number"]["description"] == "Part number as printed."
    assert part["properties"]["current"]["description"] == "申請此零件時實際供應的零件（料號替代鏈的最末端）。"
    unauthorised = taiwan.json()["paths"]["/api/v1/parts/"]["get"]["responses"]["401"]["description"]
    assert unauthorised == "未提供憑證，或權杖不明。"


def test_admin_import_screens_and_model_help_texts_follow_the_language(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    upload = client.get(reverse("admin:imports_importbatch_add"), HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    part_form = client.get(reverse("admin:inventory_part_add"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    price_list = client.get(reverse("admin:suppliers_supplierpart_import"), HTTP_ACCEPT_LANGUAGE="zh-TW")

    assert "檢查檔案" in upload
    assert "檔案內容" in upload  # the label of the kind field
    assert "Check the file" not in upload
    assert "印在零件上的零件号。" in part_form  # the help_text of Part.number, in Simplified
    # django-import-export has no Traditional catalogue of its own: ours carries its texts
    assert price_list.status_code == 200
    assert "要匯入的檔案" in price_list.content.decode()
    assert "File to import" not in price_list.content.decode()


def test_import_data_prints_its_summary_in_the_language_asked_for(tmp_path, capsys):
    UserFactory(roles=[Role.MANAGER], username="loader")
    path = tmp_path / "parts.csv"
    path.write_bytes(csv_bytes(PART_HEADER, [["L-1", "One", "PCS", "", "1", "no", ""]]))

    call_command("import_data", "parts", str(path), "--user", "loader", "--no-progress", "--dry-run")
    call_command(
        "import_data", "parts", str(path), "--user", "loader", "--no-progress", "--dry-run", "--language", "zh-hant"
    )

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "1 rows: 1 would be created, 0 updated, 0 unchanged.",
        "1 列：將新增 1 筆、更新 0 筆，0 筆不變。",
    ]


def test_command_help_is_shown_in_the_language_of_the_command_line(capsys):
    command = load_command_class("imports", "import_data")

    with pytest.raises(SystemExit):
        command.run_from_argv(["manage.py", "import_data", "--help", "--language", "zh-hant"])

    help_text = capsys.readouterr().out
    assert "任何一列有誤，整個檔案都不匯入" in help_text
    assert "只檢查與計數，不保存任何資料。" in help_text
