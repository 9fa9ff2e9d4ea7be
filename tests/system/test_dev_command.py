"""`./dev` as a new user types it: the README's "Your own school" commands, run exactly, from
another folder with relative file names, on a fresh database; and pip kept quiet unless it fails."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

from relay import migrate
from tests.support.processes import ROOT, relay_env
from tests.unit.test_import_export import FILES


def readme_block(heading: str) -> list[str]:
    """The commands of the first ```sh block under `## heading` in the README, comments removed."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split(f"## {heading}\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, f"no sh block under {heading}"
    lines = (line.split("#", 1)[0].strip() for line in block.group(1).splitlines())
    return [line for line in lines if line]


def _sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_your_own_school_from_another_folder_on_a_fresh_database(tmp_path: Path) -> None:
    elsewhere = tmp_path / "my-school"
    elsewhere.mkdir()
    (elsewhere / "dev").symlink_to(ROOT / "dev")  # `./dev` as the README writes it, from another folder
    (elsewhere / "schools.csv").write_text(FILES["schools"])
    database = f"sqlite:///{tmp_path / 'fresh.db'}"
    env = relay_env(database_url=database)
    commands = readme_block("Your own school")
    assert commands[0] == "./dev db upgrade", "a fresh database is made first"
    assert "./dev import schools schools.csv" in commands
    for command in commands:
        done = _sh(command, elsewhere, env)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
        if command == "./dev db upgrade":
            assert f"database upgraded from revision none (empty) to {migrate.head()}" in done.stdout
        if command.startswith("./dev import schools"):
            assert "no such file" not in done.stderr
    again = _sh("./dev db upgrade", elsewhere, env)
    assert f"database already at the latest revision, {migrate.head()}: nothing to do" in again.stdout
    assert not (ROOT / "my-school").exists()


FAKE_PYTHON = """#!/bin/sh
# a stand-in python: `-m venv DIR` makes DIR/bin/{python,relay}; `-m pip` talks like pip on this machine
if [ "$2" = venv ]; then
    mkdir -p "$3/bin"; cp "$0" "$3/bin/python"
    printf '#!/bin/sh\\necho relay "$@"\\n' > "$3/bin/relay"; chmod +x "$3/bin/relay"; exit 0
fi
for n in 1 2 3; do
    echo "WARNING: Location 'file:///opt/pypi-more/simple/x$n/' is ignored: it is neither a file nor a directory." >&2
done
[ -z "$FAIL_PIP" ] || { echo "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES" >&2; exit 1; }
"""


def test_the_first_run_keeps_pip_quiet_unless_it_fails(tmp_path: Path) -> None:
    for attempt, fail in (("quiet", ""), ("failing", "1")):
        folder = tmp_path / attempt
        (folder / "bin").mkdir(parents=True)
        (folder / "dev").write_text((ROOT / "dev").read_text())
        (folder / "requirements.lock").write_text("x==1\n")
        fake = folder / "bin" / "python3.11"
        fake.write_text(FAKE_PYTHON)
        fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
        env = {**os.environ, "PATH": f"{folder / 'bin'}:{os.environ['PATH']}", "FAIL_PIP": fail}
        done = _sh("sh ./dev --version", folder, env)
        if not fail:
            assert done.returncode == 0 and done.stdout == "relay --version\n", done
            assert "WARNING" not in done.stderr and done.stderr.startswith("dev: preparing .venv"), done.stderr
        else:
            assert done.returncode == 1
            assert "THESE PACKAGES DO NOT MATCH" in done.stderr and "preparing .venv failed" in done.stderr
