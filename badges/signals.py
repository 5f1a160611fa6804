"""What this app tells (and asks) the apps above it, which it may not import (see the README's
layout). They connect their receivers in their ``AppConfig.ready()``.

``award_issued`` and ``award_revoked`` are sent inside the transaction of the change, the
award's row locked and saved, with ``award``; the webhooks side records the event for its
subscribers in that same transaction, so the event exists exactly when the change does; the
reports side records (or, on revocation, reverses) the salary credit of an award that another
district of the state accepts to pay.
"""

from django.dispatch import Signal

# The award moved from being prepared to issued (``services.award_issue_for_submission``).
award_issued = Signal()

# A district admin revoked the award (``services.award_revoke``).
award_revoked = Signal()

# Sent while an award's credential is made, with ``submission`` (earned). The review side
# answers with the level the panel found on each rubric criterion, as
# ``{criterion id: RubricLevel}``; the credential carries them as its results.
rubric_levels_asked = Signal()
