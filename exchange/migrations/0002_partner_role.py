"""The partner role's group: partner dealers' logins belong to it."""

from django.db import migrations


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="partner")


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="partner", user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_dealer_exchange"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
