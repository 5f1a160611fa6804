"""Artifact and ArtifactAccess move here from submissions with their tables and rows: this
migration only tells Django's state that the models are now ours (on the tables submissions
made, renamed in 0002)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_user_user_district_name"),
        ("credentials", "0002_proposal_decided"),
        ("submissions", "0003_submission_district_status_decided"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Artifact",
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
                        ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        (
                            "component",
                            models.CharField(
                                choices=[
                                    ("overview", "Overview"),
                                    ("knowledge", "Basis of Knowledge"),
                                    ("implementation", "Implementation"),
                                    ("impact", "Impact"),
                                    ("reflection", "Reflection"),
                                    ("share", "Share"),
                                ],
                                default="impact",
                                max_length=20,
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("file", "File"), ("link", "Link")],
                                default="file",
                                max_length=10,
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("description", models.TextField(blank=True, max_length=5000)),
                        ("url", models.URLField(blank=True, max_length=1000)),
                        ("storage_key", models.CharField(blank=True, max_length=500)),
                        ("thumbnail_key", models.CharField(blank=True, max_length=500)),
                        ("original_name", models.CharField(blank=True, max_length=255)),
                        ("content_type", models.CharField(blank=True, max_length=120)),
                        ("declared_size", models.BigIntegerField(blank=True, null=True)),
                        ("size", models.BigIntegerField(blank=True, null=True)),
                        ("sha256", models.CharField(blank=True, max_length=64)),
                        ("upload_id", models.CharField(blank=True, max_length=400)),
                        ("upload_expires_at", models.DateTimeField(blank=True, null=True)),
                        ("inline_safe", models.BooleanField(default=False)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("uploading", "Uploading"),
                                    ("checking", "Checking"),
                                    ("accepted", "Accepted"),
                                    ("refused", "Refused"),
                                    ("deleted", "Deleted"),
                                ],
                                default="uploading",
                                max_length=20,
                            ),
                        ),
                        ("refusal_reason", models.TextField(blank=True)),
                        ("confirmed_no_identifying_info", models.BooleanField(default=False)),
                        ("confirmed_consent_on_file", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("checked_at", models.DateTimeField(blank=True, null=True)),
                        ("deleted_at", models.DateTimeField(blank=True, null=True)),
                        ("deletion_note", models.CharField(blank=True, max_length=300)),
                        (
                            "attempt",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="artifacts",
                                to="submissions.attempt",
                            ),
                        ),
                        (
                            "criterion",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="artifacts",
                                to="credentials.rubriccriterion",
                            ),
                        ),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="artifacts",
                                to="accounts.district",
                            ),
                        ),
                        (
                            "evidence_type",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="credentials.evidencetype",
                            ),
                        ),
                        (
                            "replaces",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="replaced_by",
                                to="artifacts.artifact",
                            ),
                        ),
                        (
                            "submission",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="artifacts",
                                to="submissions.submission",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_artifact",
                        "ordering": ["component", "created_at"],
                        "indexes": [
                            models.Index(
                                fields=["submission", "status"],
                                name="submissions_submiss_0e5995_idx",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ArtifactAccess",
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
                        ("opened_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        (
                            "purpose",
                            models.CharField(
                                choices=[
                                    ("open", "Opened the file"),
                                    ("thumbnail", "Viewed the thumbnail"),
                                ],
                                default="open",
                                max_length=20,
                            ),
                        ),
                        (
                            "artifact",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="accesses",
                                to="artifacts.artifact",
                            ),
                        ),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.district",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_artifactaccess",
                        "ordering": ["-opened_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
