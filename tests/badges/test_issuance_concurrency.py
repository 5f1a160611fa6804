"""Two workers issuing two awards of the same district, educator and micro-credential work side
by side: while one renders its certificate, the other is not held up by any row lock."""

import threading

import pytest
from django.db import connection

from badges import certificates
from badges.models import Award
from badges.services import award_issue_for_submission
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_award_is_issued_while_another_of_the_district_renders(educator, monkeypatch):
    first = earned_submission(educator=educator)
    microcredential = first.plan.microcredential
    second = earned_submission(educator=educator, microcredential=microcredential)
    rendering, release = threading.Event(), threading.Event()
    render = certificates.certificate_pdf

    def held_render(award):
        # The first award's render waits, inside its transaction, until the second is done.
        if award.submission_id == first.pk:
            rendering.set()
            assert release.wait(timeout=60)
        return render(award)

    monkeypatch.setattr(certificates, "certificate_pdf", held_render)
    errors: list[BaseException] = []

    def issue(submission_id: int) -> None:
        try:
            award_issue_for_submission(submission_id=submission_id)
        except BaseException as error:  # noqa: BLE001 - reported by the assertions below
            errors.append(error)
        finally:
            connection.close()

    holder = threading.Thread(target=issue, args=(first.pk,))
    holder.start()
    try:
        assert rendering.wait(timeout=60)
        other = threading.Thread(target=issue, args=(second.pk,))
        other.start()
        other.join(timeout=30)
        finished_while_held = not other.is_alive()
    finally:
        release.set()
        holder.join(timeout=60)
        if not finished_while_held:
            other.join(timeout=60)

    assert errors == []
    assert finished_while_held, "The second award waited for the first one's render."
    states = Award.objects.filter(submission__in=[first, second]).values_list("state", flat=True)
    assert sorted(states) == [Award.State.ISSUED, Award.State.ISSUED]
