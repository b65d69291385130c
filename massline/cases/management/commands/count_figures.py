"""``massline count_figures``: count the figures of every month again and keep them."""

import time

from django.core.management.base import BaseCommand

from massline.cases import figures


class Command(BaseCommand):
    help = (
        "Count the figures of every month again from the cases and voices (the dashboard "
        "keeps them; a background task recounts a month after it changed). Run it after "
        "deleting cases or voices."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        months = figures.count_all()
        self.stdout.write(f"Counted {months} months in {time.perf_counter() - started:.1f} s.")
