"""A small fixed-window rate limiter for the public endpoints, kept in Django's cache.

The cache is shared by every worker process (the database cache by default, Redis if
configured), so a limit holds across processes. Rates are strings "<count>/<seconds>".
Redis counts atomically; the database cache's incr is a read then a write, so a burst of
simultaneous requests from one address may be counted short (never over).
"""

import ipaddress
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


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
    remaining = (window + 1) * seconds - now
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    # incr first: on an existing key that is the whole cost (and atomic on Redis); add only
    # starts a window, and if another process started it meanwhile, incr again.
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1 if cache.add(key, 1, math.ceil(remaining)) else cache.incr(key)
    else:
        # The database cache's incr re-sets the key with the default timeout; a window
        # longer than that would forget its count midway.
        if cache.default_timeout is not None and remaining > cache.default_timeout:
            cache.touch(key, math.ceil(remaining))
    return math.ceil(remaining) if count > limit else 0


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
