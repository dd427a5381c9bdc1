"""Default thresholds and KPI targets of DOMAIN.md, as data (editable in the admin afterwards)."""

from decimal import Decimal

from django.db import migrations

# (kpi, class, lower, upper, near band)
DEFAULT_TARGETS = [
    ("fill_rate", "", "0.92", None, "0.03"),
    ("fill_rate", "A", "0.95", None, "0.03"),
    ("fill_rate", "B", "0.90", None, "0.03"),
    ("turnover", "", "3", "4", "0.5"),
    ("turnover", "A", "4", "5", "0.5"),
    ("turnover", "B", "3", "4", "0.5"),
    ("emergency_lines", "", None, "0.30", "0.05"),
    ("emergency_lines", "A", None, "0.05", "0.03"),
    ("emergency_lines", "B", "0.05", "0.25", "0.05"),
    ("emergency_lines", "C", "0.85", "1", "0.05"),
    ("emergency_a_share", "", None, "0.05", "0.03"),
    ("instant_fill", "", "0.90", None, "0.03"),
    ("dead_stock", "", None, "0.10", "0.03"),
    ("zero_stock", "A", None, "0.01", "0.02"),
    ("zero_stock", "B", None, "0.10", "0.03"),
    ("zero_stock", "NA", None, "0.08", "0.03"),
    ("zero_stock", "NB", None, "0.15", "0.03"),
    ("below_min", "A", None, "0.05", "0.03"),
    ("below_min", "B", None, "0.20", "0.05"),
    ("below_min", "NA", None, "0.10", "0.03"),
    ("below_min", "NB", None, "0.25", "0.05"),
    ("over_max", "A", None, "0.10", "0.03"),
    ("over_max", "B", None, "0.15", "0.03"),
    ("over_max", "NA", None, "0.15", "0.03"),
    ("over_max", "NB", None, "0.20", "0.05"),
    ("c_value_growth", "", None, "0.03", "0.02"),
    ("nc_share_new", "", None, "0.20", "0.05"),
    ("nc_share_all", "", None, "0.02", "0.01"),
]


def load(apps, schema_editor):
    Target = apps.get_model("kpis", "Target")
    ClassThresholds = apps.get_model("kpis", "ClassThresholds")
    ClassThresholds.objects.get_or_create(pk=1)
    for kpi, class_key, lower, upper, near in DEFAULT_TARGETS:
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
    for kpi, class_key, *_ in DEFAULT_TARGETS:
        Target.objects.filter(kpi=kpi, class_key=class_key, warehouse=None).delete()
    apps.get_model("kpis", "ClassThresholds").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_month_end")]

    operations = [migrations.RunPython(load, unload)]
