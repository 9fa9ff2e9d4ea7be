"""What the channel code needs from the composition root, installed once at start-up.

Dramatiq actors are plain functions run by worker threads, so they find their database, transports
and configuration here. `relay` builds a `Context` from the settings and calls `install`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from messaging.outbound.pacing import Pacer
    from messaging.outbound.transports import Transport

# enqueue(actor_name, args, delay_ms): hand a message to the broker (names: `messaging.actors`).
Enqueue = Callable[[str, tuple[Any, ...], int | None], None]


@dataclass(frozen=True)
class Config:
    public_base_url: str
    inbound_domain: str
    mail_from: str
    sms_from: str
    signing_keys: list[str]
    # RELAY_TWILIO_MESSAGING_SERVICE_SID and its pool's pacing lanes (messaging.sender_pool)
    sms_service_sid: str | None = None
    sms_pool: tuple[str, ...] = ()
    quiet_window: tuple[int, int] = (21 * 60, 7 * 60)
    notice_cap_per_day: int = 20
    send_timeout: float = 15.0
    retry_base: float = 5.0
    retry_max: float = 900.0
    max_attempts: int = 8
    requeue_after: float = 120.0
    stale_sending: float = 300.0
    twilio_auth_token: str | None = None
    smtp_max_message_bytes: int = 10 * 1024 * 1024


@dataclass
class Context:
    config: Config
    sessions: sessionmaker[Session]
    enqueue: Enqueue
    transports: dict[str, Transport] = field(default_factory=dict)
    pacer: Pacer | None = None
    # A connection whose statements each commit on their own (Postgres autocommit: one round trip
    # per statement instead of three); a plain transaction on SQLite, which queues its writers.
    statement: Callable[[], AbstractContextManager[Connection]] | None = None

    def single_statements(self) -> AbstractContextManager[Connection]:
        if self.statement is None:
            engine = self.sessions.kw["bind"]
            assert isinstance(engine, Engine)
            self.statement = engine.begin
        return self.statement()


_current: Context | None = None


def install(context: Context) -> None:
    global _current
    _current = context


def current() -> Context:
    if _current is None:
        raise RuntimeError("messaging context not installed; relay.runtime builds it at start-up")
    return _current
