# Sourced by `make run`: use PostgreSQL when it answers on localhost (the month-end close and the
# dashboard need it), else the embedded SQLite file. Celery runs tasks inline unless REDIS_URL is set.
if [ -z "${DATABASE_URL:-}" ]; then
  _pg_url=postgres://parts:parts@127.0.0.1:5432/parts
  if .venv/bin/python - "$_pg_url" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=2).close()
PY
  then
    export DATABASE_URL=$_pg_url
    echo "Using PostgreSQL at $_pg_url"
  else
    echo "Using the embedded SQLite database (db.sqlite3); run 'make services' first for PostgreSQL and the month-end dashboard."
  fi
fi
