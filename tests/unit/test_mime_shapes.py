"""Unusual MIME read as a person would: a multipart body that lost its parts is text, and a Gmail
reaction is its emoji alone (the fixtures hold whole messages of each: partless_*, gmail_reaction_*)."""

from __future__ import annotations

from messaging.inbound.reading.intent import classify
from messaging.inbound.reading.mime import parse
from messaging.inbound.reading.reply_text import split_reply

HEAD = b"From: Dana <dana@school.test>\r\nTo: reply+abc@relay.test\r\nSubject: Re: Check-in\r\nMIME-Version: 1.0\r\n"


def test_a_multipart_body_without_its_boundary_is_read_as_text() -> None:
    raw = HEAD + b'Content-Type: multipart/alternative; boundary="b1"\r\n\r\nYes, all day.\r\n\r\n> Was Maya here?\r\n'
    mail = parse(raw)
    assert split_reply(mail.text).text == "Yes, all day."


def test_a_multipart_body_without_a_boundary_parameter_that_is_html_is_read_as_html() -> None:
    raw = HEAD + b'Content-Type: multipart/mixed\r\n\r\n<div>No.</div><div class="gmail_quote">On x wrote:'
    raw += b"<blockquote>Was Maya here?</blockquote></div>\r\n"
    assert parse(raw).text == "No."


def test_parts_under_another_boundary_than_the_declared_one_are_found() -> None:
    raw = HEAD + b'Content-Type: multipart/alternative; boundary="declared"\r\n\r\n--used\r\n'
    raw += b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    raw += b"S\xc3\xad, vino.\r\n--used--\r\n"
    assert parse(raw).text.strip() == "Sí, vino."


def test_a_gmail_reaction_is_its_emoji_with_no_feedback() -> None:
    raw = HEAD + b'Content-Type: multipart/alternative; boundary="r"\r\n\r\n--r\r\n'
    raw += b'Content-Type: text/plain; charset="UTF-8"\r\n\r\n\xf0\x9f\x91\x8d\r\n\r\n'
    raw += b"Dana reacted via Gmail<https://www.google.com/gmail/about/>\r\n"
    raw += b'--r\r\nContent-Type: text/vnd.google.email-reaction+json; charset="UTF-8"\r\n\r\n'
    raw += b'{"emoji":"\xf0\x9f\x91\x8d","version":1}\r\n'
    raw += b"--r--\r\n"
    mail = parse(raw)
    assert mail.reaction == "👍"
    intent = classify(split_reply(mail.text).text, "attendance")
    assert (intent.kind, intent.feedback) == ("yes", "")


def test_a_reaction_part_that_is_not_json_changes_nothing() -> None:
    raw = HEAD + b'Content-Type: multipart/alternative; boundary="r"\r\n\r\n--r\r\n'
    raw += b"Content-Type: text/plain\r\n\r\nYes.\r\n--r\r\n"
    raw += b"Content-Type: text/vnd.google.email-reaction+json\r\n\r\n{oops\r\n--r--\r\n"
    mail = parse(raw)
    assert mail.reaction is None and mail.text.strip() == "Yes."
