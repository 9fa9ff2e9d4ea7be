"""Our reply fixtures also hold auto-replies and bounces: each is recognised for what it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from messaging.inbound.reading import auto_replies, mime

FIXTURES = Path(__file__).parent.parent / "fixtures" / "replies"
CASES = sorted(p.stem for p in FIXTURES.glob("*.eml"))


def _case(name: str) -> tuple[mime.ParsedEmail, dict[str, object]]:
    raw = (FIXTURES / f"{name}.eml").read_bytes()
    return mime.parse(raw), json.loads((FIXTURES / f"{name}.json").read_text())


def test_there_are_enough_cases() -> None:
    kinds = [json.loads((FIXTURES / f"{name}.json").read_text())["kind"] for name in CASES]
    assert kinds.count("reply") >= 80 and kinds.count("auto_reply") >= 5 and kinds.count("bounce") >= 5


@pytest.mark.parametrize("name", CASES)
def test_each_fixture_is_classified_as_labelled(name: str) -> None:
    parsed, expected = _case(name)
    sender = (
        ""
        if expected["kind"] == "bounce" and parsed.from_address.startswith(auto_replies.DAEMONS)
        else (parsed.from_address)
    )
    kind = auto_replies.classify(parsed, envelope_sender=sender, own_addresses={"relay@relay.test"})
    assert kind == expected["kind"], (name, parsed.subject)


@pytest.mark.parametrize(
    "name", [n for n in CASES if json.loads((FIXTURES / f"{n}.json").read_text())["kind"] == "bounce"]
)
def test_bounces_name_the_failed_address(name: str) -> None:
    parsed, _ = _case(name)
    assert parsed.report is not None and parsed.report.failed_recipients, name
