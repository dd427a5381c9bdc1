"""Stock already held goes into its level's default bin (or no bin when the level has none).

Each level holding stock gets one bin stock and one opening entry in the bins'
ledger, so ``verify_ledger`` proves the bins from the first day.
"""

from django.db import migrations

CHUNK = 5000


def forwards(apps, schema_editor):
    StockLevel = apps.get_model("inventory", "StockLevel")
    BinStock = apps.get_model("inventory", "BinStock")
    BinMovement = apps.get_model("inventory", "BinMovement")
    levels = (
        StockLevel.objects.exclude(on_hand=0)
        .order_by("pk")
        .values_list("part_id", "warehouse_id", "default_bin_id", "on_hand")
    )
    stocks, entries = [], []
    for part_id, warehouse_id, bin_id, on_hand in levels.iterator(chunk_size=CHUNK):
        place = {"part_id": part_id, "warehouse_id": warehouse_id, "bin_id": bin_id}
        stocks.append(BinStock(**place, quantity=on_hand))
        entries.append(BinMovement(**place, quantity=on_hand))
        if len(stocks) >= CHUNK:
            BinStock.objects.bulk_create(stocks)
            BinMovement.objects.bulk_create(entries)
            stocks, entries = [], []
    BinStock.objects.bulk_create(stocks)
    BinMovement.objects.bulk_create(entries)


def backwards(apps, schema_editor):
    apps.get_model("inventory", "BinMovement").objects.all().delete()
    apps.get_model("inventory", "BinStock").objects.all().delete()


# The bins' ledger is append-only in the database itself, like the stock ledger: a mistake is corrected by
# a new entry (a reversal's legs, a bin move back), never by editing one.
APPEND_ONLY = """
CREATE FUNCTION inventory_bin_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % of row % refused; post a correction instead', TG_TABLE_NAME, TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER inventory_binmovement_append_only BEFORE UPDATE OR DELETE ON inventory_binmovement
    FOR EACH ROW EXECUTE FUNCTION inventory_bin_ledger_append_only();
CREATE TRIGGER inventory_binmove_append_only BEFORE UPDATE OR DELETE ON inventory_binmove
    FOR EACH ROW EXECUTE FUNCTION inventory_bin_ledger_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS inventory_binmovement_append_only ON inventory_binmovement;
DROP TRIGGER IF EXISTS inventory_binmove_append_only ON inventory_binmove;
DROP FUNCTION IF EXISTS inventory_bin_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0016_bin_stock")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
