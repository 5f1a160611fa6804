"""The tables, index, content types and audit entries of Artifact and ArtifactAccess take this
app's name.

The tables are renamed (rows, keys and constraints stay as they are); the content types are
moved rather than made anew, so permissions and the admin's history stay attached; audit
entries name their target ``artifacts.artifact`` from now on, the earlier ones too.
"""

from django.db import migrations

OLD, NEW = "submissions", "artifacts"
MODELS = ["artifact", "artifactaccess"]


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
        ("artifacts", "0001_initial"),
        ("submissions", "0004_artifacts_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="artifact", table=None),
        migrations.AlterModelTable(name="artifactaccess", table=None),
        migrations.RenameIndex(
            model_name="artifact",
            new_name="artifacts_a_submiss_658473_idx",
            old_name="submissions_submiss_0e5995_idx",
        ),
        migrations.RunPython(forwards, backwards),
    ]
