"""The tables, index, content types and audit entries of the cycles and rules take this app's
name.

The tables are renamed (rows, keys and constraints stay as they are; the stamp triggers of
``reports.stamps`` are re-created on the new names after the migration); the content types are
moved rather than made anew, so permissions and the admin's history stay attached; audit
entries name their target ``programs.<model>`` from now on, the earlier ones too.
"""

from django.db import migrations

OLD, NEW = "reports", "programs"
MODELS = ["programcycle", "creditrule", "renewalrule"]


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
        ("programs", "0001_initial"),
        ("reports", "0003_program_rules_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="programcycle", table=None),
        migrations.AlterModelTable(name="creditrule", table=None),
        migrations.AlterModelTable(name="renewalrule", table=None),
        migrations.RenameIndex(
            model_name="creditrule",
            new_name="programs_cr_distric_841aa6_idx",
            old_name="reports_cre_distric_3d2639_idx",
        ),
        migrations.RunPython(forwards, backwards),
    ]
