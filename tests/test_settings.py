"""Settings come from the environment: production passes ``check --deploy``; nothing set means embedded.

Each case runs in a subprocess with a clean environment, because settings are
read once per process.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "host": settings.DATABASES["default"]["HOST"],
    "port": settings.DATABASES["default"]["PORT"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
}))
"""


def _clean_env(**values: str) -> dict[str, str]:
    """Only PATH and HOME from outside (no DATABASE_URL, REDIS_URL, DJANGO_ENV, ...), plus ``values``."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(values)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _production_env(**overrides: str) -> dict[str, str]:
    return _clean_env(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL="postgres://parts:secret@db.internal:5432/parts",
        ALLOWED_HOSTS="parts.example.com",
        **overrides,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "Set SECRET_KEY to a random string of at least 50 characters."),
        ("DATABASE_URL", "Set DATABASE_URL (PostgreSQL) in production."),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing, message):
    env = _production_env()
    del env[missing]

    result = _run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert message in result.stderr


def test_nothing_set_means_the_embedded_postgresql_and_inline_celery():
    result = _run(["-c", PRINT_SETTINGS], _clean_env())

    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "parts"
    assert settings["host"] == str(embedded_db.socket_dir())
    assert settings["port"] == ""
    assert settings["eager"] is True
    assert settings["broker"] == "memory://"
    assert settings["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings["debug"] is True


def test_a_database_other_than_postgresql_is_refused():
    result = _run(["manage.py", "check"], _clean_env(DATABASE_URL="mysql://parts:parts@127.0.0.1:3306/parts"))

    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL (postgres://...)." in result.stderr


def test_database_and_redis_urls_switch_to_the_real_services():
    env = _clean_env(DATABASE_URL="postgres://u:p@127.0.0.1:5432/parts", REDIS_URL="redis://127.0.0.1:6379/3")

    result = _run(["-c", PRINT_SETTINGS], env)

    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "parts"
    assert settings["eager"] is False
    assert settings["broker"] == "redis://127.0.0.1:6379/3"
    assert settings["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_long_runs_go_to_the_batch_queue_and_every_shipped_worker_serves_both_queues():
    from pathlib import Path

    from config.celery import app

    router = app.amqp.router
    for task in ("kpis.close_month_step", "kpis.close_previous_month", "planning.replenishment_nightly"):
        assert router.route({}, task)["queue"].name == "batch", task
    assert router.route({}, "counting.tasks.plan_counts_daily")["queue"].name == "batch"
    assert router.route({}, "inventory.tasks.outbox_flush_task")["queue"].name == "celery"
    for task in ("webhooks.tasks.webhook_delivery_send_task", "webhooks.tasks.webhook_events_fan_out_task"):
        assert router.route({}, task)["queue"].name == "webhooks", task
    root = Path(__file__).resolve().parent.parent
    for path in ("Makefile", "Procfile", "deploy/systemd/parts-worker.service"):
        lines = [line for line in (root / path).read_text().splitlines() if "celery -A config worker" in line]
        # Webhook deliveries may have workers of their own, so a down partner ties up only those.
        worker_lines = [line for line in lines if "-Q webhooks " not in line]
        assert worker_lines, path
        assert all("-Q celery,batch" in line for line in worker_lines), path
    for path in ("Makefile", "Procfile", "deploy/systemd/parts-webhooks.service"):
        text = (root / path).read_text()
        assert "-Q celery,batch,webhooks" in text or "-Q webhooks " in text, path


@pytest.mark.parametrize(("value", "expected"), [(None, 5), ("12", 12), ("off", None)])
def test_postgresql_prepares_the_hot_statements_unless_turned_off(value, expected):
    extra = {} if value is None else {"DB_PREPARE_THRESHOLD": value}
    script = "import django; django.setup(); from django.conf import settings; "
    script += "print(settings.DATABASES['default']['OPTIONS'].get('prepare_threshold'))"
    result = _run(["-c", script], _production_env(**extra))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected)


@pytest.mark.parametrize(("value", "expected"), [(None, "fast"), ("orm", "orm"), (" ORM ", "orm"), ("fast", "fast")])
def test_the_hot_paths_take_the_fast_path_unless_posting_path_says_orm(value, expected):
    extra = {} if value is None else {"POSTING_PATH": value}
    script = "import django; django.setup(); from django.conf import settings; print(settings.POSTING_PATH)"
    result = _run(["-c", script], _production_env(**extra))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_an_unknown_posting_path_is_refused():
    result = _run(["manage.py", "check"], _clean_env(POSTING_PATH="quick"))

    assert result.returncode != 0
    assert 'POSTING_PATH must be "fast" or "orm".' in result.stderr
