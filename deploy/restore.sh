#!/usr/bin/env bash
# Restore a dump made by backup.sh into an EMPTY database: deploy/restore.sh DATABASE_URL FILE
set -euo pipefail
url=${1:?DATABASE_URL}; file=${2:?dump file}
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$file"
echo "restored $file"
