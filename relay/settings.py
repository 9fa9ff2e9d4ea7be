"""Settings from RELAY_* environment variables and a `.env` file.

The names in docs/ARCHITECTURE.md are fixed; the others tune the defaults. A missing or malformed setting
stops start-up with one line naming it (`SettingsError`).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from messaging import sender_pool

DEV_KEY_FILE = Path(".relay-dev-key")
MIN_PRODUCTION_KEY_LENGTH = 32


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line that names it."""


def _host_port(value: str, name: str) -> str:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected host:port, got {value!r}")
    return value


def split_bind(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host.strip("[]"), int(port)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELAY_", env_file=".env", extra="ignore", validate_default=True)

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///relay.db"
    redis_url: str | None = None
    redis_namespace: str = "relay"
    secret_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    public_base_url: str = "http://127.0.0.1:8000"
    http_bind: str = "127.0.0.1:8000"
    smtp_bind: str = "127.0.0.1:8025"
    inbound_domain: str = "relay.localhost"
    mail_from: str = ""
    outbound_smtp_url: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    # A Messaging Service (a pool of numbers) instead of RELAY_TWILIO_FROM, and its pool: the numbers,
    # comma-separated, or how many it has (pacing runs each at sms_segments_per_second).
    twilio_messaging_service_sid: str | None = None
    twilio_pool: str = ""
    twilio_api_base: str = "https://api.twilio.com"

    # Tuning; the defaults suit a school or a small district.
    sms_segments_per_second: float = Field(default=1.0, gt=0)
    quiet_hours: str = "21:00-07:00"
    worker_threads: int = Field(default=8, ge=1, le=256)
    send_timeout_seconds: float = Field(default=15.0, gt=0)
    retry_base_seconds: float = Field(default=5.0, gt=0)
    retry_max_seconds: float = Field(default=900.0, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    sweep_interval_seconds: float = Field(default=15.0, gt=0)
    requeue_after_seconds: float = Field(default=120.0, gt=0)
    stale_sending_seconds: float = Field(default=300.0, gt=0)
    smtp_max_message_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    smtp_tls_cert: Path | None = None
    smtp_tls_key: Path | None = None
    scheduler_lock_ttl_seconds: float = Field(default=15.0, gt=0)
    job_schedules: str = ""
    notice_cap_per_day: int = Field(default=20, ge=1)
    demo: bool = False

    @field_validator("secret_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if not scheme.startswith(("sqlite", "postgresql")):
            raise ValueError(f"expected a sqlite:// or postgresql:// URL, got {value!r}")
        if scheme in ("postgresql", "postgres"):
            value = "postgresql+psycopg" + value[len(scheme) :]
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"expected a redis:// URL, got {value!r}")
        return value or None

    @field_validator("public_base_url", "twilio_api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"expected an http(s):// URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("http_bind", "smtp_bind")
    @classmethod
    def _bind(cls, value: str) -> str:
        return _host_port(value, "bind")

    @field_validator("outbound_smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"expected smtp://[user:pass@]host:port[?starttls=true], got {value!r}")
        return value

    @field_validator("twilio_from")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value and not (value.startswith("+") and value[1:].isdigit() and 8 <= len(value) <= 16):
            raise ValueError(f"expected an E.164 number such as +15555550123, got {value!r}")
        return value or None

    @field_validator("twilio_messaging_service_sid")
    @classmethod
    def _service_sid(cls, value: str | None) -> str | None:
        if value and not sender_pool.SERVICE_SID.fullmatch(value):
            raise ValueError(f"expected a Messaging Service SID (MG and 32 hex digits), got {value!r}")
        return value or None

    @field_validator("twilio_pool")
    @classmethod
    def _pool(cls, value: str) -> str:
        sender_pool.parse_pool(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @model_validator(mode="after")
    def _complete(self) -> Settings:
        if not self.mail_from:
            self.mail_from = f"Relay <relay@{self.inbound_domain}>"
        if bool(self.twilio_account_sid) != bool(self.twilio_auth_token):
            raise ValueError("RELAY_TWILIO_ACCOUNT_SID and RELAY_TWILIO_AUTH_TOKEN must be set together")
        if self.twilio_account_sid and not (self.twilio_from or self.twilio_messaging_service_sid):
            raise ValueError(
                "RELAY_TWILIO_FROM (or RELAY_TWILIO_MESSAGING_SERVICE_SID): required when Twilio credentials are set"
            )
        if self.env == "production":
            self._check_production()
        return self

    def _check_production(self) -> None:
        if not self.secret_keys:
            raise ValueError("RELAY_SECRET_KEYS: required in production (comma-separated, newest first)")
        if any(len(k) < MIN_PRODUCTION_KEY_LENGTH for k in self.secret_keys):
            raise ValueError(
                f"RELAY_SECRET_KEYS: each key must be at least {MIN_PRODUCTION_KEY_LENGTH} characters in production"
            )
        if DEV_KEY_FILE.exists() and DEV_KEY_FILE.read_text().strip() in self.secret_keys:
            raise ValueError("RELAY_SECRET_KEYS: the generated development key is refused in production")
        if not self.outbound_smtp_url:
            raise ValueError("RELAY_OUTBOUND_SMTP_URL: required in production (the dev outbox is refused)")
        if not self.twilio_account_sid:
            raise ValueError("RELAY_TWILIO_ACCOUNT_SID: required in production (the dev outbox is refused)")
        if self.demo:
            raise ValueError("RELAY_ENV=production: the demo cannot run in production")

    @property
    def signing_keys(self) -> list[str]:
        """Keys newest first; in development a key generated once and kept in `.relay-dev-key`."""
        if self.secret_keys:
            return self.secret_keys
        return [development_key()]

    @property
    def dev_transports(self) -> bool:
        return not self.outbound_smtp_url and not self.twilio_account_sid

    @property
    def sms_pool_lanes(self) -> tuple[str, ...]:
        """The Messaging Service pool's pacing lanes (empty without a service)."""
        sid = self.twilio_messaging_service_sid
        return sender_pool.lanes(sid, sender_pool.parse_pool(self.twilio_pool)) if sid else ()

    @property
    def quiet_window(self) -> tuple[int, int]:
        return parse_quiet_hours(self.quiet_hours)


def parse_quiet_hours(value: str) -> tuple[int, int]:
    """'21:00-07:00' -> (1260, 420), minutes after local midnight."""
    try:
        start, end = (part.strip() for part in value.split("-"))
        minutes = []
        for part in (start, end):
            hh, mm = part.split(":")
            if not (0 <= int(hh) < 24 and 0 <= int(mm) < 60):
                raise ValueError
            minutes.append(int(hh) * 60 + int(mm))
    except ValueError:
        raise ValueError(f"expected HH:MM-HH:MM, got {value!r}") from None
    return minutes[0], minutes[1]


def development_key() -> str:
    if DEV_KEY_FILE.exists():
        key = DEV_KEY_FILE.read_text().strip()
        if key:
            return key
    key = secrets.token_urlsafe(32)
    DEV_KEY_FILE.write_text(key + "\n")
    DEV_KEY_FILE.chmod(0o600)
    return key


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation error into one line that names the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        location = error.get("loc") or ()
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if location:
            name = "RELAY_" + str(location[0]).upper()
            raise SettingsError(f"{name} is invalid: {message}") from None
        raise SettingsError(message) from None
