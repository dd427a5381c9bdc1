"""Default targets for the KPIs DOMAIN.md gives one and 0002 left out, and the status "no data" beside "no target".

The emergency order ratio by value takes the targets of the ratio by lines
(DOMAIN.md gives them for "the ratio … and the same by value"); the fill
rates of new parts take their grades' (NA as A, NB as B). First-pick
availability and target achievement take the daily instant fill rate's
90 %: DOMAIN.md sets that standard for supplying at once from stock.
"""

from decimal import Decimal

from django.db import migrations, models

# (kpi, class, lower, upper, near band)
TARGETS = [
    ("emergency_value", "", None, "0.30", "0.05"),
    ("emergency_value", "A", None, "0.05", "0.03"),
    ("emergency_value", "B", "0.05", "0.25", "0.05"),
    ("emergency_value", "C", "0.85", "1", "0.05"),
    ("fill_rate", "NA", "0.95", None, "0.03"),
    ("fill_rate", "NB", "0.90", None, "0.03"),
    ("first_pick", "", "0.90", None, "0.03"),
    ("target_achievement", "", "0.90", None, "0.05"),
]


def load(apps, schema_editor):
    Target = apps.get_model("kpis", "Target")
    for kpi, class_key, lower, upper, near in TARGETS:
        Target.objects.get_or_create(
            kpi=kpi,
            class_key=class_key,
            warehouse=None,
            defaults={
                "lower": Decimal(lower) if lower else None,
                "upper": Decimal(upper) if upper else None,
                "near_band": Decimal(near),
            },
        )


def unload(apps, schema_editor):
    Target = apps.get_model("kpis", "Target")
    for kpi, class_key, *_ in TARGETS:
        Target.objects.filter(kpi=kpi, class_key=class_key, warehouse=None).delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0010_value_class_and_problems")]

    operations = [
        migrations.AlterField(
            model_name="snapshot",
            name="status",
            field=models.CharField(
                choices=[
                    ("met", "met"),
                    ("near", "near"),
                    ("missed", "missed"),
                    ("none", "no target"),
                    ("nodata", "no data"),
                ],
                max_length=6,
            ),
        ),
        migrations.RunPython(load, unload),
    ]
