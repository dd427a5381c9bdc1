"""Two indexes that duplicated others, dropped without blocking postings.

``part_number_prefix_idx`` had the definition of the pattern index Django gives
the unique ``Part.number_normalized`` (``…_like``, varchar_pattern_ops), so
every part was indexed twice the same way; ``stocklevel_wh_part_idx``
(warehouse, part) is the covering index (warehouse, part) INCLUDE (id) without
its payload, and every new level was written into both. Prefix search and the
stock list read the remaining ones. Dropped concurrently: the stock level
table is written by every posting.
"""

from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inventory", "0018_search_indexes_in_state")]

    operations = [
        RemoveIndexConcurrently(model_name="part", name="part_number_prefix_idx"),
        RemoveIndexConcurrently(model_name="stocklevel", name="stocklevel_wh_part_idx"),
    ]
