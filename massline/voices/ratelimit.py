"""A fixed-window rate limiter for the public endpoints, counted in the database.

Each request is one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on a row per
(endpoint, client address, window), so every process sees the same count and simultaneous
requests are never counted short — on SQLite and PostgreSQL alike, with no extra service.
Rates are strings "<count>/<seconds>".
"""

import ipaddress
import math
import random
import time
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.db import connection
from django.shortcuts import render

from massline.voices.models import RateWindow


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse a rate: "5/600" → (5, 600), at most 5 requests in each 600-second window."""
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR, or behind N trusted proxies the address the
    outermost of them saw (the Nth entry from the end of X-Forwarded-For).

    Entries further left were written by the client and can be forged, so they are ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def hit(scope: str, request, rate: str) -> int:
    """Count one request of ``scope`` from this client: 0 if allowed, else the seconds to wait."""
    limit, seconds = parse_rate(rate)
    now = time.time()
    window = int(now // seconds)
    ends = (window + 1) * seconds
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    with connection.cursor() as cursor:
        # The ORM cannot increment on conflict; this statement is the same on both databases.
        cursor.execute(
            f"INSERT INTO {table} (bucket, hits, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (bucket) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [f"{scope}:{client_address(request)}:{window}", datetime.fromtimestamp(ends, UTC)],
        )
        (count,) = cursor.fetchone()
    if count == 1 and random.random() < 0.01:  # now and then, forget finished windows
        RateWindow.objects.filter(expires_at__lt=datetime.now(UTC)).delete()
    return math.ceil(ends - now) if count > limit else 0


def rate_limited(scope: str, setting: str, template: str):
    """Limit a view's POSTs to the rate in ``settings.<setting>``, per client address.

    Over the limit the view is not called (nothing is saved): ``template`` is rendered
    with status 429, ``wait`` (seconds) and ``wait_minutes`` in its context.
    """

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            rate = getattr(settings, setting)
            if request.method == "POST" and (wait := hit(scope, request, rate)):
                context = {"wait": wait, "wait_minutes": math.ceil(wait / 60)}
                response = render(request, template, context, status=429)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorator
