"""The close's classes and demand history are read by the published run, through the unique
(run, warehouse, part) index: the two month indexes only cost the close's inserts. Dropped
concurrently, since both tables are big (docs/database.md, Indexes)."""

from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("kpis", "0014_close_writes_and_reads_less"),
    ]

    operations = [
        RemoveIndexConcurrently(model_name="demandmonth", name="demandmonth_month_idx"),
        RemoveIndexConcurrently(model_name="partclass", name="partclass_month_class_idx"),
    ]
