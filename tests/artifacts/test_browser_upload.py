"""In Chromium, with the CSP enforced: an educator uploads files straight to the S3 server and
watches each progress bar reach done; a refused file says why and leaves the other alone."""

import hashlib
import random

import pytest
from playwright.sync_api import expect

from artifacts.forms import PRIVACY_CONSENT, PRIVACY_NO_IDENTIFYING
from artifacts.models import Artifact
from submissions.models import Submission
from tests.accounts.factories import PASSWORD, EducatorFactory
from tests.submissions.factories import SubmissionFactory

from .conftest import crc32_header, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until(page, condition, seconds: float = 10) -> None:
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("The condition did not become true in time.")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Unlike the other journeys, this one keeps the CSP on: uploads must pass connect-src.
    return {**browser_context_args, "bypass_csp": False}


@pytest.fixture
def csp_with_storage(settings, s3_storage):
    """The policy settings.py derives when AWS_S3_ENDPOINT_URL is the test S3 server."""
    policy = {"DIRECTIVES": dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])}
    for directive in ("connect-src", "img-src", "form-action"):
        policy["DIRECTIVES"][directive] = ["'self'", s3_storage["endpoint"]]
    settings.CONTENT_SECURITY_POLICY = policy
    return policy


def upload(page, live_server, submission, files: list[dict]) -> None:
    """On the plan's evidence page: confirm the privacy checklist, choose the files, Upload."""
    page.goto(f"{live_server.url}/plans/{submission.pk}/evidence/")
    send(page, files)


def send(page, files: list[dict]) -> None:
    """On the evidence page as it is: confirm the privacy checklist, choose the files, Upload."""
    form = page.locator("#artifact-upload-form")
    form.get_by_label(PRIVACY_NO_IDENTIFYING).check()
    form.get_by_label(PRIVACY_CONSENT).check()
    form.get_by_label("Files").set_input_files(files=files)
    form.get_by_role("button", name="Upload").click()


def upload_video_in_parts(page, live_server, sign_in, educator, submission, video, on_part):
    """Sign in, send each part's request through ``on_part``, upload one video; its row."""
    sign_in(page, live_server, educator.email, PASSWORD)
    page.route("**/*partNumber=*", on_part)
    upload(
        page,
        live_server,
        submission,
        [{"name": "lesson.mp4", "mimeType": "video/mp4", "buffer": video}],
    )
    return page.locator("[data-upload-list] li")


def test_uploads_show_progress_to_done_and_a_refusal_with_its_reason(
    page, live_server, browser_sign_in, csp_with_storage, transactional_db
):
    educator = EducatorFactory(email="elena@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    browser_sign_in(page, live_server, educator.email, PASSWORD)
    upload(
        page,
        live_server,
        submission,
        [
            {"name": "transition-chart.png", "mimeType": "image/png", "buffer": png_bytes()},
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"<html>not a photo</html>"},
        ],
    )

    rows = page.locator("[data-upload-list] li")
    expect(rows).to_have_count(2)
    good = rows.filter(has_text="transition-chart.png")
    bad = rows.filter(has_text="photo.jpg")
    expect(good).to_have_attribute("data-state", "done", timeout=20_000)
    expect(good.locator("progress")).to_have_js_property("value", 100)
    expect(good.get_by_role("status")).to_have_text("Done: accepted.")
    expect(bad).to_have_attribute("data-state", "refused", timeout=20_000)
    expect(bad.get_by_role("status")).to_contain_text("is really an HTML web page")
    # The list of evidence refreshes with the accepted file.
    expect(page.locator("[data-artifact-list]")).to_contain_text("transition-chart.png")
    # htmx (in base.html) injects its indicator style on every page; that is not ours to judge
    # here. Uploads must not trip connect-src, img-src or script-src.
    assert [v for v in violations if "inline style" not in v] == []
    statuses = dict(Artifact.objects.values_list("original_name", "status"))
    assert statuses == {"transition-chart.png": "accepted", "photo.jpg": "refused"}


def test_cancel_stops_an_upload_and_retry_starts_it_again(
    page, live_server, browser_sign_in, csp_with_storage, transactional_db, settings
):
    educator = EducatorFactory(email="marcus@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    browser_sign_in(page, live_server, educator.email, PASSWORD)
    # Hold the storage request so the upload is in flight when Cancel is pressed.
    held = []
    page.route("**/microcreds-test", lambda route: held.append(route))
    upload(
        page,
        live_server,
        submission,
        [{"name": "chart.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    row = page.locator("[data-upload-list] li")
    expect(row.get_by_role("button", name="Retry")).to_be_hidden()
    wait_until(page, lambda: len(held) == 1)
    row.get_by_role("button", name="Cancel").click()
    expect(row).to_have_attribute("data-state", "cancelled")
    expect(row.get_by_role("status")).to_have_text("Cancelled.")
    expect(row.get_by_role("button", name="Cancel")).to_be_hidden()
    # The cancelled upload was dropped on the server: nothing half-made is left.
    wait_until(page, lambda: not Artifact.objects.exists())
    held[0].abort()
    page.unroute("**/microcreds-test")
    row.get_by_role("button", name="Retry").click()
    expect(row).to_have_attribute("data-state", "done", timeout=20_000)
    assert list(Artifact.objects.values_list("status", flat=True)) == ["accepted"]


def test_a_large_file_goes_in_parts_and_resumes_after_a_broken_connection(
    page, live_server, browser_sign_in, csp_with_storage, transactional_db, settings
):
    settings.ARTIFACT_MULTIPART_THRESHOLD = 5 * 1024 * 1024
    settings.ARTIFACT_PART_BYTES = 5 * 1024 * 1024
    educator = EducatorFactory(email="priya@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x11" * (12 * 1024 * 1024)
    sent: list[int] = []
    broken = {"on": True}

    def part_route(route):
        number = int(route.request.url.split("partNumber=")[1].split("&")[0])
        if route.request.method != "PUT":
            route.continue_()
            return
        if number == 3 and broken["on"]:
            route.abort("connectionreset")
            return
        sent.append(number)
        route.continue_()

    row = upload_video_in_parts(
        page, live_server, browser_sign_in, educator, submission, video, part_route
    )
    expect(row).to_have_attribute("data-state", "failed", timeout=30_000)
    expect(row.get_by_role("status")).to_contain_text("The connection broke.")
    expect(row.get_by_role("status")).to_contain_text("other files and the plan are not affected")
    assert sorted(sent) == [1, 2]
    # The connection is back: Retry asks storage which parts it holds and sends only the rest.
    broken["on"] = False
    row.get_by_role("button", name="Retry").click()
    expect(row).to_have_attribute("data-state", "done", timeout=30_000)
    assert sorted(sent) == [1, 2, 3]
    artifact = Artifact.objects.get()
    assert (artifact.status, artifact.size, artifact.content_type) == (
        "accepted",
        len(video),
        "video/mp4",
    )


BAD_DIGEST = (
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>BadDigest</Code>'
    "<Message>The CRC32 you specified did not match the calculated checksum.</Message></Error>"
)


def test_a_part_damaged_on_its_way_is_refused_by_storage_and_sent_again(
    page, live_server, browser_sign_in, csp_with_storage, transactional_db, settings
):
    """Each part goes with its CRC32; storage refuses a part whose bytes do not match it.

    S3 makes that check (BadDigest); the test server (moto) takes any bytes, so the route below
    makes it in its place, on the bytes that reach it: part 2's first bytes arrive with one bit
    flipped, as a faulty link would deliver them.
    """
    settings.ARTIFACT_MULTIPART_THRESHOLD = 5 * 1024 * 1024
    settings.ARTIFACT_PART_BYTES = 5 * 1024 * 1024
    part = 5 * 1024 * 1024
    educator = EducatorFactory(email="tomas@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + random.Random(4).randbytes(
        12 * 1024 * 1024
    )
    accepted: list[int] = []
    refused: list[int] = []
    not_the_part: list[int] = []

    def storage_checks_the_checksum(route):
        request = route.request
        if request.method != "PUT":
            route.continue_()
            return
        number = int(request.url.split("partNumber=")[1].split("&")[0])
        received = request.post_data_buffer
        if received != video[(number - 1) * part : number * part]:
            not_the_part.append(number)
        if number == 2 and not refused:
            received = received[:1000] + bytes([received[1000] ^ 0x04]) + received[1001:]
        if request.headers["x-amz-checksum-crc32"] != crc32_header(received):
            refused.append(number)
            route.fulfill(
                status=400,
                headers={"Access-Control-Allow-Origin": live_server.url},
                content_type="application/xml",
                body=BAD_DIGEST,
            )
            return
        accepted.append(number)
        route.continue_()

    row = upload_video_in_parts(
        page, live_server, browser_sign_in, educator, submission, video, storage_checks_the_checksum
    )
    expect(row).to_have_attribute("data-state", "done", timeout=30_000)
    # Every part's checksum matched its bytes but the damaged one, which went again.
    assert not_the_part == []
    assert refused == [2]
    assert sorted(accepted) == [1, 2, 3]
    artifact = Artifact.objects.get()
    assert (artifact.status, artifact.size) == ("accepted", len(video))
    assert artifact.sha256 == hashlib.sha256(video).hexdigest()


def test_the_title_is_cleared_after_an_upload_so_the_next_does_not_reuse_it(
    page, live_server, browser_sign_in, csp_with_storage, transactional_db
):
    educator = EducatorFactory(email="rosa@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    browser_sign_in(page, live_server, educator.email, PASSWORD)
    page.goto(f"{live_server.url}/plans/{submission.pk}/evidence/")
    form = page.locator("#artifact-upload-form")
    form.get_by_label("Title").fill("Transition chart, week one")
    form.get_by_label("Description").fill("Minutes per transition.")
    form.get_by_label(PRIVACY_NO_IDENTIFYING).check()
    form.get_by_label(PRIVACY_CONSENT).check()
    form.get_by_label("Files").set_input_files(
        files=[{"name": "week-one.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    form.get_by_role("button", name="Upload").click()
    rows = page.locator("[data-upload-list] li")
    expect(rows.first).to_have_attribute("data-state", "done", timeout=20_000)
    expect(form.get_by_label("Title")).to_have_value("")
    expect(form.get_by_label("Description")).to_have_value("")
    # The next file, uploaded without a title, is named after itself.
    form.get_by_label("Files").set_input_files(
        files=[{"name": "week-two.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    form.get_by_role("button", name="Upload").click()
    expect(rows.nth(1)).to_have_attribute("data-state", "done", timeout=20_000)
    titles = list(Artifact.objects.order_by("created_at").values_list("title", "description"))
    assert titles == [
        ("Transition chart, week one", "Minutes per transition."),
        ("week-two.png", ""),
    ]


def test_retry_after_a_refused_evidence_type_sends_the_type_chosen_since(
    page, live_server, browser_sign_in, csp_with_storage, transactional_db
):
    from tests.credentials.factories import EvidenceTypeFactory

    educator = EducatorFactory(email="ada.retry@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    EvidenceTypeFactory(district=submission.district, name="Written artifact", accepts="document")
    EvidenceTypeFactory(district=submission.district, name="Student work samples", accepts="image")
    browser_sign_in(page, live_server, educator.email, PASSWORD)
    page.goto(f"{live_server.url}/plans/{submission.pk}/evidence/")
    form = page.locator("#artifact-upload-form")
    form.get_by_label("Evidence type").select_option(
        label="Written artifact (takes documents (PDF, office files, text))"
    )
    send(page, [{"name": "chart.png", "mimeType": "image/png", "buffer": png_bytes()}])
    row = page.locator("[data-upload-list] li")
    expect(row).to_have_attribute("data-state", "failed", timeout=20_000)
    expect(row.get_by_role("status")).to_contain_text("this evidence accepts documents")
    expect(row.get_by_role("status")).to_contain_text(
        "Correct the details above, then press Retry."
    )
    form.get_by_label("Evidence type").select_option(label="Student work samples (takes images)")
    row.get_by_role("button", name="Retry").click()
    expect(row).to_have_attribute("data-state", "done", timeout=20_000)
    artifact = Artifact.objects.get()
    assert artifact.status == "accepted" and artifact.evidence_type.name == "Student work samples"


def test_the_browser_writes_sizes_as_the_server_does_and_an_empty_file_is_0_bytes(
    page, live_server, browser_sign_in, csp_with_storage, transactional_db
):
    from accounts.uploads import human_size

    educator = EducatorFactory(email="sizes@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    browser_sign_in(page, live_server, educator.email, PASSWORD)
    page.goto(f"{live_server.url}/plans/{submission.pk}/evidence/")
    edges = [0, 1, 2, 100, 1023, 1024, 1025, 1280, 1536, 10_239, 1_048_575, 1_048_576]
    edges += [1024**3 - 1, 1024**3, 5 * 1024**3 + 512 * 1024**2, 3 * 1024**4]
    sizes = edges + random.Random(7).sample(range(5 * 1024**3), 300)
    written = page.evaluate("sizes => sizes.map(size => window.humanSize(size))", sizes)
    assert written == [human_size(size) for size in sizes]

    send(
        page,
        [
            {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
            {"name": "note.txt", "mimeType": "text/plain", "buffer": b"n" * 100},
        ],
    )
    rows = page.locator("[data-upload-list] li")
    expect(rows.filter(has_text="empty.txt").locator(".upload-name")).to_have_text(
        "empty.txt (0 bytes)"
    )
    expect(rows.filter(has_text="note.txt").locator(".upload-name")).to_have_text(
        "note.txt (100 bytes)"
    )
    expect(rows.filter(has_text="empty.txt").get_by_role("status")).to_contain_text(
        "is empty (0 bytes): there is nothing in it for reviewers to open.", timeout=20_000
    )


def test_a_file_refused_for_what_it_is_offers_remove_not_retry(
    page, live_server, browser_sign_in, csp_with_storage, transactional_db
):
    educator = EducatorFactory(email="remove@pv.example.org")
    submission = SubmissionFactory(
        plan__lead=educator, educator=educator, status=Submission.Status.IN_PROGRESS
    )
    browser_sign_in(page, live_server, educator.email, PASSWORD)
    upload(
        page,
        live_server,
        submission,
        [
            {"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ" * 64},
            {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
        ],
    )
    rows = page.locator("[data-upload-list] li")
    for name, why in [
        ("setup.exe", "Files like “setup.exe” are not accepted."),
        ("empty.txt", "is empty"),
    ]:
        row = rows.filter(has_text=name)
        expect(row).to_have_attribute("data-state", "declined", timeout=20_000)
        expect(row.get_by_role("status")).to_contain_text(why)
        expect(row.get_by_role("status")).not_to_contain_text("Retry")
        expect(row.get_by_role("button", name="Retry")).to_be_hidden()
        expect(row.get_by_role("button", name="Remove")).to_be_visible()
    rows.filter(has_text="setup.exe").get_by_role("button", name="Remove").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#artifact-upload-form").get_by_label("Files")).to_be_focused()
    assert not Artifact.objects.exists()
