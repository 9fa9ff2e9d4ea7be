"""Shared fixtures: real Postgres, Redis, SQLite; a Relay runtime wired to them."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from relay import migrate
from relay.runtime import Runtime, build
from relay.settings import Settings
from tests.support import services

TEST_KEYS = ["test-key-newest-0123456789abcdefghijkl", "test-key-older-0123456789abcdefghijklm"]


@pytest.fixture(autouse=True, scope="session")
def _hermetic_environment() -> Iterator[None]:
    """Tests never read the developer's RELAY_* variables or .env."""
    saved = {
        k: v
        for k, v in os.environ.items()
        if k.startswith("RELAY_") and not k.startswith(("RELAY_TEST_", "RELAY_REQUIRE"))
    }
    for key in saved:
        del os.environ[key]
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    services.postgres_admin().close()
    name = services.create_database()
    migrate.upgrade(services.sqlalchemy_url(name))
    yield name
    services.drop_database(name)


@pytest.fixture
def postgres_url(postgres_template: str) -> Iterator[str]:
    name = services.create_database(template=postgres_template)
    yield services.sqlalchemy_url(name)
    services.drop_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database upgraded to head once; each test gets a copy (running the migrations per test
    was most of the unit tests' time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "relay.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "relay.db"
    with sqlite3.connect(sqlite_template) as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # the backup API, not a file copy: correct whatever the journal mode
    source.close()
    copy.close()
    return f"sqlite:///{path}"


@pytest.fixture
def redis_url() -> Iterator[str]:
    client = services.redis_client()
    yield services.REDIS
    client.close()


@pytest.fixture
def namespace() -> Iterator[str]:
    ns = f"relaytest-{uuid.uuid4().hex[:10]}"
    yield ns
    try:
        client = redis.Redis.from_url(services.REDIS, socket_connect_timeout=1)
        services.delete_namespace(client, ns)
    except redis.RedisError:
        pass


def test_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "secret_keys": TEST_KEYS,
        "inbound_domain": "relay.test",
        "public_base_url": "http://relay.test:8000",
        "retry_base_seconds": 0.05,
        "retry_max_seconds": 0.5,
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)


test_settings.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def make_runtime() -> Iterator[Callable[..., Runtime]]:
    made: list[Runtime] = []

    def factory(**overrides: Any) -> Runtime:
        runtime = build(test_settings(**overrides))
        made.append(runtime)
        return runtime

    yield factory
    for runtime in made:
        for worker in runtime.extra.get("workers", []):  # type: ignore[attr-defined]
            worker.stop(timeout=5000)
        runtime.close()


@pytest.fixture(params=["postgres+redis", "sqlite+stub"])
def backend(request: pytest.FixtureRequest, namespace: str) -> dict[str, Any]:
    """Both ways Relay runs: Postgres and Redis, and the embedded default."""
    if request.param == "postgres+redis":
        return {
            "database_url": request.getfixturevalue("postgres_url"),
            "redis_url": request.getfixturevalue("redis_url"),
            "redis_namespace": namespace,
        }
    return {"database_url": request.getfixturevalue("sqlite_url")}
