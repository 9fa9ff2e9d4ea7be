"""A sample context for every person-facing template, so each one is rendered by a test.

Add a sample here when you add a template; test_templates fails for a template without one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 10, 22, 15, tzinfo=UTC)
SCHOOL = SimpleNamespace(name="Lincoln High School", locale="en", timezone="America/Los_Angeles", zone=ZONE)
PERSON = SimpleNamespace(name="Maya Lopez", first_name="Maya", email="maya@example.org", phone="+15555550123")

COMMON: dict[str, Any] = {"school": SCHOOL, "person": PERSON, "zone": ZONE, "now": NOW, "reply_marker": True}

MENTOR = SimpleNamespace(name="Dr. Ruth Chen-Okafor", first_name="Ruth", email="ruth.chen@riverside-clinic.org")
STUDENT = SimpleNamespace(name="Maya Lopez-Hernandez", first_name="Maya", email="maya@example.org")
SITE_NAME = "Riverside Community Health Clinic"
SITE = SimpleNamespace(name=SITE_NAME)
PLACEMENT = SimpleNamespace(student=STUDENT, mentor=MENTOR, site=SITE, start_time=time(9, 0), end_time=time(15, 0))
DAY = SimpleNamespace(
    id=42,
    date=date(2026, 3, 10),
    check_in_at=datetime(2026, 3, 10, 16, 2, tzinfo=UTC),
    check_out_at=datetime(2026, 3, 10, 22, 5, tzinfo=UTC),
    hours=Decimal("6.05"),
    no_checkout=False,
    goals="Shadow the X-ray technician and file patient charts before the afternoon clinic.",
    placement=PLACEMENT,
    mentor_feedback="Great questions about imaging today.",
    unscheduled=False,
    status="confirmed",
)
LOCATION_URL = "http://relay.test:8000/l/" + "k" * 48
LONG_FEEDBACK = "She was wonderful with patients and asked great questions about the X-rays. " * 6
DAY_CONTEXT = {
    "day": DAY,
    "student": STUDENT,
    "mentor": MENTOR,
    "site": SITE_NAME,
    "confirm_url": LOCATION_URL,
    "links": {},
}

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
    "sms/checkin_ack": {
        "at": NOW,
        "site": SITE_NAME,
        "unscheduled": True,
        "location_url": LOCATION_URL,
        "mentor": MENTOR,
        "student": STUDENT,
    },
    "sms/checkin_already": {"at": NOW, "checked_out": NOW, "site": SITE_NAME},
    "sms/checkin_which": {"options": [(1, SITE_NAME), (2, "Lincoln Park Veterinary Hospital and Animal Shelter")]},
    "sms/no_placement": {},
    "sms/goals_ack": {"site": SITE_NAME},
    "sms/checkout_ack": {"at": NOW, "hours": Decimal("6.05"), "mentor": MENTOR},
    "sms/checkout_already": {"at": NOW, "site": SITE_NAME},
    "sms/checkout_without_checkin": {},
    "sms/day_confirmed": {**DAY_CONTEXT, "feedback": "Great day with the X-rays!"},
    "sms/day_disputed": {**DAY_CONTEXT, "feedback": "She didn't come in today."},
    "sms/checkin_nudge": {"site": SITE_NAME, "start": NOW},
    "sms/day_closed": {"at": NOW, "hours": Decimal("6"), "site": SITE_NAME, "mentor": MENTOR},
    "email/mentor_confirm": DAY_CONTEXT,
    "email/mentor_reminder": DAY_CONTEXT,
    "email/mentor_clarify": DAY_CONTEXT,
    "email/mentor_digest": {"days": [DAY, DAY], "links": {"day_42_url": LOCATION_URL}},
    "email/digest_clarify": {"count": 3},
    "email/day_disputed": {**DAY_CONTEXT, "feedback": "She didn't come in today."},
    "email/second_answer": {
        **DAY_CONTEXT,
        "first": "was here",
        "second": "wasn't here",
        "feedback": "Sorry, wrong day",
        "changed": True,
    },
    "email/coordinator_digest": {
        "today": date(2026, 3, 10),
        "no_shows": [PLACEMENT],
        "disputes": [DAY],
        "unanswered": [DAY],
        "feedback": [DAY],
        "unscheduled": [DAY],
        "no_checkout": [DAY],
    },
    "web/checkin_location": {"view": VIEW, "error": None},
    "web/dev_outbox": {
        "phone": PERSON.phone,
        "students": [PERSON],
        "days": [DAY],
        "names": {},
        "messages": [
            {
                "id": 1,
                "channel": "email",
                "status": "sent",
                "subject": "Please confirm",
                "to": "ruth@example.org",
                "to_name": "Ruth",
                "from": "relay@relay.test",
                "body": "Was Maya here?",
                "reply_to": "reply+x@relay.test",
                "template": "email/mentor_confirm",
                "created_at": NOW,
                "held_until": None,
            }
        ],
    },
}
