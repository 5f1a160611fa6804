"""What this app asks the apps above it, which it may not import (see the README's layout).

They connect their receivers in their ``AppConfig.ready()``.
"""

from django.dispatch import Signal

# Sent while an award's credential is made, with ``submission`` (earned). The review side
# answers with the level the panel found on each rubric criterion, as
# ``{criterion id: RubricLevel}``; the credential carries them as its results.
rubric_levels_asked = Signal()
