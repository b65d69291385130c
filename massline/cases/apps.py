from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "massline.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from massline.cases.models import FigureMonth
        from massline.cases.starting import fill_empty
        from massline.org.models import Area
        from massline.voices.models import Voice, voices_written

        # Time limits and holidays come back into emptied tables (after a test's flush).
        post_migrate.connect(fill_empty, sender=self, dispatch_uid="cases-starting-values")

        # The kept counts of a month of figures are out of date when one of its voices
        # changed (a case's own changes are marked by Case.save). Deleting is not followed:
        # after deleting cases or voices, run `massline count_figures`.
        def voice_changed(sender, instance, **kwargs):
            # After the commit: a public submission only writes (see test_public_form).
            moment = instance.received_at
            transaction.on_commit(lambda: FigureMonth.changed([moment]), robust=True)

        def voices_changed(sender, moments, **kwargs):
            FigureMonth.changed(moments)

        # A district's kept counts are of the areas it had when they were counted: an area
        # changed (it may have moved) makes every month count again. A new one has no cases.
        def area_changed(sender, created, **kwargs):
            if not created:
                transaction.on_commit(FigureMonth.all_changed, robust=True)

        # Held strongly: a signal keeps only a weak reference to a receiver by default, and
        # these functions are local, so they were collected as soon as ready() returned.
        kept = {"weak": False}
        post_save.connect(voice_changed, sender=Voice, dispatch_uid="figures-voice-saved", **kept)
        post_save.connect(area_changed, sender=Area, dispatch_uid="figures-area-saved", **kept)
        voices_written.connect(voices_changed, dispatch_uid="figures-voices-written", **kept)
