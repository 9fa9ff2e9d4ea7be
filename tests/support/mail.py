"""Replies as mail clients write them, to Relay's own emails."""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from workflow.base import utcnow


def gmail_reply(
    original: Any, *, sender: str, text: str, to: str | None = None, extra_headers: dict[str, str] | None = None
) -> EmailMessage:
    """A reply the way Gmail sends it: text and HTML, the quote under "On ... wrote:"."""
    when = format_datetime(original.created_at).replace(" +0000", "")
    quoted = "\n".join(f"> {line}" if line else ">" for line in original.body_text.splitlines())
    attribution = f"On {when} Relay <relay@relay.test> wrote:"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to or original.reply_to
    msg["Subject"] = f"Re: {original.subject}"
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain="mail.gmail.com")
    msg["In-Reply-To"] = original.message_id_header
    msg["References"] = " ".join(filter(None, [original.references, original.message_id_header]))
    for key, value in (extra_headers or {}).items():
        msg[key] = value
    msg.set_content(f"{text}\n\n{attribution}\n\n{quoted}\n")
    paragraphs = "".join(f"<div>{html.escape(line) or '<br>'}</div>" for line in text.splitlines())
    msg.add_alternative(
        f'<div dir="ltr">{paragraphs}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        f'{html.escape(attribution)}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
        f'border-left:1px solid rgb(204,204,204);padding-left:1ex">{original.body_html or ""}</blockquote></div>',
        subtype="html",
    )
    return msg


def out_of_office(original: Any, *, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = original.reply_to
    msg["Subject"] = f"Automatic reply: {original.subject}"
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["Message-ID"] = make_msgid(domain="outlook.example.org")
    msg["In-Reply-To"] = original.message_id_header
    msg.set_content("Thank you for your email. I am out of the office until Monday with limited access to email.")
    return msg
