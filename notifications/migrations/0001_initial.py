"""Notification moves here from reviews with its table and rows: this migration only tells
Django's state that the model is now ours (on the table reviews made, renamed in 0002)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_user_user_district_name"),
        ("reviews", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("plan_submitted", "Plan submitted"),
                                    ("decision", "Plan decision"),
                                    ("changes_requested", "Changes requested"),
                                    ("resubmitted", "Resubmitted"),
                                    ("review_requested", "Submitted for review"),
                                    ("scored", "Scored"),
                                    ("earned", "Earned"),
                                    ("not_yet", "Not yet"),
                                    ("chair", "Needs the chair"),
                                    ("overdue", "Overdue"),
                                    ("reassigned", "Reassigned"),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("body", models.TextField(blank=True, max_length=5000)),
                        ("url", models.CharField(blank=True, max_length=500)),
                        ("event_key", models.CharField(max_length=120)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.district",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reviews_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["recipient", "read_at"],
                                name="reviews_not_recipie_a68ac9_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("recipient", "event_key"),
                                name="one_notification_per_event",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
