"""A sample context for every person-facing template, so each one is rendered by a test.

Add a sample here when you add a template; test_templates fails for a template without one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 10, 22, 15, tzinfo=UTC)
SCHOOL = SimpleNamespace(name="Lincoln High School", locale="en", timezone="America/Los_Angeles", zone=ZONE)
PERSON = SimpleNamespace(name="Maya Lopez", first_name="Maya", email="maya@example.org", phone="+15555550123")

COMMON: dict[str, Any] = {"school": SCHOOL, "person": PERSON, "zone": ZONE, "now": NOW, "reply_marker": True}

SAMPLES: dict[str, dict[str, Any]] = {
    "email/message_failed": {
        "channel": "email",
        "address": "mentor@example.org",
        "recipient_name": "Dr. Ruth Chen",
        "reason": "SMTP 550: 5.1.1 No such user",
        "about": "Please confirm Maya's day",
    },
    "sms/help": {},
}
