"""What the report pages share: the period asked for (`from`, `to`, else the last 90 days to today
in the school's zone), the sort asked for, and the downloads (CSV or JSON with the same writer
as `relay export`)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from fastapi import Response
from starlette.datastructures import QueryParams

from messaging import rendering
from workflow import exports

DEFAULT_DAYS = 90
MAX_DAYS = 366
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # 9999-12-31's week ends past date.max (a 500)
FORMATS = ("csv", "json")
T = TypeVar("T")


@dataclass(frozen=True)
class Period:
    since: date
    until: date
    chosen: bool  # False: the default, the last 90 days
    problem: str | None  # why what was asked was not taken, in words

    @property
    def query(self) -> str:
        return f"from={self.since.isoformat()}&to={self.until.isoformat()}"

    @property
    def said(self) -> str:
        if not self.chosen:
            return rendering.render_copy("report_words", "default_period", {})
        return rendering.render_copy(
            "report_words", "chosen_period", {"since": f"{self.since:%b %-d, %Y}", "until": f"{self.until:%b %-d, %Y}"}
        )


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def period(params: QueryParams, today: date) -> Period:
    """The period of `from` and `to` (either may be left out: the default's end), or the default
    with a problem in words when they don't make one."""
    first, last = default_period(today)
    given = {name: (params.get(name) or "").strip() for name in ("from", "to")}
    if not any(given.values()):
        return Period(first, last, False, None)
    try:
        since = date.fromisoformat(given["from"]) if given["from"] else first
        until = date.fromisoformat(given["to"]) if given["to"] else last
    except ValueError:
        bad = next(v for v in given.values() if v and not _is_date(v))
        return Period(first, last, False, rendering.render_copy("report_words", "bad_date", {"value": bad[:40]}))
    far = next((d for d in (since, until) if not EARLIEST <= d <= LATEST), None)
    if far is not None:
        limits = {"value": far.isoformat(), "earliest": EARLIEST.year, "latest": LATEST.year}
        return Period(first, last, False, rendering.render_copy("report_words", "date_out_of_range", limits))
    if until < since:
        return Period(first, last, False, rendering.render_copy("report_words", "dates_backwards", {}))
    if (until - since).days >= MAX_DAYS:
        words = rendering.render_copy("report_words", "range_too_long", {"max_days": MAX_DAYS})
        return Period(first, last, False, words)
    return Period(since, until, True, None)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    def link(self, key: str) -> str:
        """The query of a column heading: sort by it, or the other way if it is the current one."""
        order = "asc" if key == self.key and self.descending else ("desc" if key == self.key else "asc")
        return f"sort={key}&order={order}"


def sort(params: QueryParams, keys: Sequence[str], default: str) -> Sort:
    key = params.get("sort") or default
    return Sort(key if key in keys else default, params.get("order") == "desc")


def sorted_by(items: Iterable[T], how: Sort, keys: dict[str, Callable[[T], Any]]) -> list[T]:
    """Items by the chosen key (None last whichever the order), the name breaking ties."""
    key = keys[how.key]
    present = [i for i in items if key(i) is not None]
    absent = [i for i in items if key(i) is None]
    return sorted(present, key=key, reverse=how.descending) + absent


def wanted_format(params: QueryParams) -> str | None:
    fmt = params.get("format")
    return fmt if fmt in FORMATS else None


def download(name: str, records: Iterable[dict[str, Any]], fields: Sequence[str], fmt: str) -> Response:
    """A report as a file: `name.csv` or `name.json`."""
    out = io.StringIO()
    exports.write(records, fields, fmt, out)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(out.getvalue(), media_type=media, headers=headers)
