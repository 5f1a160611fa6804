"""What this app asks of the apps above it, which it may not import (see the README's layout).

They connect their receivers in their ``AppConfig.ready()``.
"""

from django.dispatch import Signal

# Sent by ``permissions.get_artifact_for_user`` with ``user`` (a reviewer) and ``submission``:
# a receiver returns True when that reviewer may read the submission's evidence. The review
# side, which knows who reviews what, answers; without an answer nobody is let in.
reviewer_access_asked = Signal()
