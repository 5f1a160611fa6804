"""Notification's table, index, content type and audit entries take this app's name.

The table is renamed (rows, keys and constraints stay as they are); the content type is moved
rather than made anew, so permissions and the admin's history stay attached; audit entries
name their target ``notifications.notification`` from now on, the earlier ones too.
"""

from django.db import migrations

OLD, NEW = "reviews", "notifications"
MODELS = ["notification"]


def relabel(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    audit_event = apps.get_model("accounts", "AuditEvent")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)
        audit_event.objects.filter(target_type=f"{old}.{model}").update(
            target_type=f"{new}.{model}"
        )


def forwards(apps, schema_editor) -> None:
    relabel(apps, OLD, NEW)


def backwards(apps, schema_editor) -> None:
    relabel(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("reviews", "0002_notification_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="notification", table=None),
        migrations.RenameIndex(
            model_name="notification",
            new_name="notificatio_recipie_564b1f_idx",
            old_name="reviews_not_recipie_a68ac9_idx",
        ),
        migrations.RunPython(forwards, backwards),
    ]
