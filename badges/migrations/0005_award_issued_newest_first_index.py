from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import connection, migrations, models

# Built without locking out writes to the awards (PostgreSQL); SQLite has no such option.
AddIndex = AddIndexConcurrently if connection.vendor == "postgresql" else migrations.AddIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("badges", "0004_award_renews_and_renewal_reminders"),
    ]

    operations = [
        AddIndex(
            model_name="award",
            index=models.Index(
                models.OrderBy(models.F("issued_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("state", "issued")),
                name="award_issued_newest_first",
            ),
        ),
    ]
