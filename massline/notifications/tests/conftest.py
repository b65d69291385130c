"""Real local servers for the notifications: a mail server (SMTP) and an SMS gateway (HTTP)."""

import json
import socket
import threading
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on 127.0.0.1 (aiosmtpd) that Django's SMTP backend sends to: yields
    the list of messages it received (``email.message.EmailMessage``)."""
    from aiosmtpd.controller import Controller

    received = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            message = message_from_bytes(envelope.original_content, policy=default)
            received.append(message)
            return "250 Message accepted for delivery"

    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 5
    yield received
    controller.stop()


@pytest.fixture
def sms_gateway(settings):
    """An HTTP SMS gateway on 127.0.0.1 as ``HttpGateway`` posts to: yields the messages it
    accepted and how it behaves (``status``: answer 500 to fail)."""
    seen: list[dict] = []
    behaviour = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if behaviour["status"] == 200:
                seen.append({**body, "auth": self.headers.get("Authorization")})
            self.send_response(behaviour["status"])
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_GATEWAY = "massline.notifications.channels.HttpGateway"
    settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_API_KEY = "gateway-key"
    yield seen, behaviour
    server.shutdown()
