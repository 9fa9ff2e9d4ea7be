"""The migrations build the schema the models describe, on SQLite and on Postgres: a column, an
index or a type added to a model without a migration fails here, not in a user's upgrade."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, pool

import messaging.models  # noqa: F401  (registers the channel tables)
import web.models  # noqa: F401  (registers the staff workspace tables)
import workflow.models  # noqa: F401
from workflow.base import Base


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_upgraded_schema_matches_the_models(database: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue(f"{database}_url")  # both fixtures upgrade to head
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences: list[Any] = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
