"""The virus scan against a real clamd, started for the test run on a loopback port.

Its signature database is made here and holds test signatures only: the MD5 of the EICAR test
file (``.hdb``: ``md5:size:name``) and a body pattern of our own (``.ndb``). No freshclam, no
download. clamd is required: without it these tests fail (``.ci/run`` installs clamav-daemon).
"""

import hashlib
import shutil
import socket
import subprocess
import time

import pytest
from celery.exceptions import Retry
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from artifacts import services
from artifacts.checks import ClamdError, clamd_scan
from artifacts.models import Artifact
from artifacts.tasks import check_artifact
from tests.conftest import free_port

from .conftest import assign, finish, png_bytes, post_to_storage, start, upload

# The standard antivirus test file (harmless by design), assembled so this source is not it.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# Found anywhere in a file by the body signature below.
TEST_PATTERN = b"MICROCREDS-CLAMD-TEST-PATTERN"
EICAR_FOUND = "Microcreds.Test.EICAR.UNOFFICIAL"  # clamd marks signatures of our own database
PATTERN_FOUND = "Microcreds.Test.Pattern.UNOFFICIAL"
STREAM_MAX_BYTES = 2 * 1024 * 1024


def clamd_binary() -> str:
    found = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.fail("clamd is not installed: install clamav-daemon (.ci/run does).")
    return found


def answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"zPING\0")
            return conn.recv(16) == b"PONG\0"
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory):
    """clamd in the foreground with a test-only database; stopped at the end of the run."""
    binary = clamd_binary()
    home = tmp_path_factory.mktemp("clamd")
    database = home / "db"
    database.mkdir()
    (database / "microcreds-test.hdb").write_text(
        f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Microcreds.Test.EICAR\n"
    )
    (database / "microcreds-test.ndb").write_text(
        f"Microcreds.Test.Pattern:0:*:{TEST_PATTERN.hex()}\n"
    )
    port = free_port()
    log = home / "clamd.log"
    conf = home / "clamd.conf"
    conf.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {database}",
                f"LogFile {log}",
                f"PidFile {home / 'clamd.pid'}",
                "SelfCheck 0",
                "Bytecode no",
                "MaxThreads 2",
                f"StreamMaxLength {STREAM_MAX_BYTES}",
                "",
            ]
        )
    )
    process = subprocess.Popen(
        [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while not answers_ping(port):
        if process.poll() is not None:
            output = log.read_text() if log.exists() else ""
            pytest.fail(f"clamd exited with status {process.returncode}:\n{output[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("clamd did not answer PING within 60 seconds.")
        time.sleep(0.1)
    yield {"host": "127.0.0.1", "port": port}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def clamd(settings, clamd_server):
    settings.CLAMD_HOST = clamd_server["host"]
    settings.CLAMD_PORT = clamd_server["port"]
    return clamd_server


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on."""
    return free_port()


def test_the_client_streams_chunks_and_reads_the_verdict(clamd):
    host, port = clamd["host"], clamd["port"]
    assert clamd_scan([b"hello ", b"world"], host=host, port=port) == ""
    assert clamd_scan([EICAR[:10], EICAR[10:]], host=host, port=port) == EICAR_FOUND
    # A signature inside a larger file, cut across the chunks the client sends.
    text = b"Lesson notes. " * 40_000
    cut = TEST_PATTERN[:9], TEST_PATTERN[9:]
    found = clamd_scan([text + cut[0], cut[1] + text], host=host, port=port)
    assert found == PATTERN_FOUND


def test_an_unreachable_scanner_is_an_error_to_retry_not_a_verdict(closed_port):
    with pytest.raises(ClamdError, match="could not be reached"):
        clamd_scan([b"x"], host="127.0.0.1", port=closed_port, timeout=2)


def test_a_stream_over_the_scanners_limit_is_an_error_not_a_clean_verdict(clamd):
    big = b"\x00" * (1024 * 1024)
    with pytest.raises(ClamdError):
        clamd_scan([big] * 3, host=clamd["host"], port=clamd["port"])


@pytest.mark.integration
def test_an_infected_file_is_refused_with_the_reason_and_a_clean_one_passes(
    clamd, educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    artifact = upload(
        educator_client,
        submission,
        "eicar.txt",
        EICAR,
        capture=django_capture_on_commit_callbacks,
    )
    assert artifact.status == Artifact.Status.REFUSED
    assert artifact.refusal_reason == (
        f"The virus scanner found “{EICAR_FOUND}” in this file; it was deleted. Check the "
        "computer it came from before uploading again."
    )
    assert artifact.storage_key == ""
    listed = s3_storage["client"].list_objects_v2(Bucket=s3_storage["bucket"], Prefix="districts/")
    assert not any(str(artifact.uuid) in o["Key"] for o in listed.get("Contents", []))

    notes = b"%PDF-1.4\n% " + TEST_PATTERN + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    infected = upload(
        educator_client,
        submission,
        "notes.pdf",
        notes,
        capture=django_capture_on_commit_callbacks,
    )
    assert infected.status == Artifact.Status.REFUSED
    assert f"found “{PATTERN_FOUND}”" in infected.refusal_reason

    clean = upload(
        educator_client,
        submission,
        "clean.png",
        png_bytes(),
        capture=django_capture_on_commit_callbacks,
    )
    assert clean.status == Artifact.Status.ACCEPTED, clean.refusal_reason
    assert clean.content_type == "image/png"


def upload_with_the_scanner_down(client, submission, data: bytes, on_commit) -> Artifact:
    """Upload a text file while clamd cannot be reached: the check asks Celery to retry it
    later (raised here, where tasks run eagerly)."""
    grant = start(client, submission, "reflection.txt", len(data)).json()
    post_to_storage(grant, "reflection.txt", data)
    with pytest.raises(Retry, match="could not be reached"):
        with on_commit(execute=True):
            assert finish(client, grant).status_code == 200
    return Artifact.objects.get(uuid=grant["uuid"])


@pytest.mark.integration
def test_with_the_scanner_down_a_file_is_not_accepted_and_is_checked_when_it_is_back(
    clamd,
    closed_port,
    settings,
    educator,
    educator_client,
    submission,
    s3_storage,
    django_capture_on_commit_callbacks,
):
    settings.CLAMD_PORT = closed_port
    data = b"Reflection on the second lesson.\n" * 100
    artifact = upload_with_the_scanner_down(
        educator_client, submission, data, django_capture_on_commit_callbacks
    )
    # Neither accepted nor refused: still "checking", its bytes kept in quarantine, unopenable.
    assert artifact.status == Artifact.Status.CHECKING
    assert "/quarantine/" in artifact.storage_key
    head = s3_storage["client"].head_object(Bucket=s3_storage["bucket"], Key=artifact.storage_key)
    assert head["ContentLength"] == len(data)
    with pytest.raises(services.ArtifactError, match="still being checked"):
        services.artifact_open(artifact=artifact, user=educator, ip_address=None)

    settings.CLAMD_PORT = clamd["port"]
    assert check_artifact.delay(artifact.pk).get() == Artifact.Status.ACCEPTED
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.ACCEPTED
    assert "/artifacts/" in artifact.storage_key


@pytest.mark.integration
def test_with_the_scanner_down_past_the_last_retry_the_file_is_refused_kept_and_retried(
    clamd,
    closed_port,
    settings,
    reviewer,
    educator,
    educator_client,
    submission,
    s3_storage,
    django_capture_on_commit_callbacks,
):
    settings.CLAMD_PORT = closed_port
    data = b"Reflection on the third lesson.\n" * 100
    artifact = upload_with_the_scanner_down(
        educator_client, submission, data, django_capture_on_commit_callbacks
    )
    quarantined = artifact.storage_key
    # Every retry but the last is still a retry...
    with pytest.raises(Retry):
        check_artifact.apply(args=[artifact.pk], retries=check_artifact.max_retries - 1)
    assert Artifact.objects.get(pk=artifact.pk).status == Artifact.Status.CHECKING

    # ...the last one gives up: refused, with a reason that is about the scanner, not the file.
    result = check_artifact.apply(args=[artifact.pk], retries=check_artifact.max_retries)
    assert result.get() == Artifact.Status.REFUSED
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.REFUSED
    assert artifact.refusal_reason == (
        "We could not check this file for viruses right now, so it is not accepted yet. The file "
        "is kept: press Retry in a little while to check it again, or remove it."
    )
    assert artifact.checked_at is not None
    # Kept in quarantine, so that Retry can check it again (removing it deletes it).
    assert artifact.storage_key == quarantined
    assert artifact.may_retry_check
    listed = s3_storage["client"].list_objects_v2(Bucket=s3_storage["bucket"], Prefix=quarantined)
    assert listed["KeyCount"] == 1
    event = AuditEvent.objects.get(action="artifact.refused", target_id=artifact.pk)
    assert (event.from_status, event.to_status) == ("checking", "refused")
    assert event.detail["reason"] == artifact.refusal_reason
    assert "could not be reached" in event.detail["error"]
    # A task run again later (a duplicate delivery) leaves the verdict alone.
    assert check_artifact.apply(args=[artifact.pk]).get() == "skipped"

    # Nobody opens it: the educator is told why, an assigned reviewer does not see it at all.
    response = educator_client.get(reverse("artifacts:open", kwargs={"uuid": artifact.uuid}))
    assert response.status_code == 409
    assert "could not check this file for viruses right now" in response.content.decode()
    assign(reviewer, submission)
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    assert (
        reviewer_client.get(reverse("artifacts:open", kwargs={"uuid": artifact.uuid})).status_code
        == 404
    )

    # The evidence page says why and offers Retry, beside Remove.
    page = educator_client.get(
        reverse("artifacts:upload", kwargs={"submission_id": submission.pk})
    ).content.decode()
    assert "could not check this file for viruses right now" in page
    retry_url = reverse("artifacts:retry_check", kwargs={"uuid": artifact.uuid})
    assert f'action="{retry_url}"' in page
    assert f'action="{reverse("artifacts:delete", kwargs={"uuid": artifact.uuid})}"' in page

    # With the scanner back, Retry checks the same file again, and it is accepted.
    settings.CLAMD_PORT = clamd["port"]
    with django_capture_on_commit_callbacks(execute=True):
        retried = educator_client.post(retry_url, follow=True)
    assert "“reflection.txt” is being checked again." in retried.content.decode()
    artifact.refresh_from_db()
    assert artifact.status == Artifact.Status.ACCEPTED, artifact.refusal_reason
    assert "/artifacts/" in artifact.storage_key
