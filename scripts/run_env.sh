# Sourced by `make run`: the database of DATABASE_URL when it is set, else the embedded PostgreSQL
# (config/embedded_db.py, data in .pgdata/, a unix socket there, no TCP port). The embedded server is
# started here and stopped when the shell that sourced this exits: runserver ended, or Ctrl+C.
# Celery runs tasks inline unless REDIS_URL is set.
if [ -z "${DATABASE_URL:-}" ]; then
  _pg_was_running=0
  .venv/bin/python -m config.embedded_db status >/dev/null && _pg_was_running=1
  if ! DATABASE_URL=$(.venv/bin/python -m config.embedded_db start); then
    echo "The embedded PostgreSQL did not start; its log is .pgdata/log" >&2
    return 1 2>/dev/null || exit 1
  fi
  export DATABASE_URL
  # Stopped at exit only when started here (a server some other shell runs stays up).
  [ "$_pg_was_running" = 1 ] || trap '.venv/bin/python -m config.embedded_db stop' EXIT
  # Ctrl+C: end the shell, so that the EXIT trap stops the server.
  trap 'exit 130' INT TERM
  echo "Using the embedded PostgreSQL (data in .pgdata/; 'make reset' deletes it for a fresh demo)"
else
  echo "Using the database of DATABASE_URL"
fi
