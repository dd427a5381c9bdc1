"""Warehouse memberships, notifications and the outbox belong to core now; their tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0009_closed_periods_and_ledger_chain"),
        ("core", "0001_shared_models_from_inventory"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="notification", name="user"),
                migrations.DeleteModel(name="OutboxMessage"),
                migrations.RemoveField(model_name="warehousemembership", name="user"),
                migrations.RemoveField(model_name="warehousemembership", name="warehouse"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="WarehouseMembership"),
            ],
            database_operations=[],
        ),
    ]
