from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "massline.org"
    verbose_name = _("Areas, departments and people")

    def ready(self) -> None:
        from massline.org.roles import ensure_roles

        # Sent after the voices app's own permissions exist (it is installed after org).
        post_migrate.connect(
            ensure_roles, sender=self.apps.get_app_config("voices"), dispatch_uid="massline-roles"
        )
