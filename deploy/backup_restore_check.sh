#!/usr/bin/env bash
# Test the backup and restore procedure once, end to end, on scratch databases:
#   deploy/backup_restore_check.sh
# Creates a scratch database, loads a small demo into it, backs it up with deploy/backup.sh,
# restores the dump into a second, empty database with deploy/restore.sh, and compares the row
# counts of the main tables and the verify_ledger result of both. Exits non-zero on any
# difference. Both databases and the dump are removed at the end, whatever happens.
# Settings: ADMIN_URL (a superuser on the server, default postgresql://postgres@127.0.0.1:5432/postgres),
# DB_USER/DB_PASSWORD/DB_HOST/DB_PORT for the app's own role (default parts/parts@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
ADMIN_URL=${ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
DB_USER=${DB_USER:-parts}; DB_PASSWORD=${DB_PASSWORD:-parts}
DB_HOST=${DB_HOST:-127.0.0.1}; DB_PORT=${DB_PORT:-5432}
suffix="$(date +%s)_$$"
SOURCE="parts_backup_check_src_${suffix}"
TARGET="parts_backup_check_dst_${suffix}"
url_of() { echo "postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/$1"; }
DUMP=$(mktemp --suffix=.dump)

cleanup() {
  for db in "$SOURCE" "$TARGET"; do
    psql "$ADMIN_URL" -qXc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null || true
  done
  rm -f "$DUMP"
}
trap cleanup EXIT

echo "== creating $SOURCE and $TARGET"
psql "$ADMIN_URL" -qXc "CREATE DATABASE \"$SOURCE\" OWNER \"$DB_USER\""
psql "$ADMIN_URL" -qXc "CREATE DATABASE \"$TARGET\" OWNER \"$DB_USER\""

app() {  # app DATABASE command...: manage.py against one database, production-like settings, no broker
  local db=$1; shift
  env -u REDIS_URL DJANGO_ENV=development DATABASE_URL="$(url_of "$db")" CELERY_TASK_ALWAYS_EAGER=1 \
    EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend "$PY" manage.py "$@"
}

echo "== migrating and loading a small demo into $SOURCE"
app "$SOURCE" migrate --noinput -v0
started=$(date +%s)
app "$SOURCE" load_demo --parts 40 --months 3 >/dev/null
echo "demo loaded in $(( $(date +%s) - started )) s"

echo "== backup"
deploy/backup.sh "$(url_of "$SOURCE")" "$DUMP"
echo "== restore into $TARGET"
deploy/restore.sh "$(url_of "$TARGET")" "$DUMP"

# Main tables: catalogue, stock and ledger, demand, purchasing, month-end, users and the outbox.
TABLES="auth_user auth_group inventory_part inventory_warehouse inventory_bin inventory_stocklevel \
inventory_stockmovement inventory_demandhit inventory_workshoprequest inventory_backorder \
inventory_transferorder inventory_outboxmessage suppliers_supplier suppliers_supplierpart \
suppliers_purchaseorder suppliers_purchaseorderline suppliers_goodsreceipt suppliers_goodsreceiptline \
kpis_monthclose kpis_demandmonth kpis_stockmonthend kpis_partclass kpis_snapshot django_migrations"

counts() {  # counts DATABASE: "table rows" per line, plus the ledger's total quantity and value
  local db=$1 t
  for t in $TABLES; do
    printf '%s %s\n' "$t" "$(psql "$(url_of "$db")" -AtXc "SELECT count(*) FROM $t")"
  done
  printf 'ledger_sum %s\n' "$(psql "$(url_of "$db")" -AtXc \
    "SELECT sum(quantity) || '/' || sum(value) FROM inventory_stockmovement")"
}

counts "$SOURCE" >"$DUMP.src"
counts "$TARGET" >"$DUMP.dst"
trap 'rm -f "$DUMP.src" "$DUMP.dst"; cleanup' EXIT
echo "== row counts (source | restored)"
paste -d' ' "$DUMP.src" <(cut -d' ' -f2 "$DUMP.dst") | awk '{printf "  %-30s %10s | %s\n", $1, $2, $3}'

status=0
if ! diff -q "$DUMP.src" "$DUMP.dst" >/dev/null; then
  echo "DIFFERENCE in row counts:"; diff "$DUMP.src" "$DUMP.dst" || true; status=1
fi
if [ "$(awk '$2 == 0' "$DUMP.src" | grep -cE '^inventory_(part|stocklevel|stockmovement) ')" != 0 ]; then
  echo "the demo left the main tables empty; nothing was tested"; status=1
fi

echo "== verify_ledger"
src_verify=$(app "$SOURCE" verify_ledger 2>&1) && src_rc=0 || src_rc=$?
dst_verify=$(app "$TARGET" verify_ledger 2>&1) && dst_rc=0 || dst_rc=$?
echo "  source:   rc=$src_rc $src_verify"
echo "  restored: rc=$dst_rc $dst_verify"
if [ "$src_rc" != 0 ] || [ "$dst_rc" != 0 ] || [ "$src_verify" != "$dst_verify" ]; then
  echo "DIFFERENCE or failure in verify_ledger"; status=1
fi

if [ "$status" = 0 ]; then echo "== backup and restore check passed"; else echo "== backup and restore check FAILED"; fi
exit $status
