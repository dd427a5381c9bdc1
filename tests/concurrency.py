"""Real threads and connections in tests: calls at the same moment, the test database's URL, waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, connections


def database_url() -> str:
    """The test database as a URL, for another connection (psycopg) or another process (DATABASE_URL)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    return f"postgresql://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, log: Path | None = None):
    """Poll ``condition`` until it returns something true, and return that; fail after ``timeout`` seconds
    (with ``log``'s text, a worker's output, when given)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    detail = log.read_text(errors="replace") if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{detail}")


def run_at_once(calls: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Start every call in its own thread at the same moment; collect results and errors.

    Fails when a thread is still running after a minute: a lock was never released.
    """
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(call):
        try:
            barrier.wait(timeout=30)
            result = call()
            with lock:
                results.append(result)
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a call hung: a lock was never released"
    return results, errors
