"""A district's queue stamp: a number PostgreSQL changes whenever anything that decides which
reviews wait for its reviewers, or what the queue shows of them, changes (``microcreds.stamps``).
The reviewer queue's counts and its first page are filed under it (``selectors.queue_counts``,
``selectors.queue_page``): a reviewer with a thousand reviews waiting reads them from the cache
until one of them, its round or its submission moves, or a name or title it shows changes.

The reports' stamp (``reports.stamps``) watches other tables: a review changing hands leaves
the reports' figures cached, and an autosave leaves both alone.
"""

from microcreds.stamps import TriggerStamp

STAMP = TriggerStamp(
    name="queue",
    marker="queue_stamp",
    model=("reviews", "QueueStamp"),
    watched=(
        # What ``selectors._waiting_for`` and the counts read of each table, and what a row of
        # the queue shows (``selectors._QUEUE_COLUMNS``): its first page is filed under the
        # stamp too, so a renamed educator, building, stack or micro-credential, or a plan's new
        # title, shows at once.
        (
            "reviews",
            "ReviewAssignment",
            "district",
            [
                "district_id",
                "reviewer_id",
                "status",
                "stage",
                "due_at",
                "opened_at",
                "submission_id",
                "stage_review_id",
            ],
        ),
        ("reviews", "StageReview", "district", ["district_id", "status", "round"]),
        (
            "submissions",
            "Submission",
            "district",
            ["district_id", "status", "educator_id", "plan_id"],
        ),
        ("submissions", "Plan", "district", ["district_id", "title", "microcredential_id"]),
        (
            "accounts",
            "User",
            "district",
            ["district_id", "first_name", "last_name", "email", "building_id"],
        ),
        ("accounts", "Building", "district", ["district_id", "name"]),
        ("credentials", "MicroCredential", "district", ["district_id", "title", "stack_id"]),
        ("credentials", "Stack", "district", ["district_id", "name"]),
    ),
)

install_after_migrate = STAMP.install_after_migrate


def current_stamp(*, district_id: int) -> int | None:
    """The district's queue stamp, or None where counts filed under it can't be trusted: on
    SQLite, or inside a transaction that has written."""
    return STAMP.current(district_id=district_id)
