"""Every template renders; every SMS fits in two segments; segments are counted correctly."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from messaging import rendering, segments
from messaging.rendering import TEMPLATES, TemplateTooLong
from tests.unit.template_samples import COMMON, DAY, LONG_FEEDBACK, SAMPLES, VIEW


def _templates(kind: str, suffix: str) -> list[str]:
    return sorted(f"{kind}/{p.stem}" for p in (TEMPLATES / kind).glob(f"*{suffix}") if not p.name.startswith("_"))


def test_every_template_has_a_sample_context() -> None:
    names = set(_templates("email", ".txt")) | set(_templates("sms", ".txt")) | set(_templates("web", ".html"))
    names |= set(_templates("web", ".txt"))
    missing = sorted(names - set(SAMPLES))
    assert not missing, f"add samples to tests/unit/template_samples.py for: {missing}"
    for name in _templates("email", ".txt"):
        assert (TEMPLATES / f"{name}.html").exists(), f"{name} needs an .html twin"


@pytest.mark.parametrize("name", _templates("email", ".txt"))
def test_email_templates_render_with_subject_text_and_html(name: str) -> None:
    rendered = rendering.render_email(name.split("/", 1)[1], {**COMMON, **SAMPLES[name]})
    assert rendered.subject and "\n" not in rendered.subject and len(rendered.subject) < 120
    assert rendered.text.strip() and "{{" not in rendered.text and "{%" not in rendered.text
    assert rendered.html.lstrip().startswith("<!doctype html>")
    assert "Please type your reply above this line" in rendered.text, "the reply marker comes first"
    assert rendered.text.index("above this line") < 80


@pytest.mark.parametrize("name", _templates("sms", ".txt"))
def test_sms_templates_fit_in_two_segments(name: str) -> None:
    rendered = rendering.render_sms(name.split("/", 1)[1], {**COMMON, **SAMPLES[name]})
    assert 1 <= rendered.segments <= 2 and rendered.text.strip() == rendered.text


@pytest.mark.parametrize("name", _templates("web", ".html"))
def test_web_pages_render(name: str) -> None:
    page = rendering.render_page(name.split("/", 1)[1], {**COMMON, **SAMPLES[name]})
    assert page.lstrip().startswith("<!doctype html>") and "{{" not in page and "<title>" in page


@pytest.mark.parametrize("name", _templates("web", ".txt"))
def test_page_copy_renders_every_block_on_one_line(name: str) -> None:
    """Page copy (`web/<name>.txt`): each block is a title, label, note or outcome on one line,
    and the details block is "Label: value" rows."""
    stem, context = name.split("/", 1)[1], {**COMMON, **SAMPLES[name]}
    blocks = rendering.environment().get_template(f"{name}.txt").blocks
    if stem.startswith("link_"):  # a link page's copy; the others are notes and reasons
        assert {"title", "intro"} <= set(blocks)
    for block in blocks:
        if block == "details":
            rows = rendering.render_details(stem, context)
            assert rows and all(label and value for label, value in rows)
        else:
            text = rendering.render_copy(stem, block, context)
            assert text and "\n" not in text and "{{" not in text and "{%" not in text


def test_page_copy_is_plain_text_that_the_page_escapes_once() -> None:
    student = SimpleNamespace(name="Maya <b>& Co</b>", first_name="Maya & Co")
    day = SimpleNamespace(**{**vars(DAY), "goals": "Line one\nLine two: <i>charts</i>"})
    context = {**COMMON, **SAMPLES["web/link_confirm_day"], "student": student, "day": day}
    assert rendering.render_copy("link_confirm_day", "confirm", context) == "Yes, Maya & Co was here"
    rows = rendering.render_details("link_confirm_day", context)
    assert ("Goals", "Line one Line two: <i>charts</i>") in rows and ("Student", "Maya <b>& Co</b>") in rows
    view = SimpleNamespace(**{**vars(VIEW), "details": rows, "title": "Was Maya & Co here?"})
    page = rendering.render_page("link_action", {**COMMON, "view": view, "error": None})
    assert "Maya &amp; Co here?" in page and "&lt;b&gt;&amp; Co&lt;/b&gt;" in page and "&amp;amp;" not in page


def test_html_is_autoescaped_and_text_is_not() -> None:
    hostile: dict[str, Any] = {**COMMON, **SAMPLES["email/message_failed"], "reason": "<script>alert(1)</script> & co"}
    rendered = rendering.render_email("message_failed", hostile)
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<script>alert(1)</script> & co" in rendered.text


def test_long_feedback_is_shortened_to_fit_two_segments() -> None:
    context = {**COMMON, **SAMPLES["sms/day_confirmed"], "feedback": LONG_FEEDBACK + " 😊"}
    rendered = rendering.render_sms("day_confirmed", context, fit="feedback")
    assert rendered.segments == 2 and rendered.text.endswith('..."')
    assert "Dr. Ruth Chen-Okafor confirmed your day" in rendered.text


def test_an_sms_longer_than_two_segments_is_refused() -> None:
    long_school = type(COMMON["school"])(**{**vars(COMMON["school"]), "name": "ç" * 140})
    with pytest.raises(TemplateTooLong, match="5 segments"):
        rendering.render_sms("help", {**COMMON, "school": long_school})


@pytest.mark.parametrize(
    ("text", "encoding", "units", "count"),
    [
        ("", "GSM-7", 0, 0),
        ("Hello", "GSM-7", 5, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # the euro sign is an escape: two septets
        ("{" * 81, "GSM-7", 162, 2),
        ("é" * 160, "GSM-7", 160, 1),  # é is in the GSM-7 basic set
        ("ñÑüÜ", "GSM-7", 4, 1),
        ("ç" * 70, "UCS-2", 70, 1),  # lower-case ç is not (only Ç is)
        ("ç" * 71, "UCS-2", 71, 2),
        ("Great day 👍", "UCS-2", 12, 1),  # an emoji takes two UTF-16 units
        ("👍" * 67, "UCS-2", 134, 2),
        ("a" * 134 + "’", "UCS-2", 135, 3),  # one curly apostrophe turns the whole text into UCS-2
    ],
)
def test_segments_are_counted_for_gsm7_and_ucs2(text: str, encoding: str, units: int, count: int) -> None:
    assert segments.count(text) == segments.SegmentCount(encoding, units, count)
