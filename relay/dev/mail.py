"""Replies as mail clients write them, to Relay's own emails: the dev outbox sends them to
Relay's SMTP server when you answer as a mentor, and the tests use them too."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parsedate_to_datetime

from messaging.models import OutboundMessage
from workflow.base import utcnow


@dataclass(frozen=True)
class Original:
    """What a reply needs of the email it answers."""

    sender: str
    reply_to: str
    subject: str
    message_id: str
    references: str
    sent_at: datetime
    text: str
    html: str

    @classmethod
    def from_row(cls, row: OutboundMessage) -> Original:
        return cls(
            row.from_address,
            row.reply_to or "",
            row.subject or "",
            row.message_id_header or "",
            row.references or "",
            row.created_at,
            row.body_text,
            row.body_html or "",
        )

    @classmethod
    def from_message(cls, message: EmailMessage) -> Original:
        text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
        return cls(
            str(message["From"]),
            str(message["Reply-To"] or ""),
            str(message["Subject"] or ""),
            str(message["Message-ID"] or ""),
            str(message["References"] or ""),
            parsedate_to_datetime(str(message["Date"])),
            str(text_part.get_content()) if text_part else "",
            str(html_part.get_content()) if html_part else "",
        )


def gmail_reply(
    original: Original, *, sender: str, text: str, to: str | None = None, extra_headers: dict[str, str] | None = None
) -> EmailMessage:
    """A reply the way Gmail sends it: text and HTML, the quote under "On ... wrote:"."""
    when = format_datetime(original.sent_at).replace(" +0000", "")
    quoted = "\n".join(f"> {line}" if line else ">" for line in original.text.splitlines())
    attribution = f"On {when} {original.sender} wrote:"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to or original.reply_to
    msg["Subject"] = f"Re: {original.subject}"
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain="mail.gmail.com")
    msg["In-Reply-To"] = original.message_id
    msg["References"] = " ".join(filter(None, [original.references, original.message_id]))
    for key, value in (extra_headers or {}).items():
        msg[key] = value
    msg.set_content(f"{text}\n\n{attribution}\n\n{quoted}\n")
    paragraphs = "".join(f"<div>{html.escape(line) or '<br>'}</div>" for line in text.splitlines())
    msg.add_alternative(
        f'<div dir="ltr">{paragraphs}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        f'{html.escape(attribution)}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
        f'border-left:1px solid rgb(204,204,204);padding-left:1ex">{original.html}</blockquote></div>',
        subtype="html",
    )
    return msg


def out_of_office(original: Original, *, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = original.reply_to
    msg["Subject"] = f"Automatic reply: {original.subject}"
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["Message-ID"] = make_msgid(domain="outlook.example.org")
    msg["In-Reply-To"] = original.message_id
    msg.set_content("Thank you for your email. I am out of the office until Monday with limited access to email.")
    return msg
