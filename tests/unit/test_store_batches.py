"""A batch of inbound rows that fails is written again one row at a time: only the bad one fails."""

from __future__ import annotations

import asyncio
import threading
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


def test_answers_wait_for_the_commit_not_for_the_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch's requests are answered once it is committed, while its hand-off to the broker (on
    the same worker thread) is still under way; then the new rows, and only those, are handed off."""
    release, handed = threading.Event(), []

    def write(rows: list[dict[str, Any]]) -> list[tuple[int, bool]]:
        return [(n + 101, r["sender"] != "again") for n, r in enumerate(rows)]

    def slow_hand_off(*ids: int) -> None:
        if ids and ids[0] < 100:  # an earlier test's worker thread, handing off after its answers
            return
        release.wait(10)
        handed.append(ids)

    monkeypatch.setattr(store, "_write", write)
    monkeypatch.setattr(store, "hand_off", slow_hand_off)

    async def arrive() -> list[tuple[int, bool]]:
        batcher = store.Batcher()
        senders = ["a", "again", "c"]
        calls = [batcher.store(channel="sms", provider_id=s, sender=s, recipient=None) for s in senders]
        answered = await asyncio.wait_for(asyncio.gather(*calls), timeout=5)
        assert handed == [], "answered before the broker had the rows"
        release.set()
        for _ in range(500):
            if handed:
                break
            await asyncio.sleep(0.01)
        return answered

    assert asyncio.run(arrive()) == [(101, True), (102, False), (103, True)]
    assert handed == [(101, 103)]
