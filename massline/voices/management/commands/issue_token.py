"""``massline issue_token USERNAME NAME``: a bearer token for another system."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from massline.voices.models import ApiToken


class Command(BaseCommand):
    help = (
        "Issue an API token acting as USERNAME for the system NAME. The token is printed "
        "once on standard output and never stored in clear."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="the account whose permissions the token has")
        parser.add_argument("name", help="the system that will use the token, e.g. 12345-hotline")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive; its token would not work.")
        _, token = ApiToken.issue(name, user)
        # The token alone on stdout, so scripts can capture it; the advice goes to stderr.
        self.stderr.write(f"Token for {name} acting as {username} (shown only this once):")
        self.stdout.write(token)
