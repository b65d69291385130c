"""Template filters of the decision pages."""

from django import template

from massline.decisions.models import masked_text

register = template.Library()

register.filter("masked", masked_text)
