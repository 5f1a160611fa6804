"""What this app asks the apps above it, which it may not import (see the README's layout).

They connect their receivers in their ``AppConfig.ready()``.
"""

from dataclasses import dataclass
from datetime import date

from django.dispatch import Signal

# Sent by a catalog entry's page (``views.detail``) with ``entry`` and ``user`` (an educator).
# The plans side answers with the URL of the plan the educator already has under way on this
# entry (on any of its versions), or None: the page offers "Open your plan" instead of starting
# a second one.
open_plan_asked = Signal()

# Sent by a catalog entry's page (``views.detail`` and the admin's preview) with ``entry``. The
# badges side answers with the endorsements of the entry that stand, oldest first, as
# ``CatalogEndorsement``s: who endorses it, their words, when, and the endorsement's public page.
endorsements_asked = Signal()


@dataclass(frozen=True)
class CatalogEndorsement:
    endorser: str
    comment: str
    given_on: date
    url: str
