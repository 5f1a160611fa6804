from django import template

from accounts.uploads import human_size as _human_size

from .. import selectors

register = template.Library()


@register.simple_tag
def evidence_panel_artifacts(submission):
    """The submission's evidence as its panel on the plan page lists it
    (``selectors.panel_artifacts``)."""
    return selectors.panel_artifacts(submission)


@register.simple_tag
def evidence_coverage(submission, artifacts):
    """Each rubric criterion of ``submission`` with how many of ``artifacts`` reviewers will
    read for it, as the evidence page counts them (``selectors.criteria_coverage``)."""
    return selectors.criteria_coverage(submission, artifacts)


@register.filter
def human_size(size: int | None) -> str:
    """A file's size as every page and message writes it (``accounts.uploads.human_size``)."""
    return _human_size(size)
