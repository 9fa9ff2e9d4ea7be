"""Evaluations through Relay's real doors: the mentor's replies through its SMTP server (smtplib,
replies written the way Gmail writes them, quoting the email), the link page on its web server,
and the student's texts through the signed Twilio webhook."""

from __future__ import annotations

import html
import re
import smtplib
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from messaging.inbound.handling import processing
from messaging.models import InboundMessage, OutboundMessage
from relay.dev import mail as dev_mail
from relay.jobs import _domain_runner
from relay.runtime import Runtime
from tests.support import builders, servers
from tests.support.builders import STUDENT_PHONE
from workflow import evaluations
from workflow.attendance.days import local
from workflow.base import utcnow
from workflow.models import Evaluation, EvaluationStatus

TWILIO_TOKEN = "test-twilio-auth-token-0123456789"
PUBLIC = "http://relay.test:8000"
MENTOR = "ruth@example.org"
LEVELS = {
    "personal_qualities": 4,
    "communication": 3,
    "quantitative_reasoning": 3,
    "empirical_reasoning": 2,
    "social_reasoning": 4,
}


@pytest.fixture
def runtime(make_runtime: Any, sqlite_url: str) -> Runtime:
    return _runtime(make_runtime, {"database_url": sqlite_url})


def _runtime(make_runtime: Any, backend: dict[str, Any]) -> Runtime:
    runtime: Runtime = make_runtime(
        **backend,
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token=TWILIO_TOKEN,
        twilio_from="+15005550006",
        quiet_hours="00:00-00:00",
    )
    return runtime


def _ended_yesterday(runtime: Runtime) -> None:
    """Maya's placement at Riverside Clinic ended yesterday; the job asks for the evaluation."""
    with runtime.sessions.begin() as session:
        today = local(utcnow(), builders.school(session, name="Lincoln High")).date()
    builders.build(runtime, start_date=today - timedelta(days=90), end_date=today - timedelta(days=1))
    _domain_runner(evaluations.ask_evaluations)(utcnow())


def _messages(runtime: Runtime, template: str) -> list[OutboundMessage]:
    with runtime.sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage).where(OutboundMessage.template == template).order_by(OutboundMessage.id)
            )
        )


def _evaluation(runtime: Runtime) -> Evaluation:
    with runtime.sessions() as session:
        return session.scalars(select(Evaluation)).one()


def _student_id(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        return session.scalars(select(Evaluation)).one().placement.student_id


def _process_new(runtime: Runtime) -> None:
    with runtime.sessions() as session:
        ids = list(session.scalars(select(InboundMessage.id).where(InboundMessage.status == "received")))
    processing.process_inbound(*ids)


def _reply(runtime: Runtime, smtp: tuple[str, int], to: OutboundMessage, body: str) -> None:
    """The mentor answers `to` from Gmail, through Relay's SMTP server."""
    original = dev_mail.Original.from_row(to)
    message = dev_mail.gmail_reply(original, sender=f"Ruth Chen <{MENTOR}>", text=body)
    with smtplib.SMTP(*smtp, timeout=10) as client:
        client.send_message(message, from_addr=MENTOR, to_addrs=[original.reply_to])
    _process_new(runtime)


def _text(runtime: Runtime, base: str, body: str) -> None:
    """The student texts Relay, through the Twilio webhook, signed as Twilio signs."""
    sid = f"SM{uuid.uuid4().hex}"
    params = {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": STUDENT_PHONE, "To": "+15005550006"}
    params |= {"Body": body, "NumMedia": "0"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC + "/sms/inbound", params)
    answer = httpx.post(base + "/sms/inbound", data=params, headers={"X-Twilio-Signature": signature}, timeout=10)
    assert answer.status_code == 200
    _process_new(runtime)


def test_the_placement_end_asks_the_mentor_and_the_student(runtime: Runtime) -> None:
    _ended_yesterday(runtime)
    _domain_runner(evaluations.ask_evaluations)(utcnow())  # a second tick asks nothing again
    [email] = _messages(runtime, "email/evaluation_request")
    [text] = _messages(runtime, "sms/evaluation_rate")
    assert email.to_address == MENTOR and email.reply_to and email.reply_to.startswith("reply+")
    first = email.body_text.split("above this line -##", 1)[1].strip().splitlines()[0]
    assert first.startswith("Reply with five numbers, in this order"), "the answer's format comes first"
    assert "Recommendation:" in email.body_text and "/l/" in email.body_text
    assert text.to_address == STUDENT_PHONE and "Text 1 (poor) to 5 (great)" in text.body_text
    assert _evaluation(runtime).status == EvaluationStatus.asked


@pytest.mark.parametrize(
    ("form", "body"),
    [
        ("numbers", "4 3 3 2 4, great year\n\nRecommendation: Maya is curious and reliable.\n\nRuth"),
        (
            "lines",
            "Personal Qualities: 4\nCommunication: 3\nQuantitative Reasoning: 3\nEmpirical Reasoning: 2\n"
            "Social Reasoning: 4\n\ngreat year",
        ),
        ("words", "Exceeds, meets, meets, approaching, exceeds. great year"),
        ("spanish", "Supera, cumple, cumple, se acerca, supera. great year\n\nSaludos,\nRuth"),
    ],
)
def test_a_reply_in_each_form_stores_the_levels(runtime: Runtime, form: str, body: str) -> None:
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    with servers.smtp(runtime) as smtp:
        _reply(runtime, smtp, email, body)
    evaluation = _evaluation(runtime)
    assert (evaluation.status, evaluation.levels, evaluation.answered_via) == ("answered", LEVELS, "email"), form
    assert evaluation.comment == "great year"
    if form == "numbers":
        assert evaluation.endorsement == "Maya is curious and reliable."
    assert _messages(runtime, "email/evaluation_clarify") == []
    [saved] = _messages(runtime, "email/evaluation_saved")
    assert "Empirical Reasoning: 2 Approaching" in saved.body_text and saved.to_address == MENTOR


def test_a_numbers_reply_on_postgres(make_runtime: Any, postgres_url: str, redis_url: str, namespace: str) -> None:
    runtime = _runtime(
        make_runtime, {"database_url": postgres_url, "redis_url": redis_url, "redis_namespace": namespace}
    )
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    with servers.smtp(runtime) as smtp:
        _reply(runtime, smtp, email, "4 3 3 2 4")
    assert _evaluation(runtime).levels == LEVELS


def test_a_partial_answer_gets_one_question_and_stores_nothing_until_complete(runtime: Runtime) -> None:
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    with servers.smtp(runtime) as smtp:
        _reply(runtime, smtp, email, "Personal Qualities: 4\nCommunication: 3\n\nShe was a joy.")
        evaluation = _evaluation(runtime)
        assert (evaluation.status, evaluation.levels, evaluation.comment) == ("asked", {}, None)
        [question] = _messages(runtime, "email/evaluation_clarify")
        assert question.subject == "Quantitative Reasoning, Empirical Reasoning, Social Reasoning for Maya?"
        assert "We read Personal Qualities 4, Communication 3; nothing is saved" in question.body_text
        _reply(runtime, smtp, question, "3 2 4")  # only the three asked for, in order
    evaluation = _evaluation(runtime)
    assert (evaluation.status, evaluation.levels, evaluation.comment) == ("answered", LEVELS, "She was a joy.")
    assert len(_messages(runtime, "email/evaluation_clarify")) == 1


def test_all_five_again_answer_a_question_about_some(runtime: Runtime) -> None:
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    with servers.smtp(runtime) as smtp:
        _reply(runtime, smtp, email, "Communication: 2")
        [question] = _messages(runtime, "email/evaluation_clarify")
        _reply(runtime, smtp, question, "4 3 3 2 4")
    assert _evaluation(runtime).levels == LEVELS, "the full answer, not Communication 2 from the first"


def test_a_reply_to_the_saved_email_corrects_a_goal_and_thanks_ask_nothing(runtime: Runtime) -> None:
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    with servers.smtp(runtime) as smtp:
        _reply(runtime, smtp, email, "4 3 3 2 4, great year")
        [saved] = _messages(runtime, "email/evaluation_saved")
        _reply(runtime, smtp, saved, "Thanks!")
        assert _messages(runtime, "email/evaluation_clarify") == [] and _evaluation(runtime).levels == LEVELS
        _reply(runtime, smtp, saved, "Sorry, Communication: 4")
    evaluation = _evaluation(runtime)
    assert (evaluation.levels, evaluation.comment) == ({**LEVELS, "communication": 4}, "great year")
    assert len(_messages(runtime, "email/evaluation_saved")) == 2


@pytest.mark.parametrize("body", ["4 3 3", "Communication: 3-4, the rest meets", "4 3 3 2 4? not sure about math"])
def test_an_unclear_answer_gets_a_question_and_stores_nothing(runtime: Runtime, body: str) -> None:
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    with servers.smtp(runtime) as smtp:
        _reply(runtime, smtp, email, body)
    assert (_evaluation(runtime).status, _evaluation(runtime).levels) == ("asked", {})
    [question] = _messages(runtime, "email/evaluation_clarify")
    assert "Please reply with five numbers" in question.body_text


def test_the_link_page_has_no_choice_made_and_stores_the_levels(runtime: Runtime) -> None:
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    path = re.search(r"relay\.test:8000(/l/\w+)", email.body_text).group(1)  # type: ignore[union-attr]
    with servers.web(runtime) as base:
        page = httpx.get(base + path)
        assert page.status_code == 200 and "How did Maya do at Riverside Clinic?" in html.unescape(page.text)
        assert page.text.count('type="radio"') == 20 and "checked" not in page.text
        missing = {**{k: str(v) for k, v in LEVELS.items()}, "comment": "great year"}
        del missing["social_reasoning"]
        refused = httpx.post(base + path, data=missing)
        assert refused.status_code == 400 and "Please choose a level for Social Reasoning" in refused.text
        assert _evaluation(runtime).status == "asked"
        form = {**{k: str(v) for k, v in LEVELS.items()}, "comment": "great year", "endorsement": "I recommend her."}
        done = httpx.post(base + path, data=form)
        assert done.status_code == 200 and "Your evaluation of Maya is saved" in done.text
        assert "already" in html.unescape(httpx.get(base + path).text).lower()
    evaluation = _evaluation(runtime)
    assert (evaluation.levels, evaluation.answered_via, evaluation.endorsement) == (LEVELS, "link", "I recommend her.")


def test_the_student_rates_the_internship_and_agrees_to_show_the_recommendation(runtime: Runtime) -> None:
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    with servers.smtp(runtime) as smtp:
        _reply(runtime, smtp, email, "4 3 3 2 4\nRecommendation: Maya is curious and reliable.")
    assert _messages(runtime, "sms/evaluation_consent_ask") == [], "asked with the rating's answer instead"
    with servers.web(runtime) as base:
        _text(runtime, base, "4 or 5")
        assert _evaluation(runtime).student_rating is None
        assert len(_messages(runtime, "sms/evaluation_rate_again")) == 1
        _text(runtime, base, "5 loved the X-ray team!")
        [thanks] = _messages(runtime, "sms/evaluation_rated")
        assert "5 of 5" in thanks.body_text and "Show it on your record? Text SHARE or NO" in thanks.body_text
        with runtime.sessions() as session:
            [shown] = evaluations.for_student(session, _student_id(runtime))
            assert shown.endorsement is None and shown.endorsement_waiting
        _text(runtime, base, "share")
    evaluation = _evaluation(runtime)
    assert (evaluation.student_rating, evaluation.student_comment) == (5, "loved the X-ray team!")
    assert evaluation.endorsement_consent is True
    [done] = _messages(runtime, "sms/evaluation_consent_ack")
    assert "now shows on your record" in done.body_text
    with runtime.sessions() as session:
        [shown] = evaluations.for_student(session, _student_id(runtime))
        assert shown.endorsement == "Maya is curious and reliable." and shown.student_rating == 5


@pytest.mark.parametrize(("answer", "consent"), [("YES", True), ("Sí", True), ("No", False)])
def test_a_yes_gives_consent_and_a_no_keeps_it_private(runtime: Runtime, answer: str, consent: bool) -> None:
    """Rated first, the recommendation arrives later: the student is asked then. A bare YES is also
    the carrier's opt-in word: it is recorded as one and read as the consent."""
    _ended_yesterday(runtime)
    [email] = _messages(runtime, "email/evaluation_request")
    with servers.web(runtime) as base:
        _text(runtime, base, "3")
        assert _evaluation(runtime).student_rating == 3
        with servers.smtp(runtime) as smtp:
            _reply(runtime, smtp, email, "4 3 3 2 4\nRecommendation: A fine intern.")
        [ask] = _messages(runtime, "sms/evaluation_consent_ask")
        assert "Text SHARE or NO" in ask.body_text
        _text(runtime, base, answer)
    assert _evaluation(runtime).endorsement_consent is consent
    with runtime.sessions() as session:
        [shown] = evaluations.for_student(session, _student_id(runtime))
        assert shown.endorsement == ("A fine intern." if consent else None)
