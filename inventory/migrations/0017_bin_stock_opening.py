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


class Migration(migrations.Migration):
    dependencies = [("inventory", "0016_bin_stock")]

    operations = [migrations.RunPython(forwards, backwards)]
