"""Words people read say what is true: no promised reason when there is none, full stops, one
way to write hours, one thank-you, no claim about features that do not exist yet."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from messaging import rendering
from tests.unit.template_samples import COMMON, SAMPLES

REQUEST = SimpleNamespace(student=SimpleNamespace(first_name="Maya"))


def test_a_denial_without_a_reason_promises_none() -> None:
    bare = rendering.render_copy("link_decide_request", "denied", {"request": REQUEST, "start": False, "reason": ""})
    assert "reason" not in bare.replace("no reason given", "") and bare.endswith(".")
    given = rendering.render_copy("link_decide_request", "denied", {"request": REQUEST, "start": True, "reason": "No"})
    assert given == "Maya's start is denied; they will see your reason."


def test_a_denial_text_keeps_its_sentences_apart() -> None:
    context: dict[str, Any] = {**COMMON, **SAMPLES["sms/request_denied"], "reason": "needs a second reference first"}
    text = rendering.render_sms("request_denied", context).text
    assert "second reference first. Text FIND to look at others." in text
    context["reason"] = "Not this term!"
    assert "Not this term! Text FIND" in rendering.render_sms("request_denied", context).text
    start: dict[str, Any] = {**COMMON, **SAMPLES["sms/start_denied"], "reason": "Tuesdays clash"}
    assert 'They said: "Tuesdays clash." Text READY' in rendering.render_sms("start_denied", start).text


def test_the_mentors_page_writes_hours_as_the_texts_do() -> None:
    values = {**COMMON, **SAMPLES["web/link_confirm_day"], "hours": Decimal("0.00")}
    details = rendering.render_copy("link_confirm_day", "details", values)
    assert "(0 hours)" in details and " h)" not in details


def test_the_thank_you_page_thanks_once() -> None:
    sam = SimpleNamespace(first_name="Sam")
    outcome = rendering.render_copy("link_confirm_day", "confirmed", {"student": SimpleNamespace(first_name="Maya")})
    page = rendering.render_page("link_done", {**COMMON, "person": sam, "outcome": outcome})
    assert page.count("Thank you") == 1 and "day is confirmed." in page


def test_the_find_page_claims_nothing_not_built() -> None:
    page = rendering.render_page("s_find", {**COMMON, **SAMPLES["web/s_find"], "wishlist": []})
    assert "sees what students want" not in page
