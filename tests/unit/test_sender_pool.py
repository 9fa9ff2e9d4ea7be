"""Which number a text goes from: a pool's lanes, the sticky lane, and who wins."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from messaging import sender_pool
from messaging.sender_pool import Sender, lanes, parse_pool, sender_for, sticky

SERVICE = "MG" + "c" * 32
NUMBERS = ("+15550170001", "+15550170002", "+15550170003")


def test_a_pool_is_its_numbers_or_how_many_it_has() -> None:
    assert parse_pool(" +15550170001, +15550170002 ,+15550170001") == ("+15550170001", "+15550170002")
    assert parse_pool("5") == 5 and parse_pool("") == 1
    assert lanes(SERVICE, 3) == (f"{SERVICE}/1", f"{SERVICE}/2", f"{SERVICE}/3") and lanes(SERVICE, 1) == (SERVICE,)
    for bad in ("0", "401", "555-0100", "+1555, x", ","):
        with pytest.raises(ValueError):
            parse_pool(bad)


def test_a_recipient_keeps_one_lane_and_recipients_spread_over_the_pool() -> None:
    phones = [f"+1555018{i:04d}" for i in range(600)]
    assert all(sticky(NUMBERS, p) == sticky(NUMBERS, p) for p in phones)
    spread = Counter(sticky(NUMBERS, p) for p in phones)
    assert set(spread) == set(NUMBERS) and min(spread.values()) > 150  # 200 each on average


def test_a_schools_own_setting_wins() -> None:
    deployment: dict[str, Any] = {"service": SERVICE, "pool": NUMBERS, "number": "+15005550006"}
    to = "+15550180001"
    plain = sender_for(to, school_number=None, school_service=None, school_pool=None, **deployment)
    assert plain == Sender(sticky(NUMBERS, to), SERVICE)
    own_number = sender_for(to, school_number="+15550170200", school_service=None, school_pool=None, **deployment)
    assert own_number == Sender("+15550170200")
    other = "MG" + "d" * 32
    own_service = sender_for(to, school_number="+15550170200", school_service=other, school_pool="2", **deployment)
    assert own_service.service_sid == other and own_service.from_address in (f"{other}/1", f"{other}/2")
    alone = sender_for(
        to, school_number=None, school_service=None, school_pool=None, service=None, pool=(), number="+1"
    )
    assert alone == Sender("+1")
    assert sender_pool.SERVICE_SID.fullmatch(SERVICE)
