from django.db import migrations, models
from django.db.models import Min


def from_history(apps, schema_editor):
    """Establishments that already applied a SIECLE import keep « Nouvel enseignant »."""
    Establishment = apps.get_model("establishments", "Establishment")
    ImportBatch = apps.get_model("imports", "ImportBatch")
    firsts = (
        ImportBatch.objects.filter(kind="siecle", status="applique")
        .values("establishment_id")
        .annotate(first=Min("applied_at"))
    )
    for row in firsts:
        Establishment.objects.filter(pk=row["establishment_id"]).update(
            first_import_at=row["first"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("establishments", "0001_initial"),
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="establishment",
            name="first_import_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="premier import SIECLE"),
        ),
        migrations.RunPython(from_history, migrations.RunPython.noop),
    ]
