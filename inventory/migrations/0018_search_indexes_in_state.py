"""The search and stock-list indexes that 0007 built in SQL, now declared on the models.

0007 created them with raw SQL, which Django's migration state cannot see; the
models now declare them (``Part.Meta.indexes``, ``StockLevel.Meta.indexes``)
under the same names and definitions, and this migration tells the state so.
The database already has them (0007 runs on every database before this one),
so nothing is built here: a database migrated to 0017 gains nothing, a fresh
one ends with each index once.
"""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0017_bin_stock_opening")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="part",
                    index=models.Index(
                        fields=["number_normalized"], name="part_number_prefix_idx", opclasses=["varchar_pattern_ops"]
                    ),
                ),
                migrations.AddIndex(
                    model_name="part",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("description"), name="gin_trgm_ops"
                        ),
                        name="part_description_trgm_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="stocklevel",
                    index=models.Index(
                        fields=["warehouse", "part"], include=("id",), name="stocklevel_wh_part_cover_idx"
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
