"""`relay db upgrade`: Alembic migrations, run programmatically."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, make_url, pool

from relay.paths import MIGRATIONS
from relay.settings import SettingsError


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Several Relays may start at once: on Postgres they queue on an advisory lock (migrations/env.py),
    on a SQLite file on a lock file beside it; the first migrates, the others find the schema made."""
    with _sqlite_file_lock(database_url):
        command.upgrade(alembic_config(database_url), revision)


@contextlib.contextmanager
def _sqlite_file_lock(database_url: str) -> Iterator[None]:
    url = make_url(database_url)
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even if this process dies
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def current(database_url: str) -> str | None:
    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def require_current(database_url: str) -> None:
    """Parts run alone do not migrate: they stop with one line if the schema is behind."""
    try:
        found = current(database_url)
    except Exception as exc:
        raise SettingsError(
            f"RELAY_DATABASE_URL: cannot connect ({type(exc).__name__}: {exc})".splitlines()[0]
        ) from None
    if found != head():
        where = redact(database_url)
        raise SettingsError(
            f"the database ({where}) is at revision {found or 'none'}, not {head()}: run `relay db upgrade`"
        )


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
