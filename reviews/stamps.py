"""A district's queue stamp: a number PostgreSQL changes whenever anything that decides which
reviews wait for its reviewers changes (``microcreds.stamps``). The reviewer queue's counts are
filed under it (``selectors.queue_counts``): a reviewer with a thousand reviews waiting reads
them from the cache until one of them, its round or its submission moves.

The reports' stamp (``reports.stamps``) watches other tables: a review changing hands leaves
the reports' figures cached, and an autosave leaves both alone.
"""

from microcreds.stamps import TriggerStamp

STAMP = TriggerStamp(
    name="queue",
    marker="queue_stamp",
    model=("reviews", "QueueStamp"),
    watched=(
        # What ``selectors._waiting_for`` and the counts read of each table.
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
                "submission_id",
                "stage_review_id",
            ],
        ),
        ("reviews", "StageReview", "district", ["district_id", "status"]),
        ("submissions", "Submission", "district", ["district_id", "status"]),
    ),
)

install_after_migrate = STAMP.install_after_migrate


def current_stamp(*, district_id: int) -> int | None:
    """The district's queue stamp, or None where counts filed under it can't be trusted: on
    SQLite, or inside a transaction that has written."""
    return STAMP.current(district_id=district_id)
