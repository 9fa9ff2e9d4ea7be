"""The inbound store's batched INSERT (unnest arrays on Postgres) under hostile rows, through the
real Batcher and database: one bad row fails alone, everything else is stored exactly once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from messaging.inbound.doors import store
from messaging.models import InboundMessage
from relay.runtime import Runtime

SURROGATES = {"\ud800": "\udcfe"}


def _rows(runtime: Runtime) -> dict[str, InboundMessage]:
    with runtime.sessions() as session:
        return {row.provider_id: row for row in session.scalars(select(InboundMessage))}


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": "x\x00"}
    for _ in range(depth):
        value = {"n": value}
    return value


def test_one_bad_row_in_a_batch_fails_alone_and_the_rest_are_stored(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    raw = b"Message-ID: <big@x>\r\n\r\n" + b"\x00\xff" * 2_000_000  # 4 MB with NUL and 8-bit bytes

    async def arrive() -> list[Any]:
        batcher = store.Batcher()
        calls = [
            batcher.store(channel="sms", provider_id="SMok1", sender="+1555\x00", recipient=None),
            batcher.store(channel="sms", provider_id="SMbad", sender="+1", recipient=None, payload={"b": b"x"}),
            batcher.store(channel="email", provider_id="big", sender="a@x", recipient="r" * 400, raw=raw),
            batcher.store(channel="sms", provider_id="SMdeep", sender="+1", recipient=None, payload=_nested(400)),
            batcher.store(channel="sms", provider_id="SMsurr", sender="\udcff", recipient=None, payload=SURROGATES),
            *(batcher.store(channel="sms", provider_id="SMdup", sender="+1", recipient=None) for _ in range(20)),
            batcher.store(channel="sms", provider_id="I" * 300, sender="+1", recipient=None),
            batcher.store(channel="sms", provider_id="I" * 299 + "J", sender="+1", recipient=None),
        ]
        return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(arrive())
    failed = [i for i, result in enumerate(results) if isinstance(result, BaseException)]
    assert failed == [1], results
    dup_ids = {result[0] for result in results[5:25]}
    assert len(dup_ids) == 1 and sum(result[1] for result in results[5:25]) == 1
    rows = _rows(runtime)
    assert "SMbad" not in rows and len(rows) == 7
    assert rows["SMok1"].sender == "+1555\ufffd"
    assert bytes(rows["big"].raw or b"") == raw and rows["big"].recipient == "r" * 320
    deep = dict(rows["SMdeep"].payload)
    assert deep.pop("_unclean").startswith("{") and deep == store._clean_json(_nested(400))
    assert rows["SMsurr"].sender == "\ufffd"
    assert len([key for key in rows if key.startswith("sha256:")]) == 2


@pytest.mark.parametrize("depth", [5_000])
def test_a_payload_nested_past_pythons_recursion_limit_is_refused_to_its_caller_only(
    make_runtime: Any, backend: dict[str, Any], depth: int
) -> None:
    runtime = make_runtime(**backend)

    async def arrive() -> tuple[Any, Any]:
        batcher = store.Batcher()
        return await asyncio.gather(
            batcher.store(channel="sms", provider_id="SMdeeper", sender="+1", recipient=None, payload=_nested(depth)),
            batcher.store(channel="sms", provider_id="SMfine", sender="+1", recipient=None),
            return_exceptions=True,
        )

    deeper, fine = asyncio.run(arrive())
    assert isinstance(deeper, RecursionError) and fine[1] is True
    assert sorted(_rows(runtime)) == ["SMfine"]


ARRAY_SYNTAX = ["NULL", "null", '"', "\\", "{", "}", "{a,b}", ",", " ", 'a\\"b', "\t\n", "ROW(1)", "{{}}", "é\u2028"]


def test_text_that_looks_like_array_syntax_is_stored_as_it_came(make_runtime: Any, backend: dict[str, Any]) -> None:
    """The unnest INSERT sends each column as one array: a value "NULL", a brace, a quote or a
    backslash must come back as itself, not as NULL or a split element."""
    runtime = make_runtime(**backend)
    rows = [
        store._values(
            channel="sms", provider_id=f"p{i}", sender=v, recipient=v, raw=v.encode(), payload={v: v, "k": [v]}
        )
        for i, v in enumerate(ARRAY_SYNTAX)
    ]
    with runtime.engine.begin() as connection:
        assert all(new for _, new in store.store_many(connection, rows))
    stored = _rows(runtime)
    for i, v in enumerate(ARRAY_SYNTAX):
        row = stored[f"p{i}"]
        assert (row.sender, row.recipient, bytes(row.raw or b""), row.payload) == (v, v, v.encode(), {v: v, "k": [v]})
