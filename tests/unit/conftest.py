"""The rule of tests/unit: no services, no processes, no network servers, so that
`./dev test tests/unit` passes in seconds with Postgres and Redis stopped.

SQLite in a tmp file, an in-process runtime, the stub broker and Starlette's TestClient are fine.
A test that needs more belongs in tests/integration (Postgres, Redis, servers on loopback) or
tests/system (relay processes, the browser). Each unit test is checked here, and fails with the
rule, not with a connection error that only shows when the services happen to be down.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

# The fixtures of tests/conftest.py that reach Postgres or Redis.
SERVICE_FIXTURES = frozenset({"postgres_template", "postgres_url", "redis_url", "namespace", "backend"})
RULE = "unit tests use no services, processes or network; move this test to tests/integration or tests/system"


def service_fixtures(names: list[str]) -> list[str]:
    return sorted(SERVICE_FIXTURES.intersection(names))


def _refuse(what: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"{what}: {RULE}")

    return refuse


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> None:
    """Also a service fixture asked for by name at run time (request.getfixturevalue)."""
    if fixturedef.argname in SERVICE_FIXTURES:
        pytest.fail(f"{request.node.nodeid} asks for {fixturedef.argname}: {RULE}", pytrace=False)


@pytest.fixture(autouse=True)
def _unit_rules(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if wrong := service_fixtures(request.fixturenames):
        pytest.fail(f"{request.node.nodeid} uses {', '.join(wrong)}: {RULE}", pytrace=False)
    monkeypatch.setattr(subprocess.Popen, "_execute_child", _refuse("a subprocess"))
    monkeypatch.setattr(socket.socket, "listen", _refuse("a listening socket (a server)"))
    monkeypatch.setattr(socket.socket, "connect", _refuse("a network connection"))
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse("a network connection"))
    yield
