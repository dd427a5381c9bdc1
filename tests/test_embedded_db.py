"""The embedded PostgreSQL from an empty directory: migrate, postings, a month-end close, trigram search.

The rest of the suite runs on the machine's PostgreSQL; this is the server a
fresh clone gets from ``make run``. Django runs in subprocesses pointed at it,
because the test process is already connected to the test database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from config import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent

CLOSE_A_MONTH = """
import json, django
django.setup()
from django.db import connection
from inventory.selectors import ledger_differences
from kpis import services
from kpis.models import PartClass, Snapshot
from tests.kpis.handmade import MARCH, build_handmade_month

build_handmade_month()
run = services.month_close_run(month=MARCH)
network = Snapshot.objects.get(run=run, warehouse=None, kpi="stock_value", class_key="")
with connection.cursor() as cursor:
    cursor.execute("SELECT similarity('BRAKE PAD', 'BRAKE PADS') > 0.5, current_setting('server_version_num')::int")
    trigram, version = cursor.fetchone()
    cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'part_description_trgm_idx'")
    trigram_indexes = cursor.fetchone()[0]
print(json.dumps({
    "close": [run.state, run.is_published, run.progress],
    "classes": PartClass.objects.filter(run=run).count(),
    "network_stock_value": str(network.value),
    "ledger_differences": len(ledger_differences()),
    "trigram": trigram,
    "trigram_indexes": trigram_indexes,
    "server_major": version // 10000,
}))
"""


def _django(args: list[str], database_url: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def embedded(tmp_path):
    data_dir = tmp_path / "pgdata"
    try:
        yield data_dir, embedded_db.start(data_dir)
    finally:
        embedded_db.stop(data_dir)


def test_a_fresh_embedded_server_migrates_posts_and_closes_a_month(embedded):
    data_dir, url = embedded
    # given a server started in an empty directory, listening on a socket there and on no TCP port
    assert embedded_db.pid(data_dir) is not None
    assert embedded_db.socket_dir(data_dir) == data_dir
    assert (data_dir / ".s.PGSQL.5432").is_socket()
    assert url == embedded_db.url(data_dir)

    # when the migrations run on it
    migrate = _django(["manage.py", "migrate", "--noinput"], url)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr

    # and the hand-made March is posted and closed
    result = _django(["-c", CLOSE_A_MONTH], url)
    assert result.returncode == 0, result.stdout + result.stderr

    # then the close ran every step on the embedded PostgreSQL 18 with pg_trgm, and the ledger adds up
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "close": ["done", True, 100],
        "classes": 7,
        "network_stock_value": "376.000000",
        "ledger_differences": 0,
        "trigram": True,
        "trigram_indexes": 1,
        "server_major": 18,
    }


def test_stop_ends_the_server_and_a_restart_keeps_the_data(embedded):
    data_dir, url = embedded
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (n int)")

    assert embedded_db.stop(data_dir) is True
    assert embedded_db.pid(data_dir) is None
    assert embedded_db.stop(data_dir) is False  # stopping a stopped server changes nothing

    assert embedded_db.start(data_dir) == url
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM kept").fetchone() == (0,)


def test_reset_deletes_the_data(tmp_path):
    data_dir = tmp_path / "pgdata"
    embedded_db.start(data_dir)

    embedded_db.reset(data_dir)

    assert embedded_db.pid(data_dir) is None
    assert not data_dir.exists()


def test_a_pid_file_naming_another_process_counts_as_stopped(tmp_path):
    # given the pid file of a crashed server whose number now belongs to another process (this one)
    (tmp_path / "postmaster.pid").write_text(f"{os.getpid()}\n{tmp_path}\n0\n5432\n{tmp_path}\n\n0 0\nready\n")

    assert embedded_db.pid(tmp_path) is None
    assert embedded_db.stop(tmp_path) is False  # and nothing is signalled
