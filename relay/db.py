"""Database engine and session factory for SQLite (the embedded default) and Postgres."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
REPLACEMENT = "\ufffd"
JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")  # json.dumps's escape of NUL (not an escaped backslash's "u0000")


class _SerialisedConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions take turns through a lock in this process.

    SQLite allows one writer; left to its busy handler, waiting writers poll with growing sleeps
    and a busy process sees stalls of a second or more. Queuing on a lock hands the database from
    one transaction to the next at once. (Other processes still wait through busy_timeout.)
    """

    writer_lock: threading.RLock

    def begin_immediate(self) -> None:
        self.writer_lock.acquire()
        self._holding = True
        try:
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        if getattr(self, "_holding", False):
            self._holding = False
            self.writer_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        connection_class = type("SerialisedConnection", (_SerialisedConnection,), {"writer_lock": threading.RLock()})
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                "factory": connection_class,
            },
            pool_size=pool_size,
            max_overflow=2 * pool_size,
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=2 * pool_size,
        # No pre-ping: it costs a round trip per checkout on the delivery path. A connection
        # broken by a database restart fails one statement, and the message is retried.
        pool_recycle=1800,
        pool_timeout=30,
        connect_args={"connect_timeout": 10},
        json_serializer=json_without_nul,
    )
    _replace_nul(engine)
    return engine


def without_nul(text: str) -> str:
    return text.replace("\x00", REPLACEMENT) if "\x00" in text else text


def json_without_nul(value: Any) -> str:
    """JSON Postgres can hold: `jsonb` refuses the escape `\\u0000`, so a NUL becomes U+FFFD."""
    text = json.dumps(value)
    return JSON_NUL.sub(r"\1\\ufffd", text) if "\\u0000" in text else text


def _scrubbed(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        if any(isinstance(v, str) and "\x00" in v for v in parameters.values()):
            return {k: without_nul(v) if isinstance(v, str) else v for k, v in parameters.items()}
        return parameters
    if isinstance(parameters, tuple):
        if any(isinstance(v, str) and "\x00" in v for v in parameters):
            return tuple(without_nul(v) if isinstance(v, str) else v for v in parameters)
        return parameters
    if isinstance(parameters, list):  # executemany: one set of parameters a row
        return [_scrubbed(row) for row in parameters]
    return parameters


def _replace_nul(engine: Engine) -> None:
    """Postgres cannot hold a NUL character in text ("A string literal cannot contain NUL"), so a
    NUL that anyone typed into a form, a search, an API body or a CSV cell would fail the statement
    and answer 500. Every text parameter's NUL becomes U+FFFD (as `messaging...store.clean` does
    for the doors); text stays text, and SQLite (which holds NUL) is left as it is."""

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _no_nul(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> Any:
        return statement, _scrubbed(parameters)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE so that concurrent writers wait instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.connection.dbapi_connection.begin_immediate()


def make_statement_engine(engine: Engine, url: str, *, pool_size: int) -> Engine:
    """Connections whose statements each commit on their own, for the delivery path's single
    statements: on Postgres an autocommit pool (one round trip a statement instead of three); on
    SQLite the main engine, whose transactions queue on the writer lock."""
    if engine.dialect.name != "postgresql":
        return engine
    statements = create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
        connect_args={"connect_timeout": 10},
        json_serializer=json_without_nul,
    )
    _replace_nul(statements)
    return statements


def make_session_factory(engine: Engine, **info: Any) -> sessionmaker[Session]:
    """Sessions keep loaded values after commit; `info` reaches every session (e.g. the outbox)."""
    return sessionmaker(engine, expire_on_commit=False, info=dict(info))
