#!/usr/bin/env bash
# Back up the PostgreSQL database to a custom-format dump: deploy/backup.sh DATABASE_URL FILE
set -euo pipefail
url=${1:?DATABASE_URL}; file=${2:?dump file}
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$url"
echo "backup written to $file ($(du -h "$file" | cut -f1))"
