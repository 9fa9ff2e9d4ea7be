"""Per-sender SMS pacing by reservation.

Each sender number has a "theoretical arrival time" (GCRA): a message of k segments takes the next
free slot and pushes the slot k/rate seconds on. The caller learns exactly how long to wait and
re-enqueues the message with that delay, so pacing spends no retries and nothing polls. Dramatiq's
bucket and window limiters only answer yes or no, which would have every waiting message poll and
bunch up at bucket edges; this keeps their idea (a shared counter in Redis) with a reservation.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis

_RESERVE = """
local interval = tonumber(ARGV[1])
local cost = tonumber(ARGV[2]) * interval
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local ttl = math.ceil((tat + cost - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', tat + cost), 'PX', ttl)
return tat - now
"""


class Pacer(Protocol):
    def reserve(self, sender: str, segments: int) -> float:
        """Reserve a slot; seconds to wait before sending (0.0 means now)."""
        ...


class RedisPacer:
    """Shared by every worker on every machine that uses the same Redis."""

    def __init__(self, client: redis.Redis, *, segments_per_second: float, prefix: str) -> None:
        self.client = client
        self.interval_us = 1_000_000 / segments_per_second
        self.prefix = prefix
        self._script = client.register_script(_RESERVE)

    def reserve(self, sender: str, segments: int) -> float:
        wait_us = self._script(keys=[f"{self.prefix}:pace:{sender}"], args=[self.interval_us, max(segments, 1)])
        return max(int(wait_us), 0) / 1_000_000


class LocalPacer:
    """The same reservation in memory, for the in-process broker."""

    def __init__(self, *, segments_per_second: float) -> None:
        self.interval = 1 / segments_per_second
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, sender: str, segments: int) -> float:
        with self._lock:
            now = time.monotonic()
            slot = max(self._next.get(sender, 0.0), now)
            self._next[sender] = slot + max(segments, 1) * self.interval
            return slot - now
