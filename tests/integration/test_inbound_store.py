"""`store.store_many` on both databases: one row per (channel, provider_id), whatever arrives twice
in one batch or again in a later one, with every column kept as given (Postgres writes a batch
through unnest arrays, SQLite through a VALUES list: both must store the same thing)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, select

from messaging.inbound.doors import store
from messaging.models import InboundMessage


@pytest.fixture(params=["postgres", "sqlite"])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def _row(provider_id: str, **values: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"channel": "sms", "sender": "+15550001", "recipient": None, "raw": None, "payload": {}}
    fields.update(values)
    return store._values(provider_id=provider_id, **fields)


def test_a_batch_stores_each_input_once_and_keeps_every_column(database_url: str) -> None:
    engine = create_engine(database_url)
    first = [
        _row("SM1", payload={"Body": "CHECKIN", "n": 1}),
        _row("SM2", channel="email", sender="ruth@example.org", recipient="reply@x", raw=b"\xffraw\x00"),
        _row("SM1", payload={"Body": "again"}),  # the same input twice in one batch
        _row("SM3", payload={"Body": "a\x00b", "list": ["x", 2]}),
    ]
    with engine.begin() as connection:
        results = store.store_many(connection, first)
    assert [new for _, new in results] == [True, True, False, True]
    assert results[0][0] == results[2][0] and len({row_id for row_id, _ in results}) == 3
    with engine.begin() as connection:
        again = store.store_many(connection, [_row("SM4"), _row("SM2", channel="email"), _row("SM1")])
    assert [new for _, new in again] == [True, False, False]
    assert again[1][0] == results[1][0] and again[2][0] == results[0][0]
    with engine.connect() as connection:
        rows = {r.provider_id: r for r in connection.execute(select(InboundMessage.__table__))}
    assert sorted(rows) == ["SM1", "SM2", "SM3", "SM4"]
    assert rows["SM1"].payload == {"Body": "CHECKIN", "n": 1} and rows["SM1"].status == "received"
    assert rows["SM2"].channel == "email" and bytes(rows["SM2"].raw) == b"\xffraw\x00"
    assert rows["SM2"].recipient == "reply@x" and rows["SM1"].recipient is None
    assert rows["SM3"].payload["Body"] == "a\ufffdb" and rows["SM3"].payload["list"] == ["x", 2]
    assert rows["SM3"].payload["_unclean"].startswith("{'Body': 'a\\x00b'")
    assert rows["SM4"].attempts == 0 and rows["SM4"].received_at is not None
    engine.dispose()
