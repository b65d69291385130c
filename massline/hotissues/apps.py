from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotIssuesConfig(AppConfig):
    name = "massline.hotissues"
    verbose_name = _("Hot issues")
