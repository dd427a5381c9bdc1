#!/usr/bin/env bash
# Start PostgreSQL and Redis when they are not running, and create the role the tests use.
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  version=$(pg_lsclusters --no-header | awk 'NR==1 {print $1}')
  echo "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# The application role: owns its databases and may create the test databases.
psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'parts') THEN
    CREATE ROLE parts LOGIN PASSWORD 'parts' CREATEDB;
  END IF;
END $$;
SQL
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'parts'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres -O parts parts
echo "PostgreSQL and Redis are up; role and database 'parts' exist."
