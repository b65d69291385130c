"""``{% load publishing %}{% publish_button decision %}``: the publish button for a decision's
staff page, shown to those who may publish it (see ``publishing.can_publish``); and
``{% publish_programme_button programme %}`` for a livelihood programme's page."""

from django import template

from massline.decisions import publishing
from massline.decisions.models import Decision, Programme

register = template.Library()


@register.inclusion_tag("decisions/_publish.html", takes_context=True)
def publish_button(context, decision: Decision) -> dict:
    request = context["request"]
    return {
        "decision": decision,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "can_publish": publishing.can_publish(request.user, decision),
    }


@register.inclusion_tag("decisions/_publish_programme.html", takes_context=True)
def publish_programme_button(context, programme: Programme) -> dict:
    request = context["request"]
    return {
        "programme": programme,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "can_publish": request.user.has_perm("decisions.publish_decision"),
    }
