"""PostgreSQL indexes for the search and list paths the load test measures.

- part number prefix search (``LIKE 'ABC%'``) needs a ``varchar_pattern_ops`` index;
- description search (``UPPER(description) LIKE '%…%'``, Django's icontains) needs a trigram index;
- deep pages of the stock level list read (warehouse, part, id) from a covering index only.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS part_number_prefix_idx ON inventory_part (number_normalized varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS part_description_trgm_idx ON inventory_part USING gin (UPPER(description) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS stocklevel_wh_part_cover_idx ON inventory_stocklevel (warehouse_id, part_id) INCLUDE (id)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS stocklevel_wh_part_cover_idx",
    "DROP INDEX IF EXISTS part_description_trgm_idx",
    "DROP INDEX IF EXISTS part_number_prefix_idx",
]


class Migration(migrations.Migration):
    dependencies = [("inventory", "0006_outbox")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
