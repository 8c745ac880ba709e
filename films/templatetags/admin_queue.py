"""The review queue's waiting count, for the admin's header and index (templates/admin/)."""

from django import template

from films.models import Synopsis

register = template.Library()


@register.inclusion_tag("admin/films/queue_badge.html", takes_context=True)
def review_queue_badge(context) -> dict:
    """A link to the queue with the number of entries waiting, for users who may work it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return {"show": False}
    if not (user.has_perm("films.view_synopsis") or user.has_perm("films.change_synopsis")):
        return {"show": False}
    # One COUNT on the partial index of pending synopses, plus the language-unsure ones.
    return {"show": True, "waiting": Synopsis.objects.in_review_queue().count()}
