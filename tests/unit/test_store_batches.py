"""A batch of inbound rows that fails is written again one row at a time: only the bad one fails."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from messaging.inbound.doors import store


def test_a_failed_batch_falls_back_to_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[list[str]] = []

    def write(rows: list[dict[str, Any]]) -> list[tuple[int, bool]]:
        written.append([r["sender"] for r in rows])
        if any(r["sender"] == "bad" for r in rows):
            raise ValueError("the database refused a row")
        return [(int(r["sender"][2:]), True) for r in rows]

    monkeypatch.setattr(store, "_write", write)

    async def arrive() -> list[Any]:
        batcher = store.Batcher()
        senders = ["ok1", "bad", "ok3"]
        calls = [batcher.store(channel="sms", provider_id=s, sender=s, recipient=None) for s in senders]
        return await asyncio.gather(*calls, return_exceptions=True)

    ok1, bad, ok3 = asyncio.run(arrive())
    assert ok1 == (1, True) and ok3 == (3, True) and isinstance(bad, ValueError)
    assert written[0] == ["ok1", "bad", "ok3"] and sorted(written[1:]) == [["bad"], ["ok1"], ["ok3"]]


def test_clean_keeps_text_any_database_holds() -> None:
    assert store.clean("bad\udcff\udcfe@x") == "bad\ufffd\ufffd@x"
    assert store.clean("a\x00b") == "a\ufffdb"
    assert store.clean("\ud800") == "?"
    assert store.clean("Zoë") == "Zoë"
