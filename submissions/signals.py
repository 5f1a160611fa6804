"""What this app tells the apps above it, which it may not import (see the README's layout).

They connect their receivers in their ``AppConfig.ready()``.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.dispatch import Signal

# Sent inside the transaction of a move that asks the panel for a review round, with
# ``submission`` and ``stage`` ("plan" or "final"). The review side queues the assignment of
# its reviewers (through the outbox: sent after the commit).
review_requested = Signal()

# Sent by ``transitions.submission_move`` inside the transaction of every move, the row locked
# and saved, with ``submission``, ``from_status``, ``to_status`` and ``actor`` (None for the
# system). The webhooks side records the event for its subscribers in that same transaction.
submission_moved = Signal()

# Sent inside the transaction that opens an attempt, the submission's row locked, with
# ``attempt``. The evidence side freezes the evidence accepted so far with it.
attempt_opened = Signal()

# Sent by ``selectors.results_missing`` with ``submission``: each receiver returns what its part
# still lacks before a submission for review, as ``{section label: [what to do, ...]}``.
results_checked = Signal()

# Sent by ``selectors.revised_since_decision`` with ``submission`` and ``since`` (when the panel
# decided): each receiver returns the labels of what its part changed since, for the review the
# educator answers ([] when nothing). The evidence side answers with "Evidence".
revisions_checked = Signal()

# Sent by the plan page (``selectors.plan_page_sections``) with ``submission``, read by its
# educator: each receiver returns a ``PageSection`` or None. The review side answers with
# the panel's decision and comments, the badges side with the award of an earned plan.
plan_page_shown = Signal()

# Sent by the educator's dashboard (``selectors.dashboard_sections``) with ``educator``: each
# receiver returns a ``PageSection`` or None. The reports side answers with their progress
# against the district's rules (salary credit, PD points, re-licensure).
dashboard_shown = Signal()

# Sent by the plan's history (``selectors.plan_history``) with ``submission``: each receiver
# returns a list of ``HistoryEntry`` (the review side: the panel's decisions and comments).
history_asked = Signal()


@dataclass(frozen=True)
class PageSection:
    """What an app above says on a page of this app (the plan page, the dashboard): a template
    of its own, and what it reads (the template gets it as ``section``)."""

    template_name: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a plan's history: when, who, what, and the words that go with it."""

    at: datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)
    changes: list[Any] = field(default_factory=list)
