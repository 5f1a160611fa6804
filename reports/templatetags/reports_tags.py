from django import template

from accounts.models import Role

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def educator_progress(context) -> dict | None:
    """The signed-in educator's progress against the district's rules (for their dashboard)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_role(Role.EDUCATOR):
        return None
    return selectors.educator_progress(user=user)
