"""Every `./dev` command of the README's top sections (the intro, the five steps, "Finding an
internship", "Your own school"), run exactly as written in a fresh `git clone` of the committed
HEAD, as a new user would: the first command makes the clone's own .venv (about 1-2 minutes with
pip's cache; the whole test takes about 3). Uncommitted changes are not in the clone: commit first.

Three commands cannot run as written inside a test, and are run as close as honest:
- `./dev demo` and `./dev serve` run until /healthz answers, then are stopped (on free ports, set
  by RELAY_HTTP_BIND and RELAY_SMTP_BIND, so that they never meet another demo on 8000);
- `./dev test` is this suite: running it here would recurse, so it runs one file,
  tests/unit/test_templates.py, and `./dev test tests/unit` only collects (`--collect-only -q`);
- `./dev send-link student@school.org` names a placeholder address: it is sent to the demo's Maya,
  in the demo's database (`--demo`).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from tests.support import services
from tests.support.processes import ROOT, web_up
from tests.support.waiting import wait_until
from tests.unit.test_import_export import FILES

TOP_SECTIONS = ("Try the attendance loop in five steps", "Finding an internship", "Your own school")
LONG_RUNNING = ("./dev demo", "./dev serve")
INSTEAD = {
    "./dev test": "./dev test -q tests/unit/test_templates.py",
    "./dev test tests/unit": "./dev test tests/unit --collect-only -q",
    "./dev send-link student@school.org": "./dev send-link --demo maya@students.demo-high.example",
}


def readme_commands() -> list[str]:
    """`./dev ...` in the README before "## Configuration", in order: code-block lines (comments
    removed) and inline code; `./dev <command>` is a placeholder, not a command."""
    readme = (ROOT / "README.md").read_text().split("\n## Configuration\n", 1)[0]
    found: list[str] = []
    for block, inline in re.findall(r"```sh\n(.*?)```|`(\./dev [^`]+)`", readme, re.S):
        lines = [line.split("#", 1)[0].strip() for line in block.splitlines()] if block else [inline]
        found += [line for line in lines if line.startswith("./dev ") and "<" not in line and line not in found]
    return found


def test_the_readme_lists_the_commands_this_test_runs() -> None:
    commands = readme_commands()
    for expected in (
        "./dev demo",
        "./dev test",
        "./dev test tests/unit",
        "./dev export attendance --format json --demo",
        "./dev send-link student@school.org",
        "./dev db upgrade",
        "./dev import schools schools.csv",
        "./dev export attendance --format csv",
        "./dev export placements --format csv",
        "./dev import --help",
    ):
        assert expected in commands, f"{expected!r} is no longer in the README: update this test"
    assert commands[0] == "./dev demo"
    readme = (ROOT / "README.md").read_text()
    assert all(f"## {heading}\n" in readme for heading in TOP_SECTIONS)


def _env(port: int) -> dict[str, str]:
    """The caller's environment without RELAY_* (a new user sets none), on free ports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env["RELAY_HTTP_BIND"] = f"127.0.0.1:{port}"
    env["RELAY_SMTP_BIND"] = f"127.0.0.1:{services.free_port()}"
    env["RELAY_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    return env


def _run_until_healthy(command: str, clone: Path, env: dict[str, str], base: str, log: Path) -> None:
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["sh", "-c", f"exec {command}"],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until(
                lambda: web_up(base) or process.poll() is not None, timeout=420, interval=1, what=f"{command} up"
            )
            assert process.poll() is None, f"{command} exited {process.returncode}: {log.read_text()[-3000:]}"
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    pytest.fail(f"{command} did not stop within 30 s of Ctrl-C")


@pytest.mark.timeout(900)
def test_every_readme_command_works_from_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "relay"
    cloned = subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], capture_output=True, text=True)
    assert cloned.returncode == 0, cloned.stderr
    (clone / "schools.csv").write_text(FILES["schools"])  # the file "Your own school" imports, in the folder
    port = services.free_port()
    env, base = _env(port), f"http://127.0.0.1:{port}"
    for number, command in enumerate(readme_commands()):
        log = tmp_path / f"{number:02d}.log"
        if command in LONG_RUNNING:
            _run_until_healthy(command, clone, env, base, log)
            continue
        done = subprocess.run(
            ["sh", "-c", INSTEAD.get(command, command)], cwd=clone, env=env, capture_output=True, text=True, timeout=600
        )
        log.write_text(done.stdout + done.stderr)
        assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
        if command.startswith("./dev export") and "json" in command:  # no day yet: the steps were not taken
            assert json.loads(done.stdout) == [], done.stdout[:300]
    assert (clone / ".venv" / "bin" / "relay").exists(), "the first command made the clone's own .venv"
