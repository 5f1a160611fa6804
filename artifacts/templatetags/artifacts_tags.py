from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def evidence_panel_artifacts(submission):
    """The submission's evidence as its panel on the plan page lists it
    (``selectors.panel_artifacts``)."""
    return selectors.panel_artifacts(submission)
