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

VIEW = SimpleNamespace(
    title="Was Maya at Riverside Clinic today?",
    intro="Maya checked in at 9:02am and out at 3:05pm (6.1 hours).",
    details=[("Goals", "Shadow the X-ray technician")],
    choices=[("confirm", "Yes, Maya was here"), ("dispute", "No, Maya wasn't here")],
    comment_label="Comments for Maya (optional)",
)

SAMPLES: dict[str, dict[str, Any]] = {
    "web/link_action": {"view": VIEW, "error": None},
    "web/link_done": {"outcome": "Thanks: Maya's day is confirmed."},
    "web/link_used": {"outcome": "Confirmed by Dr. Ruth Chen by email.", "used_at": NOW},
    "web/link_expired": {},
    "web/link_invalid": {},
    "email/message_failed": {
        "channel": "email",
        "address": "mentor@example.org",
        "recipient_name": "Dr. Ruth Chen",
        "reason": "SMTP 550: 5.1.1 No such user",
        "about": "Please confirm Maya's day",
    },
    "sms/help": {},
    "sms/whoami": {"role": "student"},
    "sms/unknown_number": {},
    "sms/sorry": {},
    "email/reply_expired": {"subject": "Re: Please confirm Maya's day at Riverside Clinic (Tue Mar 10)"},
    "email/reply_wrong_sender": {"sender": "ruth.chen@gmail.com", "subject": "Re: Please confirm Maya's day"},
    "email/reply_unmatched": {"subject": "Internship question"},
}
