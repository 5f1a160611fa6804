"""What this app asks of the apps above it, which it may not import (see the README's layout).

They connect their receivers in their ``AppConfig.ready()``.
"""

from django.dispatch import Signal

# Sent by ``views.admin_dashboard`` with ``district``: a receiver returns the program's headline
# figures for the dashboard to lead with, a list of dicts (title, figure, detail, chart, url,
# link). The reports app, which computes and caches them, answers.
dashboard_figures_asked = Signal()

# Sent by ``views.admin_dashboard`` with ``district``: a receiver returns the dashboard's numbers
# at a glance (``selectors.district_counts``) from a cache it keeps exact. The reports app
# answers, under its report stamp; with no answer, the view counts afresh.
dashboard_counts_asked = Signal()

# Sent by ``services.person_move`` inside its transaction, with ``person``, ``from_district``,
# ``to_district`` and ``at``: a person moved to another district of their state. The webhooks
# app records its ``person.moved`` event for both districts' subscriptions; the reports app
# records the salary credit ``to_district`` accepts to pay (``reports.services``).
person_moved = Signal()
