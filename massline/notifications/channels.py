"""How a message leaves, one interface for every channel: ``send(channel, recipient,
subject, body)`` raises when the message did not go (and is then retried).

- Email goes through Django's email backend: SMTP when ``MASSLINE_EMAIL_HOST`` is set.
- SMS goes through the gateway named by ``MASSLINE_SMS_GATEWAY``: any class whose
  instances have ``send(phone, text)``. Shipped: :class:`HttpGateway` (a JSON POST, which
  most providers' HTTP APIs or a small adapter in front of them accept) and
  :class:`LogGateway` (writes to the log: for a demo).
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from massline.lib.personal import mask_phone

logger = logging.getLogger(__name__)


def send_email(recipient: str, subject: str, body: str) -> None:
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient]).send()


class LogGateway:
    """An SMS gateway that only writes the message to the log (the number masked)."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS (log only) to %s: %s", mask_phone(phone), text)


class HttpGateway:
    """Posts ``{"to": phone, "text": text}`` as JSON to ``MASSLINE_SMS_URL``, with
    ``Authorization: Bearer MASSLINE_SMS_API_KEY`` if a key is set; a 2xx answer is sent."""

    def __init__(self, url: str | None = None, api_key: str | None = None, timeout: float = 10):
        self.url = url or settings.SMS_URL
        self.api_key = api_key or settings.SMS_API_KEY
        self.timeout = timeout
        if not self.url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("MASSLINE_SMS_URL must be an http(s) URL.")

    def send(self, phone: str, text: str) -> None:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        body = json.dumps({"to": phone, "text": text}, ensure_ascii=False).encode()
        # the scheme was checked in __init__; urlopen raises on 4xx and 5xx
        request = urllib.request.Request(self.url, body, headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            response.read()


def send(channel: str, recipient: str, subject: str, body: str) -> None:
    """Send one message by ``channel`` ("email" or "sms"; an SMS has no subject)."""
    if channel == "email":
        send_email(recipient, subject, body)
    elif channel == "sms":
        import_string(settings.SMS_GATEWAY)().send(recipient, body)
    else:
        raise ValueError(f"unknown channel {channel!r}")
