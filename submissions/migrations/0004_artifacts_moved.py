"""Artifact and ArtifactAccess now belong to the artifacts app (its 0001 took them over, tables
and rows); this only removes them from submissions' state. Nothing happens in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0003_submission_district_status_decided"),
        ("artifacts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ArtifactAccess"),
                migrations.DeleteModel(name="Artifact"),
            ],
            database_operations=[],
        ),
    ]
