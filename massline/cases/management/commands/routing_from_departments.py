"""``massline routing_from_departments``: a first routing table from the departments."""

from django.core.management.base import BaseCommand

from massline.cases.models import RoutingRule
from massline.cases.routing import routing_from_departments


class Command(BaseCommand):
    help = (
        "Add routing rules (category × area → department) from what each department answers "
        "for; rules already in the table are kept."
    )

    def handle(self, *args, **options):
        added = routing_from_departments()
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {len(added)} routing rules; the table has "
                f"{RoutingRule.objects.count()}. Correct them in the admin site."
            )
        )
