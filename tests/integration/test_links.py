"""Signed links: GET and HEAD show, only POST acts, once; bad links get a friendly page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from messaging import tokens
from messaging.inbound.handling.incoming import LinkResult, LinkView
from tests.conftest import TEST_KEYS
from tests.support import builders, servers
from web import links
from workflow.models import Role


@dataclass
class RecordingAction:
    acted: list[dict[str, str]] = field(default_factory=list)

    def describe(self, session: Any, token: Any, person: Any, now: datetime) -> LinkView:
        return LinkView(
            title=f"Was Maya at the clinic, {person.first_name}?",
            intro="She checked out at 3:05pm.",
            details=[("Goals", "X-rays")],
            choices=[("confirm", "Yes"), ("dispute", "No")],
            comment_label="Comments",
        )

    def act(self, session: Any, token: Any, person: Any, form: dict[str, str], now: datetime) -> LinkResult:
        self.acted.append(form)
        return LinkResult(outcome=f"Recorded: {form['choice']} ({form.get('comment', '')})")


@pytest.fixture
def action(monkeypatch: pytest.MonkeyPatch) -> RecordingAction:
    recorder = RecordingAction()
    monkeypatch.setitem(links.LINK_ACTIONS, tokens.Purpose.attendance_confirm, recorder)
    return recorder


def _link(runtime: Any, ttl: timedelta = timedelta(days=3)) -> str:
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        mentor = builders.person(session, school, Role.mentor, "Ruth Chen", "ruth@example.org")
        return tokens.issue(
            session,
            purpose="attendance.confirm",
            object_type="day",
            object_id=1,
            person_id=mentor.id,
            ttl=ttl,
            keys=TEST_KEYS,
            now=datetime.now(UTC),
        )


def test_get_and_head_never_act_and_a_blind_post_decides_nothing(
    make_runtime: Any, backend: dict[str, Any], action: RecordingAction
) -> None:
    runtime = make_runtime(**backend)
    token = _link(runtime)
    with servers.web(runtime) as base:
        for _ in range(3):
            page = httpx.get(f"{base}/l/{token}")
            assert page.status_code == 200 and "Was Maya at the clinic, Ruth?" in page.text
            assert httpx.head(f"{base}/l/{token}").status_code == 200
        assert (
            'type="radio" name="choice" value="confirm" required>' in page.text
            and " checked" not in page.text.replace(" checked out", "")
        )
        blind = httpx.post(f"{base}/l/{token}", data={})  # a scanner submitting the form as it is
        assert blind.status_code == 400 and "Please choose one" in blind.text
        assert httpx.post(f"{base}/l/{token}", data={"choice": "maybe"}).status_code == 400
        assert action.acted == []

        done = httpx.post(f"{base}/l/{token}", data={"choice": "confirm", "comment": "Great day"})
        assert done.status_code == 200 and "Recorded: confirm (Great day)" in done.text
        again = httpx.post(f"{base}/l/{token}", data={"choice": "dispute"})
        assert again.status_code == 200 and "already answered" in again.text and "Recorded: confirm" in again.text
        assert "already answered" in httpx.get(f"{base}/l/{token.upper()}").text
    assert action.acted == [{"choice": "confirm", "comment": "Great day"}]


def test_tampered_unknown_and_expired_links_get_friendly_pages(
    make_runtime: Any, sqlite_url: str, action: RecordingAction
) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    token = _link(runtime)
    expired = _link(runtime, ttl=timedelta(seconds=-1))
    with servers.web(runtime) as base:
        tampered = httpx.get(f"{base}/l/{token[:-1]}{'a' if token[-1] != 'a' else 'b'}")
        assert tampered.status_code == 404 and "open it again straight from your Relay email" in tampered.text
        assert httpx.get(f"{base}/l/not-a-token").status_code == 404
        old = httpx.get(f"{base}/l/{expired}")
        assert old.status_code == 410 and "This link has expired" in old.text
        assert httpx.post(f"{base}/l/{expired}", data={"choice": "confirm"}).status_code == 410
        assert "Traceback" not in tampered.text + old.text
    assert action.acted == []
