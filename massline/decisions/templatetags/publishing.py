"""``{% load publishing %}{% publish_button decision %}``: the publish button for a decision's
staff page, shown to those who may publish it (see ``publishing.can_publish``); and
``{% publish_programme_button programme %}`` for a livelihood programme's page; and the
filter ``money`` for amounts of yuan as people read them."""

from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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


@register.filter
def money(amount: Decimal | None) -> str:
    """Yuan as people read them: "1,800,000 yuan"; in Chinese from ten thousand on in 万
    (1800000 → "180万元", 35000 → "3.5万元")."""
    if amount is None:
        return ""
    if translation.get_language().startswith("zh") and amount >= 10000:
        wan = (Decimal(amount) / 10000).quantize(Decimal("0.01")).normalize()
        return f"{wan:f}万元"
    shown = number_format(amount, decimal_pos=0, force_grouping=True)
    return _("%(amount)s yuan") % {"amount": shown}
