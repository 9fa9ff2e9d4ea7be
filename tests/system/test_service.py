"""The service shell: migrations from the CLI, health, readiness and metrics over HTTP."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from fastapi.testclient import TestClient

from messaging import outbox, tokens
from relay import migrate
from relay.app import create_app
from relay.processes import start_worker
from tests.support import builders, services
from tests.support.processes import ROOT, relay, relay_env
from tests.support.waiting import wait_until
from workflow.models import Role
from workflow.notifications import Category, Notification


def _cli(args: list[str], cwd: Path, **settings: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        env=relay_env(**settings),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_db_upgrade_on_sqlite_and_postgres(tmp_path: Path) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert (
        "revision" in _cli(["worker"], tmp_path, database_url=sqlite_url, redis_url="redis://127.0.0.1:6379/0").stderr
    )
    result = _cli(["db", "upgrade"], tmp_path, database_url=sqlite_url)
    assert result.returncode == 0 and "database upgraded from revision none (empty) to" in result.stdout, result.stderr
    assert _cli(["db", "current"], tmp_path, database_url=sqlite_url).stdout.strip() == migrate.head()

    name = services.create_database()
    try:
        url = services.sqlalchemy_url(name)
        result = _cli(["db", "upgrade"], tmp_path, database_url=url)
        assert result.returncode == 0, result.stderr
        with psycopg.connect(url.replace("+psycopg", "")) as conn:
            tables = {r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")}
        assert {"schools", "people", "outbound_messages", "inbound_messages", "action_tokens", "audit_log"} <= tables
    finally:
        services.drop_database(name)


def test_a_part_run_alone_on_an_old_schema_says_to_upgrade(tmp_path: Path) -> None:
    result = _cli(["scheduler"], tmp_path, database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 2
    assert "run `relay db upgrade`" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_health_readiness_and_metrics(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    runtime.extra["workers"] = [start_worker(runtime, threads=2)]
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        student = builders.person(session, school, Role.student, "Sam", phone="+15555550100")
        outbox.queue(session, [Notification(template="sms/help", to=student, kind=Category.answer)])
    client = TestClient(create_app(runtime))
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok", "broker": "ok"}
    wait_until(
        lambda: 'relay_messages{channel="sms",status="sent"} 1.0' in client.get("/metrics").text,
        what="the metrics to show the sent SMS",
    )
    text = client.get("/metrics").text
    assert 'relay_delivery_latency_seconds_count{channel="sms"} 1.0' in text
    assert "relay_message_retries_total" in text


def test_readiness_fails_when_the_database_is_unreachable(make_runtime: Any, tmp_path: Path) -> None:
    runtime = make_runtime(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = TestClient(create_app(runtime)).get("/readyz")
    assert response.status_code == 503 and response.json()["database"].startswith("unreachable")


BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_a_wrong_address_gets_a_page_for_people_and_json_for_programs(make_runtime: Any) -> None:
    client = TestClient(create_app(make_runtime()))
    page = client.get("/nowhere", headers=BROWSER)
    assert page.status_code == 404 and "There's no page here" in page.text
    assert client.get("/nowhere").json() == {"detail": "Not Found"}
    assert client.post("/healthz").status_code == 405


def test_an_unexpected_error_gets_an_apology_not_a_traceback(make_runtime: Any) -> None:
    runtime = make_runtime(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    claims = tokens.TokenClaims(tokens.Purpose.attendance_confirm, 1, 1, 1, datetime.now(UTC) + timedelta(days=1))
    link = "/l/" + tokens.encode(claims, runtime.settings.signing_keys)  # well signed; the database is down
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    page = client.get(link, headers=BROWSER)
    assert page.status_code == 500 and "Something went wrong on our side" in page.text
    assert "Traceback" not in page.text and "psycopg" not in page.text
    assert client.get(link).json() == {"detail": "internal error"}


def test_relay_serve_runs_every_part_in_one_process(tmp_path: Path) -> None:
    port = services.free_port()
    env = relay_env(
        database_url=f"sqlite:///{tmp_path / 'serve.db'}",
        http_bind=f"127.0.0.1:{port}",
        smtp_bind=f"127.0.0.1:{services.free_port()}",
    )
    with relay(["serve"], env, tmp_path / "serve.log") as proc:

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=30, what="relay serve to answer /healthz")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            assert response.status == 200
        assert "scheduler" in proc.output()
    assert (ROOT / "relay").is_dir()
