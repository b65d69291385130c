from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "massline.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from massline.cases.models import Event
        from massline.notifications.messages import on_event

        # Every step of a case is an event: the people it concerns hear of it.
        post_save.connect(on_event, sender=Event, dispatch_uid="notifications-on-event")
