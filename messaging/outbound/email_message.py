"""Turn a stored email row into the MIME message that goes on the wire."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from messaging.models import OutboundMessage


def build(row: OutboundMessage) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = row.from_address
    msg["To"] = row.to_address
    msg["Subject"] = row.subject or ""
    msg["Date"] = format_datetime(row.created_at)
    msg["Message-ID"] = row.message_id_header or f"<relay.{row.id}@relay.invalid>"
    if row.reply_to:
        msg["Reply-To"] = row.reply_to
    if row.references:
        msg["References"] = row.references
        msg["In-Reply-To"] = row.references.split()[-1]
    # RFC 3834: well-behaved auto-responders (out-of-office) stay quiet; Exchange honours the second.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-Relay-Message"] = str(row.id)
    msg.set_content(row.body_text)
    if row.body_html:
        msg.add_alternative(row.body_html, subtype="html")
    return msg


def envelope_sender(row: OutboundMessage) -> str:
    return parseaddr(row.from_address)[1]
