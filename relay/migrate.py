"""`relay db upgrade`: Alembic migrations, run programmatically."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from relay.paths import MIGRATIONS
from relay.settings import SettingsError


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


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
