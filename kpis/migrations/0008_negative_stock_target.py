"""A default target for negative month-end stock: none (a back-dated posting to look at), near up to 5 pairs."""

from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):
    Target = apps.get_model("kpis", "Target")
    Target.objects.get_or_create(
        kpi="negative_stock",
        class_key="",
        warehouse=None,
        defaults={"lower": None, "upper": Decimal("0"), "near_band": Decimal("5")},
    )


def unload(apps, schema_editor):
    Target = apps.get_model("kpis", "Target")
    Target.objects.filter(kpi="negative_stock", class_key="", warehouse=None).delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0007_negative_stock_kpi")]

    operations = [migrations.RunPython(load, unload)]
