"""The ``massline`` command: Django's management commands with massline's settings."""

import os
import sys


def main() -> None:
    """Run a management command, e.g. ``massline migrate`` or ``massline import FILE``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
