"""Personal data at rest: encryption, blind indexes and masking.

Names, phones, addresses and e-mail addresses are stored AES-256-GCM encrypted (``v1:`` +
base64 of nonce and ciphertext). To find a caller's earlier voices without decrypting every
row, a keyed HMAC of the normalised phone (a *blind index*) is stored beside it.
Lists show masked values; revealing the clear text is a logged action.
"""

import base64
import hashlib
import hmac
import os
import re
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "v1:"


@cache
def _keys() -> tuple[AESGCM, bytes]:
    raw = hashlib.sha256(settings.DATA_KEY.encode()).digest()
    index_key = hashlib.sha256(b"blind-index:" + raw).digest()
    return AESGCM(raw), index_key


def encrypt(text: str) -> str:
    """Encrypt ``text``; the empty string stays empty so "not given" stays visible."""
    if not text:
        return ""
    nonce = os.urandom(12)
    sealed = _keys()[0].encrypt(nonce, text.encode(), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    blob = base64.b64decode(token[len(PREFIX) :])
    return _keys()[0].decrypt(blob[:12], blob[12:], None).decode()


def normalise_phone(phone: str) -> str:
    """Digits only, without a leading +86/0086 country code."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def blind_index(kind: str, value: str) -> str:
    """A keyed hash of ``value`` for equality look-ups; empty for an empty value."""
    if not value:
        return ""
    digest = hmac.new(_keys()[1], f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def mask_name(name: str) -> str:
    """张三丰 → 张**; Zhang San → Z*******."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


def mask_address(address: str) -> str:
    """Keep the first six characters (district, street), hide the rest."""
    return address[:6] + "****" if len(address) > 6 else ("****" if address else "")


def mask_email(email: str) -> str:
    """wang.xiuying@example.com → w***@example.com: the person recognises it, no one else."""
    local, at, domain = email.partition("@")
    return (local[:1] + "***" + at + domain) if email else ""


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; the Python value is the clear text."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        return encrypt(super().get_prep_value(value) or "")
