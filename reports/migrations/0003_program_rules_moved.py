"""ProgramCycle, CreditRule and RenewalRule now belong to the programs app (its 0001 took them
over, tables and rows); this only removes them from reports' state. Nothing happens in the
database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_stamp"),
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CreditRule"),
                migrations.DeleteModel(name="RenewalRule"),
                migrations.DeleteModel(name="ProgramCycle"),
            ],
            database_operations=[],
        ),
    ]
