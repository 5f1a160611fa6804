"""allauth's rate limits, counted in Redis without a lock.

allauth keeps each limit (the sign-ins of an address, the failed sign-ins of an address and of an
account, password-reset mails) as a list of times in one cache entry, which it reads, changes and
writes back under a lock taken with ``cache.add``. It waits at most one second for that lock, and
then refuses: a sign-in that cannot take it is answered 429 "Too Many Requests", whatever the
count. Every sign-in of a district behind one NAT address takes the same address's lock three
times, and gives two of them back; on a busy morning the lock holder can wait for a core, the
others poll it, and correct passwords were refused with 429 (1 of 101 sign-ins under load in the
benchmark, with the machine overloaded). A failed sign-in's count is taken back when the password
turns out right; when that step could not take its lock within the second, allauth skipped it,
so a right password stayed counted as a failure, and enough of them refuse the whole address.
A worker killed while it held a lock left it for ten seconds, refusing everyone behind it.

Here, when the cache is Redis, each limit is a sorted set of attempts (score: the time), changed
in one ``MULTI`` transaction: drop the attempts older than the window, add this one, count. An
attempt past the limit is removed again and refused. Nothing waits, nothing can be left locked,
and a count given back is one ``ZREM``. The limits, their keys (``ACCOUNT_RATE_LIMITS``, per
address after ``ALLAUTH_TRUSTED_PROXY_COUNT``) and allauth's views are unchanged; without Redis
(``make run``'s local-memory cache, one process) allauth's own counting stays. While Redis is
unreachable the limits lapse, as ``microcreds.cache`` says, and people can still sign in.
"""

import logging
import math
import secrets
import time
from dataclasses import dataclass

from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from microcreds.cache import UNREACHABLE

logger = logging.getLogger(__name__)
_ALLAUTHS_OWN = allauth_ratelimit._consume_single_rate


@dataclass
class RedisRateLimitUsage(allauth_ratelimit.SingleRateLimitUsage):
    """One counted attempt; ``rollback()`` takes it back (a sign-in whose password was right)."""

    member: str = ""

    def rollback(self) -> None:
        try:
            _client().zrem(_cache().make_key(self.cache_key), self.member)
        except UNREACHABLE as exc:
            logger.warning("Redis is unreachable; a sign-in attempt stays counted: %s", exc)


def _cache():
    return caches["default"]


def _client():
    return _cache()._cache.get_client(write=True)


def count_attempt(key: str, amount: int, window: float, *, dry_run: bool = False):
    """Count one attempt under ``key`` if fewer than ``amount`` were counted in the last
    ``window`` seconds: (allowed, member, time); the member names the attempt for a rollback.
    With ``dry_run``, only whether one more would be allowed."""
    redis_key, now = _cache().make_key(key), time.time()
    member = f"{now:.6f}:{secrets.token_hex(6)}"
    pipe = _client().pipeline(transaction=True)
    # allauth forgets an attempt once it is ``window`` old (its time <= now - window).
    pipe.zremrangebyscore(redis_key, "-inf", now - window)
    if dry_run:
        pipe.zcard(redis_key)
        return pipe.execute()[-1] < amount, member, now
    pipe.zadd(redis_key, {member: now})
    pipe.zcard(redis_key)
    pipe.expire(redis_key, math.ceil(window))
    counted = pipe.execute()[2]
    if counted > amount:
        # Past the limit: this attempt is not counted (allauth counts only what it allows).
        _client().zrem(redis_key, member)
        return False, member, now
    return True, member, now


def _consume_single_rate(
    request,
    *,
    app,
    action,
    rate,
    key=None,
    user=None,
    dry_run=False,
    raise_exception=False,
):
    if not isinstance(_cache(), RedisCache):
        return _ALLAUTHS_OWN(
            request,
            app=app,
            action=action,
            rate=rate,
            key=key,
            user=user,
            dry_run=dry_run,
            raise_exception=raise_exception,
        )
    cache_key = allauth_ratelimit.get_cache_key(
        request, app=app, action=action, rate=rate, key=key, user=user
    )
    try:
        allowed, member, now = count_attempt(cache_key, rate.amount, rate.duration, dry_run=dry_run)
    except UNREACHABLE as exc:
        logger.warning("Redis is unreachable; rate limit %s lapses: %s", cache_key, exc)
        allowed, member, now = True, "", time.time()
    if not allowed:
        if raise_exception:
            raise RateLimited
        return None
    return RedisRateLimitUsage(
        cache_key=cache_key, cache_duration=rate.duration, timestamp=now, member=member
    )


def install() -> None:
    """Count allauth's rate limits here (``accounts.apps`` calls it once at start-up)."""
    allauth_ratelimit._consume_single_rate = _consume_single_rate
