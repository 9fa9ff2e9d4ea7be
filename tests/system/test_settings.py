"""Settings: one line naming a bad setting, and production refuses development defaults."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from relay.settings import SettingsError, load_settings, parse_quiet_hours
from tests.support.processes import ROOT, relay_env


def _relay(args: list[str], tmp_path: Path, **settings: object) -> subprocess.CompletedProcess[str]:
    env = relay_env(**settings)
    env.pop("RELAY_SECRET_KEYS") if "secret_keys" not in settings else None
    return subprocess.run(
        [sys.executable, "-m", "relay", *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("http_bind", "localhost", "RELAY_HTTP_BIND is invalid: expected host:port, got 'localhost'"),
        ("database_url", "mysql://x", "RELAY_DATABASE_URL is invalid"),
        ("redis_url", "http://x", "RELAY_REDIS_URL is invalid"),
        ("outbound_smtp_url", "mail.example.org", "RELAY_OUTBOUND_SMTP_URL is invalid"),
        ("twilio_from", "555-0100", "RELAY_TWILIO_FROM is invalid"),
        ("twilio_messaging_service_sid", "MG123", "RELAY_TWILIO_MESSAGING_SERVICE_SID is invalid"),
        ("twilio_pool", "+15555550123, 555-0100", "RELAY_TWILIO_POOL is invalid"),
        ("quiet_hours", "9pm-7am", "RELAY_QUIET_HOURS is invalid"),
        ("worker_threads", "many", "RELAY_WORKER_THREADS is invalid"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_one_line_naming_it(
    tmp_path: Path, name: str, value: str, expected: str
) -> None:
    result = _relay(["db", "upgrade"], tmp_path, **{name: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("relay: ") and expected in lines[0], result.stderr


def test_production_refuses_the_development_key_and_dev_transports(tmp_path: Path) -> None:
    result = _relay(["db", "upgrade"], tmp_path, env="production")
    assert result.returncode == 2
    assert result.stderr.strip() == "relay: RELAY_SECRET_KEYS: required in production (comma-separated, newest first)"

    with pytest.raises(SettingsError, match="each key must be at least 32"):
        load_settings(env="production", secret_keys=["short"], _env_file=None)
    strong = ["k" * 40]
    with pytest.raises(SettingsError, match="RELAY_OUTBOUND_SMTP_URL: required in production"):
        load_settings(env="production", secret_keys=strong, _env_file=None)
    with pytest.raises(SettingsError, match="RELAY_TWILIO_ACCOUNT_SID: required in production"):
        load_settings(env="production", secret_keys=strong, outbound_smtp_url="smtp://mx:25", _env_file=None)
    ok = load_settings(
        env="production",
        secret_keys=strong,
        outbound_smtp_url="smtp://mx:25",
        twilio_account_sid="AC1",
        twilio_auth_token="t",
        twilio_from="+15555550123",
        _env_file=None,
    )
    assert ok.signing_keys == strong and not ok.dev_transports


def test_production_refuses_the_generated_development_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dev_key = load_settings(_env_file=None).signing_keys[0]
    assert (tmp_path / ".relay-dev-key").read_text().strip() == dev_key
    assert load_settings(_env_file=None).signing_keys == [dev_key], "generated once, then kept"
    with pytest.raises(SettingsError, match="generated development key is refused"):
        load_settings(env="production", secret_keys=[dev_key], outbound_smtp_url="smtp://mx:25", _env_file=None)


def test_settings_read_a_dotenv_file_and_keys_split_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("RELAY_SECRET_KEYS=new-key, old-key\nRELAY_INBOUND_DOMAIN=mail.school.org\n")
    settings = load_settings()
    assert settings.secret_keys == ["new-key", "old-key"]
    assert settings.mail_from == "Relay <relay@mail.school.org>"
    assert settings.database_url == "sqlite:///relay.db"


def test_postgres_urls_use_psycopg_and_quiet_hours_parse() -> None:
    assert (
        load_settings(database_url="postgresql://u@h/db", _env_file=None).database_url == "postgresql+psycopg://u@h/db"
    )
    assert parse_quiet_hours("21:00-07:00") == (1260, 420)
    with pytest.raises(ValueError):
        parse_quiet_hours("25:00-07:00")


def test_cli_help_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "relay", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    for command in ("demo", "serve", "web", "smtp", "worker", "scheduler", "db"):
        assert command in result.stdout
