"""Two admins save the same published entry at once: exactly one new version comes of it."""

import threading

import pytest
from django.db import connection

from credentials import services
from credentials.models import MicroCredential
from credentials.services import CatalogError
from tests.accounts.factories import DistrictAdminFactory
from tests.credentials.factories import MicroCredentialFactory

Status = MicroCredential.Status


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_a_published_entry_make_one_version(district):
    entry = MicroCredentialFactory(district=district)
    admins = [DistrictAdminFactory(district=district) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(admin, title):
        try:
            barrier.wait()
            services.microcredential_update(microcredential=entry, actor=admin, title=title)
            outcomes.append("saved")
        except CatalogError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(admin, f"Edit {n}")) for n, admin in enumerate(admins)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    versions = MicroCredential.objects.filter(lineage=entry.lineage).order_by("version")
    assert [(v.version, v.status) for v in versions] == [
        (1, Status.SUPERSEDED),
        (2, Status.PUBLISHED),
    ]
    assert len(outcomes) == 2 and outcomes.count("saved") == 1
    assert any("newer version" in outcome for outcome in outcomes)
