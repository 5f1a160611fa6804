import pytest


@pytest.fixture(autouse=True)
def badge_keys_dir(settings, tmp_path_factory):
    """Each test's signing keys live in a fresh directory, never in the repository."""
    directory = tmp_path_factory.mktemp("badge-keys")
    settings.BADGE_KEYS_DIR = directory
    return directory


@pytest.fixture
def issued_award(educator):
    from badges.services import award_issue_for_submission
    from tests.badges.factories import earned_submission

    submission = earned_submission(educator=educator)
    return award_issue_for_submission(submission_id=submission.pk)
