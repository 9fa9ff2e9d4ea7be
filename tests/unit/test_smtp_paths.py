"""The SMTP door reads a plain `<local@domain> [params]` path itself and leaves every other path
to aiosmtpd's parser: wherever the fast reading answers, the two must agree."""

from __future__ import annotations

import asyncio

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.inbound.doors.smtp_server import RelaySMTP, simple_path

PATHS = [
    "<a@b.c>",
    "<reply+AbC_x-9@relay.example.org> SIZE=1024 BODY=8BITMIME",
    "<a@b.c>  ",
    "<a@b.c>\tSIZE=10 ",
    "<a@b.c> SIZE=1 (x)",
    '<a@b.c> "x"',
    "<o'brien{x}@school-1.example>",
]
ODD = ["<a@b.c> (c) SIZE=1", "<a@b.c>x", "<>", "<a..b@c>", '<"q s"@x>', "<@route:a@b>", "<a@[1.2.3.4]>", " <a@b.c>"]


def _aiosmtpd(arg: str) -> tuple[str | None, str | None]:
    server = SMTP(object(), loop=asyncio.new_event_loop())
    return server._getaddr(arg)


@pytest.mark.parametrize("arg", PATHS)
def test_plain_paths_are_read_as_aiosmtpd_reads_them(arg: str) -> None:
    found = simple_path(arg)
    assert found is not None
    assert found == _aiosmtpd(arg)


@pytest.mark.parametrize("arg", ODD)
def test_anything_else_goes_to_aiosmtpd(arg: str) -> None:
    assert simple_path(arg) is None
    server = RelaySMTP(object(), loop=asyncio.new_event_loop())
    assert server._getaddr(arg) == _aiosmtpd(arg)


def test_the_local_part_limit_still_applies() -> None:
    server = RelaySMTP(object(), loop=asyncio.new_event_loop())
    server.local_part_limit = 5
    assert server._getaddr("<abcdef@b.c>") == (None, None)
    assert server._getaddr("<abc@b.c> SIZE=1") == ("abc@b.c", "SIZE=1")


_PART = st.text(alphabet="a.-_+@ \t()\"'[]:;,=Z\\<>", max_size=8)


@settings(max_examples=500, deadline=None)
@given(st.tuples(_PART, _PART, _PART, st.sampled_from(["", " ", "\t", "  "]), _PART))
def test_the_fast_reading_never_disagrees(parts: tuple[str, str, str, str, str]) -> None:
    local, domain, before, space, params = parts
    arg = f"{before}<{local}@{domain}>{space}{params}"
    found = simple_path(arg)
    if found is not None:
        assert found == _aiosmtpd(arg)
