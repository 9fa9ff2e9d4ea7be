"""tests/unit/conftest.py holds unit tests to their rule; these show that it can fail."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.unit.conftest import service_fixtures


def test_service_fixtures_are_named_even_when_reached_through_others() -> None:
    assert service_fixtures(["tmp_path", "make_runtime", "sqlite_url"]) == []
    assert service_fixtures(["backend", "namespace", "postgres_url", "postgres_template", "redis_url"]) == [
        "backend",
        "namespace",
        "postgres_template",
        "postgres_url",
        "redis_url",
    ]


def test_a_unit_test_cannot_start_a_process_a_server_or_connect() -> None:
    with pytest.raises(AssertionError, match="a subprocess"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    with socket.socket() as server, pytest.raises(AssertionError, match="a listening socket"):
        server.bind(("127.0.0.1", 0))
        server.listen()
    with socket.socket() as client, pytest.raises(AssertionError, match="a network connection"):
        client.connect(("127.0.0.1", 6379))
