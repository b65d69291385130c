"""``{{ user|staff_name }}``: a staff member's name as Chinese writes it (see
:func:`massline.org.models.staff_name`)."""

from django import template

from massline.org.models import staff_name as _staff_name

register = template.Library()


@register.filter
def staff_name(user) -> str:
    return _staff_name(user) if user else ""
