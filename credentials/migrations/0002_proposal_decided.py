from django.db import migrations, models

# Submission statuses past the panel's approval of the plan.
APPROVED_PLAN = [
    "plan_approved",
    "in_progress",
    "submitted_for_review",
    "not_yet",
    "resubmitted",
    "earned",
]
CLOSED = ["declined", "withdrawn"]


def carry_decided_proposals(apps, schema_editor):
    """Proposals the panel already decided with their plan were left "proposed"; give them the
    status the decision now gives them."""
    MicroCredential = apps.get_model("credentials", "MicroCredential")
    Submission = apps.get_model("submissions", "Submission")
    proposals = MicroCredential.objects.filter(status="proposed", origin="educator")
    for entry in proposals.iterator():
        statuses = set(
            Submission.objects.filter(plan__microcredential=entry).values_list("status", flat=True)
        )
        if statuses & set(APPROVED_PLAN):
            entry.status = "approved"
        elif "declined" in statuses and statuses <= set(CLOSED):
            entry.status = "declined"
        else:
            continue
        entry.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0001_initial"),
        ("submissions", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="microcredential",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("proposed", "Proposed by an educator"),
                    ("approved", "Approved by the panel for its plan"),
                    ("declined", "Declined by the panel"),
                    ("published", "Published"),
                    ("retired", "Retired"),
                    ("superseded", "Replaced by a newer version"),
                ],
                default="draft",
                max_length=20,
            ),
        ),
        migrations.RunPython(carry_decided_proposals, migrations.RunPython.noop),
    ]
