"""Answers to the signals of the apps below this one (connected in ``apps.py``)."""

from django.urls import reverse

from . import selectors


def open_plan_asked(sender, *, entry, user, **kwargs) -> str | None:
    submission = selectors.open_submission_on(educator=user, microcredential=entry)
    return reverse("submissions:detail", args=[submission.pk]) if submission else None
