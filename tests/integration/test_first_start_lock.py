"""Several Relays started at once on a fresh SQLite database: the first-start migrations run under
a file lock, so the others wait and find the schema made instead of crashing ("table already
exists"). The same code path as `relay serve`'s start (`relay db upgrade`), in separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from relay import migrate

STARTERS = 6


def test_concurrent_first_starts_on_sqlite_do_not_crash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    go = time.time() + 3  # every process imports first, then all upgrade at the same instant
    script = (
        "import sys, time; from relay import migrate; "
        f"time.sleep(max(0.0, {go} - time.time())); migrate.upgrade(sys.argv[1])"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    starters = [
        subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(STARTERS)
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in starters]
    errors = [
        next((line for line in err.splitlines() if "Error" in line), err[-200:]) for code, err in outcomes if code
    ]
    assert errors == [], errors
    assert migrate.current(url) == migrate.head()
