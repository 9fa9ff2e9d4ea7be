"""HTML that never closes is read as text, in one pass (figures: bench/hostile_html.py)."""

from __future__ import annotations

from messaging.inbound.reading.html_text import _defuse, html_to_text


def test_unclosed_markup_is_text_and_closed_markup_is_kept() -> None:
    assert _defuse("<a <b>x</b>") == "&lt;a <b>x</b>"
    assert _defuse("<!DOCTYPE html><p>hi<!-- a <b> comment --></p><?xml x?>") == "<p>hi</p>"
    assert _defuse("<!-- never closed <p>x") == "&lt;!-- never closed <p>x"
    assert _defuse("a < b and c > d") == "a < b and c > d"
    assert html_to_text("<p>Yes</p><a <a <a \r\n<p>she was here</p>") == "Yes\n\n<a <a <a\nshe was here"


def test_the_issues_body_becomes_its_text() -> None:
    html = ("<a " * 330 + "\r\n") * 60
    assert html_to_text(html).startswith("<a <a ")
