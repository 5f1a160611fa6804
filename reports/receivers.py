"""What this app answers when an app below it asks (``submissions.signals``); connected in
``apps.ReportsConfig.ready``."""

from submissions.signals import PageSection

from . import selectors


def dashboard_shown(sender, *, educator, **kwargs) -> PageSection | None:
    """The educator's progress against the district's rules, on their dashboard."""
    progress = selectors.educator_progress(user=educator)
    if not progress:
        return None
    return PageSection("reports/_educator_progress.html", {"progress": progress})
