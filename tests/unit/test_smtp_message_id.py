"""The SMTP door's dedupe key reads the Message-ID with a regular expression when the header block
is plain, and with the email package otherwise: both must read the same Message-ID."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32

import pytest

from messaging.inbound.doors.smtp_server import _message_id, provider_id

HEADS = [
    b"From: a\r\nMessage-ID: <x@y>\r\nSubject: s\r\n\r\nbody",
    b"From: a\nmessage-id:   <x@y>  \nSubject: s\n\nbody",
    b"From: a\r\nMessage-ID:\r\n <folded@y>\r\n\r\nbody",
    b"From: a\r\nMessage-ID: <a@y>\r\n <folded@y>\r\n\r\nbody",
    b"From: a\r\nSubject: no id\r\n\r\nbody",
    b"From: a\r\nMessage-ID: <1@y>\r\nMessage-ID: <2@y>\r\n\r\nb",
    b"From: a\r\nMessage-ID: <\xff@y>\r\n\r\nb",
    b"no header line\r\nMessage-ID: <x@y>\r\n\r\n",
    b"From: a\r\nMessage-ID: <x@y>\r\n",
    b"From: a\r\nX-Message-ID: <q@y>\r\n\r\n",
    b"Message-ID: <x@y>\r\n\r\n",
    b"\r\nMessage-ID: <x@y>\r\n\r\n",
    b"From: a\rMessage-ID: <x@y>\r\n\r\n",
    b"From: a\r\nMESSAGE-ID:<tight@y>\r\n\r\n",
]


@pytest.mark.parametrize("head", HEADS)
def test_the_fast_reading_agrees_with_the_email_package(head: bytes) -> None:
    parsed = BytesHeaderParser(policy=compat32).parsebytes(head, headersonly=True)
    assert _message_id(head) == str(parsed.get("Message-ID", "")).strip()


def test_the_key_is_the_message_id_the_sender_and_the_recipient() -> None:
    raw = b"From: a@example.org\r\nMessage-ID: <m1@example.org>\r\n\r\nHi"
    assert (
        provider_id(raw, "A@Example.org", "Reply+x@relay.test") == "<m1@example.org>|a@example.org|reply+x@relay.test"
    )
