"""``massline serve``: the web server and the background task worker, together, for a demo.

A single command to try massline on one machine. Production runs gunicorn and
``massline db_worker`` as two services instead (see docs/deployment.md).
"""

import signal
import socket
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve massline with its task worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")

    def handle(self, *args, port: int, host: str, **options):
        # runserver exits the process outright when it cannot listen, which would leave
        # the worker behind: find out first.
        _check_free(host, port)
        call_command("collectstatic", interactive=False, verbosity=0)
        # Its own session, so Ctrl-C reaches only this process, which then stops the worker
        # once, gracefully (a second signal would kill a running task).
        worker = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            [sys.executable, "-m", "massline", "db_worker"], start_new_session=True
        )
        # `kill` or a service manager stops the server the way Ctrl-C does, and Ctrl-C works
        # even when a script started us in the background (which ignores it).
        previous = {
            signal.SIGTERM: signal.signal(signal.SIGTERM, lambda *_: sys.exit(0)),
            signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
        }
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        try:
            self.stdout.write(f"massline at http://{address}/ (the task worker is running too)")
            call_command("runserver", address, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.stop(worker)

    def stop(self, worker: subprocess.Popen) -> None:
        """Ask the worker to finish its current task and exit; kill it if it will not."""
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.stdout.write("Stopped the server and the task worker.")


def _check_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as runserver does
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror}.") from error
