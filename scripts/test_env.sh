# Sourced by `make test` and the benchmarks: point at PostgreSQL and Redis when they answer.
# Without a PostgreSQL server the embedded one (config/embedded_db.py) serves the tests, stopped when
# the sourcing shell exits. With REQUIRE_SERVICES=1 (CI) a missing service is an error instead.
export DJANGO_ENV=test
_pg_url=${TEST_DATABASE_URL:-postgres://parts:parts@127.0.0.1:5432/parts}
_redis_url=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
if .venv/bin/python - "$_pg_url" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=2).close()
PY
then
  export DATABASE_URL=$_pg_url
else
  if [ "${REQUIRE_SERVICES:-0}" = "1" ]; then echo "PostgreSQL does not answer at $_pg_url" >&2; return 1 2>/dev/null || exit 1; fi
  echo "note: PostgreSQL not reachable at $_pg_url; the tests use the embedded PostgreSQL (.pgdata/)" >&2
  _pg_was_running=0
  .venv/bin/python -m config.embedded_db status >/dev/null && _pg_was_running=1
  DATABASE_URL=$(.venv/bin/python -m config.embedded_db start) || { return 1 2>/dev/null || exit 1; }
  export DATABASE_URL
  # Stopped at exit only when started here (a server some other shell runs stays up).
  [ "$_pg_was_running" = 1 ] || trap '.venv/bin/python -m config.embedded_db stop' EXIT
fi
if .venv/bin/python -c "import redis,sys; redis.Redis.from_url('$_redis_url', socket_connect_timeout=2).ping()" 2>/dev/null; then
  export REDIS_URL=$_redis_url
else
  if [ "${REQUIRE_SERVICES:-0}" = "1" ]; then echo "Redis does not answer at $_redis_url" >&2; return 1 2>/dev/null || exit 1; fi
  echo "note: Redis not reachable; tests that need it will be skipped" >&2
  unset REDIS_URL
fi
