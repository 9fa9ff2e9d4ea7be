"""The dev outbox shows the conversation as the student has it: their own texts between Relay's,
the whole phone number to pick a student by, the time zone beside times, and for STOP and START
that the carrier answers them (Relay sends nothing back)."""

from __future__ import annotations

import html
import re
from typing import Any

from relay.dev import demo
from relay.dev.outbox import _page
from tests.support import inbound


def test_the_outbox_shows_the_students_own_texts_interleaved_with_a_time_zone(
    make_runtime: Any, sqlite_url: str
) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    demo.seed(runtime)
    maya = "+15555550101"
    for words in ("CHECKIN", "STOP", "START"):
        inbound.sms(runtime, maya, words)
    page = html.unescape(_page(runtime, False, maya))
    assert "Maya Lopez (+15555550101)</option>" in page, "the whole number in the drop-down"
    order = [m.group(1) for m in re.finditer(r'data-template="([^"]+)"', page)]
    assert order[:4] == ["inbound", "inbound", "sms/checkin_ack", "inbound"], "newest first, both directions"
    assert re.search(r"SMS from Maya Lopez</span> <\+15555550101> · \d{1,2}:\d\d[ap]m \S+", page)
    assert "<pre>CHECKIN</pre>" in page
    assert "STOP is answered by the carrier, not by Relay" in page
    assert "START is answered by the carrier, not by Relay" in page
    zone = re.search(r"Times are the school's \(([^,]+), ([^)]+)\)", page)
    assert zone, "the time zone is named"
    assert re.search(
        rf"to <strong>Maya Lopez</strong> <{re.escape(maya)}> · \d{{1,2}}:\d\d[ap]m {re.escape(zone[2])}", page
    )
