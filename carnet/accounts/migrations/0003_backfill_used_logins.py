from django.db import migrations


def reserve_existing_logins(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    UsedLogin = apps.get_model("accounts", "UsedLogin")
    UsedLogin.objects.bulk_create(
        [UsedLogin(username=name) for name in User.objects.values_list("username", flat=True)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_credentials")]

    operations = [migrations.RunPython(reserve_existing_logins, migrations.RunPython.noop)]
