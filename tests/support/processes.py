"""Running `relay` commands as real subprocesses, the way they run on a server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import TEST_KEYS
from tests.support import services
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def relay_env(**settings: Any) -> dict[str, str]:
    """Environment for a relay process: RELAY_<NAME> for each setting, and nothing from the caller's RELAY_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env["RELAY_SECRET_KEYS"] = ",".join(TEST_KEYS)
    env["RELAY_INBOUND_DOMAIN"] = "relay.test"
    env["RELAY_PUBLIC_BASE_URL"] = "http://relay.test:8000"
    env["RELAY_LOG_LEVEL"] = "INFO"
    for name, value in settings.items():
        if value is not None:
            env[f"RELAY_{name.upper()}"] = str(value)
    return env


class RelayProcess:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args = args
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "relay", *args],
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, like a machine losing power."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")


@contextmanager
def relay(args: list[str], env: dict[str, str], log: Path) -> Iterator[RelayProcess]:
    proc = RelayProcess(args, env, log)
    try:
        yield proc
    finally:
        proc.stop()


def web_up(base: str) -> bool:
    """Whether a relay web process at `base` answers /healthz yet."""
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def faked_clock(env: dict[str, str], shift_seconds: float) -> dict[str, str]:
    """`env` for a process whose wall clock runs `shift_seconds` ahead (Debian's libfaketime);
    monotonic clocks stay real so that timeouts and sleeps behave."""
    return {
        **env,
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME": f"{shift_seconds:+.0f}s",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "FAKETIME_NO_CACHE": "1",
    }


@contextmanager
def demo(
    folder: Path, *, quiet_hours: str | None = "00:00-00:00", clock_shift: float | None = None, **settings: Any
) -> Iterator[tuple[str, RelayProcess]]:
    """`relay demo` on free ports with its database in `folder` (by default no quiet hours; a
    clock shifted by `clock_shift` seconds if given); yields its base URL."""
    port = services.free_port()
    base = f"http://127.0.0.1:{port}"
    env = relay_env(
        database_url=f"sqlite:///{folder / 'demo.db'}",
        http_bind=f"127.0.0.1:{port}",
        smtp_bind=f"127.0.0.1:{services.free_port()}",
        public_base_url=base,
        quiet_hours=quiet_hours,
        **settings,
    )
    if clock_shift is not None:
        env = faked_clock(env, clock_shift)
    with relay(["demo"], env, folder / "demo.log") as proc:
        wait_until(lambda: web_up(base), timeout=40, what="relay demo")
        yield base, proc
