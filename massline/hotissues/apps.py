from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class HotIssuesConfig(AppConfig):
    name = "massline.hotissues"
    verbose_name = _("Hot issues")

    def ready(self) -> None:
        from massline.hotissues.tasks import enqueue_attach
        from massline.voices.models import Voice

        # A new voice is placed into a hot issue in the background, once committed.
        post_save.connect(enqueue_attach, sender=Voice, dispatch_uid="hotissues-attach")
