"""Fixed-window counters in Django's cache, so several app servers share them (Redis).

A counter is a number under a key; it says how many times a key acted in the current window,
never what they did. The suggestion counter's key is a keyed hash of the user id, so the cache
holds neither a name nor an id, and nothing about which suggestion was whose.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def _bucket_key(scope: str, subject: str, window: int) -> tuple[str, int]:
    window = max(1, window)
    now = int(time.time())
    bucket = now // window
    return f"bulletin:rl:{scope}:{subject}:{bucket}", window - now % window + 1


def allow(scope: str, subject: str, *, limit: int, window: int) -> bool:
    """Count one action and say whether it is within the limit. Counting first (an atomic
    increment) means two requests at the same moment cannot both slip under the limit."""
    key, ttl = _bucket_key(scope, subject, window)
    cache.add(key, 0, timeout=ttl)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=ttl)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    if settings.BULLETIN_TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]  # the entry our own proxy appended; earlier ones are the client's word
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def pseudonym(user_id: int) -> str:
    """A keyed hash of a user id: stable for the rate limit, not readable as an id."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"bulletin-suggestion:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


# --- The two limits the app uses ---------------------------------------------------------------


def guest_allow(ip: str) -> bool:
    return allow(
        "guest", ip, limit=settings.BULLETIN_GUEST_POST_LIMIT, window=settings.BULLETIN_GUEST_POST_WINDOW_SECONDS
    )


def suggestion_allow(user) -> bool:
    return allow(
        "suggestion",
        pseudonym(user.pk),
        limit=settings.BULLETIN_SUGGESTION_LIMIT,
        window=settings.BULLETIN_SUGGESTION_WINDOW_SECONDS,
    )
