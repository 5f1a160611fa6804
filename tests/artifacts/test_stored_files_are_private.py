"""Issue 14, finding 2: no route serves a stored file by its path, in any mode.

Every kind of stored file is made the way the app makes it (evidence and its thumbnail, a file
in quarantine, a district's logo, an export, a certificate and badge images), in both modes:

- the embedded default (``DEBUG=1``, local files): the URL configuration is loaded again as
  ``DEBUG=1`` loads it, every file under ``MEDIA_ROOT`` is asked for under ``/media/`` (and
  ``/media/districts/``...) anonymously and by a person of another district: never served;
- object storage (S3): every object is asked for from the bucket without a signature: refused,
  and the app's ``/media/`` paths are not there either.

Each file is only read through its view, after the permission check (and, for evidence, the
access log), as the last test shows.
"""

import importlib
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse
from django.views.static import serve

from artifacts.models import Artifact, ArtifactAccess
from badges.services import award_issue_for_submission
from reports.services import export_job_create
from tests.badges.factories import earned_submission

from .conftest import png_bytes, start

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def reload_urls() -> None:
    import microcreds.urls

    importlib.reload(microcreds.urls)
    clear_url_caches()


@pytest.fixture
def embedded_default(settings, tmp_path):
    """DEBUG=1 with local files, the URL configuration loaded as it is then."""
    settings.DEBUG = True
    settings.USE_S3 = False
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/"},
        },
    }
    reload_urls()
    yield tmp_path
    settings.DEBUG = False
    reload_urls()


def every_view(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from every_view(entry)
        elif isinstance(entry, URLPattern):
            yield entry.callback


def store_everything(client, educator, district_admin, capture) -> None:
    """One file of each kind, each made by the app's own code."""
    from submissions.models import Submission
    from tests.submissions.factories import SubmissionFactory

    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    client.force_login(educator)
    for name, data in (("photo.png", png_bytes()), ("plan.pdf", PDF), ("left.pdf", PDF)):
        grant = start(client, submission, name, len(data)).json()
        if grant["method"] == "local":
            client.put(grant["url"], data=data, content_type="application/octet-stream")
        else:
            import requests

            requests.post(grant["url"], data=grant["fields"], files={"file": (name, data)})
        if name != "left.pdf":  # this one stays in quarantine, never finished
            with capture(execute=True):
                client.post(grant["finish_url"])
    assert Artifact.objects.filter(status=Artifact.Status.ACCEPTED).count() == 2
    district = educator.district
    district.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    with capture(execute=True):
        export_job_create(
            actor=district_admin,
            dataset="salary_ledger",
            file_format="csv",
            filters={},
            rows_total=0,
        )
    award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    client.logout()


def refused_to(client, path: str) -> bool:
    response = client.get(path)
    if response.status_code == 302:
        return response["Location"].startswith("/accounts/login/")
    return response.status_code == 404


@pytest.mark.django_db
def test_the_embedded_default_serves_no_stored_file_by_path(
    embedded_default,
    client,
    educator,
    district_admin,
    outsider_educator,
    django_capture_on_commit_callbacks,
):
    assert all(view is not serve for view in every_view()), "a route serves MEDIA_ROOT"
    store_everything(client, educator, district_admin, django_capture_on_commit_callbacks)
    stored = sorted(
        str(p.relative_to(embedded_default))
        for p in Path(embedded_default).rglob("*")
        if p.is_file()
    )
    kinds = {"/artifacts/", "/quarantine/", "districts/logos/", "exports/", "certificate.pdf"}
    assert all(any(kind in key for key in stored) for kind in kinds), stored

    for who in ("anonymous", "another district"):
        if who == "another district":
            client.force_login(outsider_educator)
        for key in stored:
            for path in (f"/media/{key}", f"/{key}", f"/media/districts/{key}"):
                assert refused_to(client, path), f"{path} served to {who}"
        # What a URL of the storage itself points to is not served either.
        for key in stored:
            assert refused_to(client, default_storage.url(key)), f"{key}'s URL served to {who}"


@pytest.mark.django_db
def test_object_storage_serves_no_object_without_a_signature(
    s3_storage, client, educator, district_admin, django_capture_on_commit_callbacks
):
    store_everything(client, educator, district_admin, django_capture_on_commit_callbacks)
    listing = s3_storage["client"].get_paginator("list_objects_v2")
    keys = [
        item["Key"]
        for page in listing.paginate(Bucket=s3_storage["bucket"])
        for item in page.get("Contents", [])
    ]
    mine = [k for k in keys if f"districts/{educator.district_id}/" in k or "logo" in k]
    assert mine
    for key in keys[:400] + mine:
        plain = f"{s3_storage['endpoint']}/{s3_storage['bucket']}/{quote(key, safe='/')}"
        try:
            urllib.request.urlopen(plain, timeout=10)
        except urllib.error.HTTPError as refused:
            assert refused.code == 403, key
        else:
            pytest.fail(f"{key} is served without a signature")
        assert refused_to(client, f"/media/{key}"), key


@pytest.mark.django_db
def test_each_file_is_read_through_its_view_after_the_check(
    embedded_default,
    client,
    educator,
    district_admin,
    outsider_admin,
    django_capture_on_commit_callbacks,
):
    store_everything(client, educator, district_admin, django_capture_on_commit_callbacks)
    artifact = Artifact.objects.filter(status=Artifact.Status.ACCEPTED).first()
    opened_url = reverse("artifacts:open", kwargs={"uuid": artifact.uuid})
    assert refused_to(client, opened_url)

    client.force_login(outsider_admin)
    assert client.get(opened_url).status_code == 404
    logo = client.get(reverse("accounts:district_logo"))
    assert logo.status_code == 404, "another district's admin never gets this logo"

    client.force_login(educator)
    opened = client.get(opened_url)
    assert opened.status_code == 302
    assert ArtifactAccess.objects.filter(artifact=artifact, user=educator).count() == 1
    served = client.get(opened["Location"])
    assert served.status_code == 200
    assert client.get(reverse("accounts:district_logo")).status_code == 403

    client.force_login(district_admin)
    logo = client.get(reverse("accounts:district_logo"))
    assert logo.status_code == 200
    assert (
        b"".join(logo.streaming_content)
        == (embedded_default / educator.district.logo.name).read_bytes()
    )
