"""Every person already in a district gets their open membership there, from the day they
joined, with the roles they hold."""

from django.db import migrations

ROLE_FLAGS = {
    "educator": "is_educator",
    "reviewer": "is_reviewer",
    "district_admin": "is_district_admin",
}


def memberships_create(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    people = User.objects.filter(district__isnull=False).exclude(
        pk__in=Membership.objects.filter(ended_on__isnull=True).values("user_id")
    )
    batch = []
    for person in people.iterator(chunk_size=2000):
        batch.append(
            Membership(
                user_id=person.pk,
                district_id=person.district_id,
                roles=[role for role, flag in ROLE_FLAGS.items() if getattr(person, flag)],
                started_on=person.date_joined.date(),
            )
        )
        if len(batch) >= 2000:
            Membership.objects.bulk_create(batch)
            batch = []
    Membership.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_memberships_licenses_moves")]

    operations = [migrations.RunPython(memberships_create, migrations.RunPython.noop)]
