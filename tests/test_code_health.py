"""The rules of the code itself: dependency direction, ruff and mypy, checked by the suite so CI holds them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# relay -> web -> messaging -> workflow, never the other way (docs/ARCHITECTURE.md).
FORBIDDEN = {"workflow": {"messaging", "relay", "web"}, "messaging": {"relay", "web"}, "web": {"relay"}}


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


READING = ROOT / "messaging" / "inbound" / "reading"
# Reading is pure functions over text: no database, web framework or broker.
NOT_IN_READING = {"sqlalchemy", "fastapi", "starlette", "dramatiq"}


def test_reading_modules_are_pure() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(READING.rglob("*.py"))
        for name in sorted(imported_packages(path) & NOT_IN_READING)
    ]
    assert not wrong, "\n".join(wrong)


def test_web_pages_are_not_under_inbound() -> None:
    """Pages (HTML responses) live in web/; inbound/ keeps its front doors (SMTP, the webhook)."""
    pages = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "messaging").rglob("*.py"))
        if "fastapi.responses" in path.read_text() or "HTMLResponse" in path.read_text()
    ]
    assert not pages, pages


# A module over this many lines holds two concerns; split it along its seams.
MAX_MODULE_LINES = 400
PRODUCT = ("relay", "web", "messaging", "workflow")


def test_product_modules_are_small() -> None:
    big = [
        f"{path.relative_to(ROOT)} has {lines} lines"
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert not big, "\n".join(big)


def run_tool(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_ruff_is_clean() -> None:
    run_tool("ruff", "check", "--quiet", ".")
    run_tool("ruff", "format", "--check", "--quiet", ".")


def test_mypy_strict_is_clean() -> None:
    run_tool("mypy")  # packages and strictness from pyproject.toml
