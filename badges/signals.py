"""What this app tells the apps above it, which it may not import (see the README's layout).

Both are sent inside the transaction of the change, the award's row locked and saved, with
``award``; the webhooks side records the event for its subscribers in that same transaction,
so the event exists exactly when the change does.
"""

from django.dispatch import Signal

# The award moved from being prepared to issued (``services.award_issue_for_submission``).
award_issued = Signal()

# A district admin revoked the award (``services.award_revoke``).
award_revoked = Signal()
