"""Each assignment keeps when its round opened, and the queue reads its pages from an index in
that order (issue 15: the queue sorted every waiting review through a join before its LIMIT).
Existing assignments take their round's ``opened_at``."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_round_opened_at(apps, schema_editor):
    ReviewAssignment = apps.get_model("reviews", "ReviewAssignment")
    StageReview = apps.get_model("reviews", "StageReview")
    ReviewAssignment.objects.update(
        opened_at=Subquery(
            StageReview.objects.filter(pk=OuterRef("stage_review_id")).values("opened_at")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_notification_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewassignment",
            name="opened_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(copy_round_opened_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reviewassignment",
            name="opened_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(
            model_name="reviewassignment",
            name="reviews_rev_reviewe_73b0d3_idx",
        ),
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(
                fields=["reviewer", "status", "stage", "opened_at", "id"],
                name="review_queue_order",
            ),
        ),
    ]
