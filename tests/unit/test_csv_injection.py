"""CSV exports neutralise cells a spreadsheet would run as a formula (OWASP: a leading quote)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from relay import transfer
from workflow import exports


def test_csv_cell() -> None:
    assert [exports.csv_cell(v) for v in ("=1", "a=1", None, -3, "-")] == ["'=1", "a=1", "", -3, "'-"]


HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_every_formula_start_is_neutralised_in_every_export(
    monkeypatch: pytest.MonkeyPatch, make_runtime: Any, sqlite_url: str
) -> None:
    runtime = make_runtime(database_url=sqlite_url)

    def produce(session: Any, *, school: str | None = None) -> Iterator[dict[str, Any]]:
        for text in [*HOSTILE, "fine", ""]:
            yield {"goals": text, "hours": -1.5, "status": None}

    for kind, (_, fields) in list(transfer.EXPORTS.items()):
        monkeypatch.setitem(transfer.EXPORTS, kind, (produce, ("goals", "hours", "status")))
        out = io.StringIO()
        transfer.export(runtime, kind, "csv", out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
        assert [r["goals"] for r in rows] == [*("'" + h for h in HOSTILE), "fine", ""]
        assert {r["hours"] for r in rows} == {"-1.5"} and {r["status"] for r in rows} == {""}
        monkeypatch.setitem(transfer.EXPORTS, kind, (_, fields))
