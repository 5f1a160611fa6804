"""ProgramCycle, CreditRule and RenewalRule move here from reports with their tables and rows:
this migration only tells Django's state that the models are now ours (on the tables reports
made, renamed in 0002)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_user_user_district_name"),
        ("reports", "0002_report_stamp"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProgramCycle",
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
                        ("name", models.CharField(max_length=120)),
                        ("starts_on", models.DateField()),
                        ("ends_on", models.DateField()),
                        (
                            "plan_deadline",
                            models.DateField(
                                blank=True,
                                help_text="Last day to submit a plan.",
                                null=True,
                                verbose_name="plan submission deadline",
                            ),
                        ),
                        (
                            "evidence_deadline",
                            models.DateField(
                                blank=True,
                                help_text="Last day to submit evidence for review.",
                                null=True,
                                verbose_name="evidence submission deadline",
                            ),
                        ),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="cycles",
                                to="accounts.district",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_programcycle",
                        "ordering": ["starts_on", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="RenewalRule",
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
                        ("name", models.CharField(default="License renewal", max_length=120)),
                        ("required_count", models.PositiveSmallIntegerField(default=2)),
                        ("window_cycles", models.PositiveSmallIntegerField(default=3)),
                        ("effective_from", models.DateField()),
                        ("at_risk_days", models.PositiveSmallIntegerField(default=120)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="renewal_rules",
                                to="accounts.district",
                            ),
                        ),
                        (
                            "first_cycle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="programs.programcycle",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_renewalrule",
                        "ordering": ["-effective_from", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="CreditRule",
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
                            "scope",
                            models.CharField(
                                choices=[
                                    ("district", "Every micro-credential"),
                                    ("rigor", "A level of rigor"),
                                    ("microcredential", "One micro-credential"),
                                ],
                                default="district",
                                max_length=20,
                            ),
                        ),
                        ("rigor", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("microcredential_lineage", models.UUIDField(blank=True, null=True)),
                        ("effective_from", models.DateField()),
                        (
                            "salary_amount",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=8,
                                null=True,
                                verbose_name="salary increase ($)",
                            ),
                        ),
                        (
                            "pd_points",
                            models.DecimalField(
                                blank=True,
                                decimal_places=1,
                                max_digits=5,
                                null=True,
                                verbose_name="PD points",
                            ),
                        ),
                        (
                            "clock_hours",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=5, null=True
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="credit_rules",
                                to="accounts.district",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_creditrule",
                        "ordering": ["-effective_from", "scope", "id"],
                        "indexes": [
                            models.Index(
                                fields=["district", "effective_from"],
                                name="reports_cre_distric_3d2639_idx",
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("microcredential_lineage", None),
                                        ("rigor__isnull", True),
                                        ("scope", "district"),
                                    ),
                                    models.Q(
                                        ("microcredential_lineage", None),
                                        ("rigor__isnull", False),
                                        ("scope", "rigor"),
                                    ),
                                    models.Q(
                                        ("microcredential_lineage__isnull", False),
                                        ("rigor__isnull", True),
                                        ("scope", "microcredential"),
                                    ),
                                    _connector="OR",
                                ),
                                name="credit_rule_scope_fields",
                            )
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="programcycle",
                    constraint=models.UniqueConstraint(
                        fields=("district", "name"), name="unique_cycle_name"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="programcycle",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("ends_on__gte", models.F("starts_on"))),
                        name="cycle_ends_after_start",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="renewalrule",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("required_count__gte", 1), ("window_cycles__gte", 1)),
                        name="renewal_rule_positive",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
