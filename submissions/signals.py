"""What this app tells the apps above it, which it may not import (see the README's layout).

They connect their receivers in their ``AppConfig.ready()``.
"""

from django.dispatch import Signal

# Sent inside the transaction of a move that asks the panel for a review round, with
# ``submission`` and ``stage`` ("plan" or "final"). The review side queues the assignment of
# its reviewers (through the outbox: sent after the commit).
review_requested = Signal()

# Sent inside the transaction that opens an attempt, the submission's row locked, with
# ``attempt``. The evidence side freezes the evidence accepted so far with it.
attempt_opened = Signal()

# Sent by ``selectors.results_missing`` with ``submission``: each receiver returns what its part
# still lacks before a submission for review, as ``{section label: [what to do, ...]}``.
results_checked = Signal()
