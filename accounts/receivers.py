"""What this app does when a library announces something; connected in ``apps.AccountsConfig``."""

from . import services


def second_factor_added(sender, *, request, user, **kwargs) -> None:
    """A second factor turned on: sessions signed in with the password alone end (the one that
    turned it on stays signed in)."""
    services.sessions_end_elsewhere(request=request, user=user, why="second factor added")


def second_factor_removed(sender, *, request, user, **kwargs) -> None:
    services.sessions_end_elsewhere(request=request, user=user, why="second factor removed")
