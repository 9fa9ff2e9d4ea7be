"""Storing inbound input durably before it is acknowledged, once per provider id.

A row is one INSERT ... ON CONFLICT DO NOTHING: a retry of the same input (Twilio retrying a
webhook, an MTA resending after a lost 250) finds its row and changes nothing. The web app and
the SMTP server store through `Batcher`, which lets concurrent requests share one INSERT and one
commit (group commit): each request is still answered only after its own row is committed.
Processing is then handed to the broker, beside the next batch's INSERT (an answer waits for its
commit, not for the broker too); if that hand-off is lost, the sweeper finds the row.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from typing import Any, cast

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Table, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from starlette.concurrency import run_in_threadpool

from messaging import actors, context
from messaging.models import InboundMessage, InboundStatus
from workflow.base import utcnow

log = logging.getLogger(__name__)
_T = cast(Table, InboundMessage.__table__)
_DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}
MAX_BATCH = 200
# Batches being written at once: a commit's round trip (and its WAL flush) no longer holds up the
# requests that arrive meanwhile, which form the next batch on another connection. That suits the
# webhook door, where the answer to each request waits for its commit. The SMTP door writes one
# batch at a time (SMTP_IN_FLIGHT): a client spends three more round trips on each message, so the
# next batch has time to grow, and fewer, larger batches cut its cost per message by a quarter
# (bench.inbound, 32 connections: 2,150 emails/s with 3 in flight, 2,900 with 1).
IN_FLIGHT = 3
SMTP_IN_FLIGHT = 1
HAND_OFF_CHUNK = 10  # a broker message of up to 10 inputs: a burst spreads over the worker threads


def clean(text: str) -> str:
    """Text every database can hold: bytes that were not UTF-8 (kept by aiosmtpd or Starlette as
    lone surrogates) become U+FFFD, and so do NUL characters (Postgres refuses them in text and
    JSON). The exact input is kept in `raw` (email) or beside the cleaned value."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "replace")
    return data.decode("utf-8", "replace").replace("\x00", "\ufffd")


def key(provider_id: str) -> str:
    """The provider id as the dedupe key: itself when the column holds it as it came, else a hash
    of all of it (cut to the column's 250 characters, two long ids with the same start were taken
    for one input and the second was answered and dropped; cleaned, a NUL and a U+FFFD were one)."""
    if len(provider_id) <= 250 and clean(provider_id) == provider_id:
        return provider_id
    return "sha256:" + hashlib.sha256(provider_id.encode("utf-8", "surrogatepass")).hexdigest()


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v) for v in value]
    return value


def _values(
    *, channel: str, provider_id: str, sender: str, recipient: str | None, raw: bytes | None, payload: dict[str, Any]
) -> dict[str, Any]:
    now = utcnow()
    cleaned = _clean_json(payload)
    if cleaned != payload:  # keep what arrived, escaped, for whoever looks into it
        cleaned["_unclean"] = repr(payload)[:4000]
    return {
        "channel": channel,
        "provider_id": key(provider_id),
        "sender": clean(sender)[:320],
        "recipient": clean(recipient)[:320] if recipient else None,
        "raw": raw,
        "payload": cleaned,
        "status": InboundStatus.received.value,
        "attempts": 0,
        "received_at": now,
        "enqueued_at": now,
    }


# Built once, and executed with a list of rows: SQLAlchemy compiles it once and sends the rows in
# one INSERT ... VALUES (...), (...) RETURNING ("insertmanyvalues"); a statement built with
# .values(rows) was compiled anew for each batch, which cost more than its round trip.
_INSERTS = {
    name: dialect.insert(_T)
    .on_conflict_do_nothing(index_elements=["channel", "provider_id"])
    .returning(_T.c.id, _T.c.channel, _T.c.provider_id)
    for name, dialect in _DIALECTS.items()
}


# On Postgres a batch is one INSERT ... SELECT FROM unnest(one array per column): the same SQL text
# whatever the batch's size, so psycopg converts it once and prepares it, where the VALUES list
# above is a new, long statement for each size (converted anew every time: a tenth of the webhook
# door's time under load).
_COLUMNS = ("channel", "provider_id", "sender", "recipient", "raw", "payload", "status", "attempts")
_TIMES = ("received_at", "enqueued_at")
_ARRAY_TYPES = ("text", "text", "text", "text", "bytea", "jsonb", "text", "int", "timestamptz", "timestamptz")
_UNNEST_INSERT = (
    f"INSERT INTO {_T.name} ({', '.join(_COLUMNS + _TIMES)}) "
    f"SELECT * FROM unnest({', '.join(f'%s::{kind}[]' for kind in _ARRAY_TYPES)}) "
    "ON CONFLICT (channel, provider_id) DO NOTHING RETURNING id, channel, provider_id"
)


def _insert(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[tuple[int, str, str]]:
    if connection.dialect.name != "postgresql":
        return [(r[0], r[1], r[2]) for r in connection.execute(_INSERTS[connection.dialect.name], list(rows))]
    columns = [[row[name] for row in rows] for name in _COLUMNS + _TIMES]
    columns[5] = [Jsonb(payload) for payload in columns[5]]
    return [(r[0], r[1], r[2]) for r in connection.exec_driver_sql(_UNNEST_INSERT, tuple(columns))]


def store_many(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[tuple[int, bool]]:
    """Insert each row unless its (channel, provider_id) exists: (row id, whether it is new)."""
    inserted = {(channel, key): row_id for row_id, channel, key in _insert(connection, rows)}
    keys = [(r["channel"], r["provider_id"]) for r in rows]
    missing = [k for k in keys if k not in inserted]
    existing: dict[tuple[str, str], int] = {}
    if missing:
        found = connection.execute(
            select(_T.c.id, _T.c.channel, _T.c.provider_id).where(tuple_(_T.c.channel, _T.c.provider_id).in_(missing))
        )
        existing = {(channel, key): row_id for row_id, channel, key in found}
    results = []
    claimed: set[tuple[str, str]] = set()
    for key in keys:
        if key in inserted and key not in claimed:
            claimed.add(key)  # the same input twice in one batch: the first one is new
            results.append((inserted[key], True))
        else:
            results.append((inserted.get(key) or existing[key], False))
    return results


def store(
    connection: Connection,
    *,
    channel: str,
    provider_id: str,
    sender: str,
    recipient: str | None,
    raw: bytes | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[int, bool]:
    """Insert one row unless (channel, provider_id) exists. Returns (row id, whether it is new)."""
    row = _values(
        channel=channel, provider_id=provider_id, sender=sender, recipient=recipient, raw=raw, payload=payload or {}
    )
    return store_many(connection, [row])[0]


def hand_off(*message_ids: int) -> None:
    """Queue processing (one broker message for a batch); a failure is logged and the sweeper
    picks the rows up later."""
    for start in range(0, len(message_ids), HAND_OFF_CHUNK):
        chunk = message_ids[start : start + HAND_OFF_CHUNK]
        try:
            context.current().enqueue(actors.PROCESS_INBOUND, tuple(chunk), None)
        except Exception:
            log.warning("could not enqueue inbound messages %s; the sweeper will pick them up", chunk, exc_info=True)


class Batcher:
    """Group commit for an event loop: concurrent `store` calls share one INSERT and one commit,
    with up to `in_flight` batches written at once."""

    def __init__(self, in_flight: int = IN_FLIGHT) -> None:
        self.in_flight = in_flight
        self._pending: list[tuple[dict[str, Any], asyncio.Future[tuple[int, bool]]]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._handing_off: set[asyncio.Task[None]] = set()  # batches and hand-offs under way

    async def store(
        self,
        *,
        channel: str,
        provider_id: str,
        sender: str,
        recipient: str | None,
        raw: bytes | None = None,
        payload: dict[str, Any] | None = None,
    ) -> tuple[int, bool]:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._run())
        future: asyncio.Future[tuple[int, bool]] = loop.create_future()
        row = _values(
            channel=channel, provider_id=provider_id, sender=sender, recipient=recipient, raw=raw, payload=payload or {}
        )
        self._pending.append((row, future))
        assert self._wake is not None
        self._wake.set()
        return await future

    async def _run(self) -> None:
        assert self._wake is not None
        slots = asyncio.Semaphore(self.in_flight)
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                # While every slot is busy the next batch keeps growing; then it goes at once.
                await slots.acquire()
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                task = asyncio.get_running_loop().create_task(self._store(batch))
                self._handing_off.add(task)

                def finished(done: asyncio.Task[None], slots: asyncio.Semaphore = slots) -> None:
                    self._handing_off.discard(done)
                    slots.release()

                task.add_done_callback(finished)

    async def _store(self, batch: list[tuple[dict[str, Any], asyncio.Future[tuple[int, bool]]]]) -> None:
        try:
            results = await run_in_threadpool(_write, [row for row, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                if not batch[0][1].done():
                    batch[0][1].set_exception(exc)
                return
            # One bad row must not fail its neighbours: each one alone, so only it fails.
            log.warning("a batch of %s inbound rows failed; storing them one by one", len(batch))
            await self._one_by_one(batch)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
        self._hand_off(results)

    def _hand_off(self, results: list[tuple[int, bool]]) -> None:
        """Enqueue the new rows' processing beside the next batch's INSERT: the rows are committed
        (the answer may go), and a request need not wait for the broker too."""
        new = [row_id for row_id, is_new in results if is_new]
        if new:
            task = asyncio.get_running_loop().create_task(run_in_threadpool(hand_off, *new))
            self._handing_off.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(self._handing_off.discard)

    async def _one_by_one(self, batch: list[tuple[dict[str, Any], asyncio.Future[tuple[int, bool]]]]) -> None:
        for row, future in batch:
            try:
                results = await run_in_threadpool(_write, [row])
            except Exception as exc:
                if not future.done():
                    future.set_exception(exc)
            else:
                if not future.done():
                    future.set_result(results[0])
                self._hand_off(results)


def _write(rows: list[dict[str, Any]]) -> list[tuple[int, bool]]:
    """Store and commit (one statement on its own connection); the hand-off follows the commit."""
    with context.current().single_statements() as connection:
        return store_many(connection, rows)
