"""HTML that never closes or nests without end is read as a browser reads it, in one pass and
within bounds (figures: bench/hostile_html.py)."""

from __future__ import annotations

from messaging.inbound.reading.html_render import MAX_ELEMENTS
from messaging.inbound.reading.html_text import html_to_text, reply_html_to_text


def test_an_unclosed_tag_swallows_markup_as_a_browser_does_and_the_text_around_it_stays() -> None:
    # `<a <a <a <p>` is one <a> tag with attributes `<a`, `<a`, `<p`: the text after it is kept.
    assert html_to_text("<p>Yes</p><a <a <a \r\n<p>she was here</p>") == "Yes\n\nshe was here"
    assert html_to_text("<p>Yes</p><!-- a <b> comment --><?xml x?><p>all day</p>") == "Yes\n\nall day"
    assert html_to_text("a < b and c > d") == "a < b and c > d"


def test_the_issues_body_is_an_unclosed_tag_with_no_text() -> None:
    html = ("<a " * 330 + "\r\n") * 60
    assert html_to_text(html) == ""
    assert reply_html_to_text("<div>Yes</div>" + html) == "Yes"


def test_markup_that_holds_no_document_is_empty_text() -> None:
    for html in ("", "<!--" * 1000, "</" * 1000, "<?" * 1000):
        assert html_to_text(html) == ""
        assert reply_html_to_text(html) == ""


def test_deep_nesting_keeps_the_text_at_the_top_and_the_quote_prefix_bounded() -> None:
    text = html_to_text("<p>Yes</p>" + "<blockquote>" * 5000 + "deep")
    assert text.startswith("Yes")
    assert all(line.count("> ") <= 20 for line in text.splitlines())


def test_a_body_with_more_elements_than_are_read_keeps_its_first_text() -> None:
    html = "<div>Yes, all day</div>" + "<p><b>x</b></p>" * (MAX_ELEMENTS * 3)
    text = reply_html_to_text(html)
    assert text.startswith("Yes, all day")
    assert text.count("x") < MAX_ELEMENTS
