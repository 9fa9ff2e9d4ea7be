"""Which number a text goes from: one long code, or a Twilio Messaging Service's pool of numbers.

A long code sends about one segment a second, so a big school's morning of check-ins queues for
many minutes. A Messaging Service sends from a pool of numbers, each at its own rate, and keeps a
recipient on one number ("sticky sender"). Relay keeps each recipient on one of the pool's numbers
too (a stable hash of their phone): the row's `from_address` is that number, and pacing, which is
per `from_address`, then runs one lane a number, so the pool sends `numbers x rate` segments a
second and a recipient's texts stay in order on their lane. The send names only the service
(Twilio picks the number and keeps it sticky).

The pool is its numbers (comma-separated E.164) or, when they are not listed, how many it has:
then the lanes are named after the service (`MG.../1` ...), which only pacing reads.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")
E164 = re.compile(r"\+[0-9]{7,15}")
MAX_POOL = 400  # Twilio's limit on numbers in one Messaging Service


@dataclass(frozen=True)
class Sender:
    from_address: str  # the number, or the pool's lane for this recipient
    service_sid: str | None = None


def parse_pool(text: str) -> tuple[str, ...] | int:
    """'+15550100001, +15550100002' -> the numbers; '5' -> 5; '' -> 1. ValueError if neither."""
    text = text.strip()
    if not text:
        return 1
    if text.isdigit():
        count = int(text)
        if not 1 <= count <= MAX_POOL:
            raise ValueError(f"a pool has 1 to {MAX_POOL} numbers, not {count}")
        return count
    numbers = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    bad = [n for n in numbers if not E164.fullmatch(n)]
    if bad or not numbers:
        raise ValueError(f"expected a count or E.164 numbers separated by commas, such as +15555550123, got {text!r}")
    return numbers


def lanes(service_sid: str, pool: tuple[str, ...] | int) -> tuple[str, ...]:
    """The pacing lanes of a pool: its numbers, or one per number named after the service."""
    if isinstance(pool, int):
        return (service_sid,) if pool == 1 else tuple(f"{service_sid}/{i}" for i in range(1, pool + 1))
    return pool


def sticky(pool_lanes: Sequence[str], to: str) -> str:
    """The recipient's lane: the same for every text to them, in every process (not Python's
    per-process `hash`)."""
    digest = hashlib.sha256(to.encode()).digest()
    return pool_lanes[int.from_bytes(digest[:8], "big") % len(pool_lanes)]


def sender_for(
    to: str,
    *,
    school_number: str | None,
    school_service: str | None,
    school_pool: str | None,
    service: str | None,
    pool: tuple[str, ...],
    number: str,
) -> Sender:
    """A school's own service, else its own number, else the deployment's service, else its number."""
    if school_service:
        try:
            parsed = parse_pool(school_pool or "")
        except ValueError:
            parsed = 1  # refused when it is set (imports); an old bad value sends at one number's rate
        return Sender(sticky(lanes(school_service, parsed), to), school_service)
    if school_number:
        return Sender(school_number)
    if service:
        return Sender(sticky(pool or (service,), to), service)
    return Sender(number)
