"""The rules of the code itself: dependency direction, ruff and mypy, checked by the suite so CI holds them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# relay -> messaging -> workflow, never the other way (DESIGN.md).
FORBIDDEN = {"workflow": {"messaging", "relay"}, "messaging": {"relay"}}


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports anywhere in it, including inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_imported_packages_sees_nested_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    from messaging.outbox import queue\n")
    assert imported_packages(module) == {"os", "messaging"}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_point_one_way(package: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in sorted(imported_packages(path) & FORBIDDEN[package])
    ]
    assert not wrong, "\n".join(wrong)


def run_tool(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_ruff_is_clean() -> None:
    run_tool("ruff", "check", "--quiet", ".")
    run_tool("ruff", "format", "--check", "--quiet", ".")


def test_mypy_strict_is_clean() -> None:
    run_tool("mypy")  # packages and strictness from pyproject.toml
