"""A sample context for every person-facing template, so each one is rendered by a test.

Add a sample here when you add a template; test_templates fails for a template without one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from tests.unit.dashboard_samples import DASHBOARD_SAMPLES
from tests.unit.directory_samples import DIRECTORY_SAMPLES
from web import hours_chart, region_admin
from web import sharing as sharing_pages
from workflow.attendance.jobs import ExpiryNotice
from workflow.evaluations import EvaluationView
from workflow.learning_record import LearningRecord, Week
from workflow.region.network import NetworkRow
from workflow.region.overview import Overview, SchoolFigures, totals
from workflow.region.supply_demand import FieldRow

ZONE = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 10, 22, 15, tzinfo=UTC)
SCHOOL = SimpleNamespace(name="Lincoln High School", locale="en", timezone="America/Los_Angeles", zone=ZONE)
PERSON = SimpleNamespace(
    name="Maya Lopez", first_name="Maya", email="maya@example.org", phone="+15555550123", school_id=1
)

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
    reflection="Learned to read a chest X-ray.\nThe technician showed me how contrast works.",
    placement=PLACEMENT,
    mentor_feedback="Great questions about imaging today.",
    unscheduled=False,
    status="confirmed",
)
STAFF = SimpleNamespace(
    name="Casey Rivera", role="coordinator", school_name="Lincoln High School", csrf_token="c" * 64, is_coordinator=True
)
API_TOKEN = SimpleNamespace(id=7, label="District data sync", created_at=NOW, last_used_at=None, revoked_at=None)
LOCATION_URL = "http://relay.test:8000/l/" + "k" * 48
SHORT_URL = "https://relay.lincoln-high.org/t/Xk3p9Q2m"  # texts carry short links (messaging.short_links)
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

OPPORTUNITY = SimpleNamespace(
    id=7,
    title="Radiology assistant",
    field="health",
    capacity=2,
    description="Help the X-ray team.",
    school_id=1,
    site=SimpleNamespace(name=SITE_NAME),
    mentor=SimpleNamespace(name=MENTOR.name, email=MENTOR.email, phone="+15555550142"),
    school=SCHOOL,
)
REQUEST = SimpleNamespace(
    id=3,
    status="pursuing",
    opportunity=OPPORTUNITY,
    student=STUDENT,
    reason=None,
    pursue_until=NOW,
    updated_at=NOW,
    days="Tue Thu",
    start_time=time(9, 0),
    end_time=time(15, 0),
    start_date=date(2026, 3, 3),
    end_date=date(2026, 5, 29),
)
REQUEST_CONTEXT = {
    "request": REQUEST,
    "opportunity": OPPORTUNITY,
    "student": STUDENT,
    "mentor": MENTOR,
    "decide_url": LOCATION_URL,
    "links": {},
}
PROSPECT = SimpleNamespace(name="Acme Robotics", address="2 Main St", field="engineering", contact="Jo at the desk")
STUDENT_PAGE = {"csrf": "x" * 32, "note": "Saved to your favourites.", "status_words": {"pursuing": "Approved"}}

SAMPLES: dict[str, dict[str, Any]] = {
    "sms/student_link": {"pages_url": LOCATION_URL, "search": "nursing", "ready": False},
    "sms/request_waiting": {"opportunity": OPPORTUNITY, "site": SITE_NAME, "place": 12},
    "sms/request_offered": {"opportunity": OPPORTUNITY, "site": SITE_NAME},
    "sms/request_approved": {"opportunity": OPPORTUNITY, "site": SITE_NAME, "mentor": OPPORTUNITY.mentor, "until": NOW},
    "sms/request_denied": {"opportunity": OPPORTUNITY, "site": SITE_NAME, "reason": "She needs a second reference."},
    "sms/pursuit_reminder": {"site": SITE_NAME, "until": NOW},
    "sms/pursuit_ended": {"site": SITE_NAME},
    "sms/start_approved": {"request": REQUEST, "site": SITE_NAME},
    "sms/start_sent": {"request": REQUEST, "site": SITE_NAME},
    "sms/ready_ask": {
        "said": SimpleNamespace(days="Tue Thu", start=time(9, 0), end=time(15, 0), first=None, last=None),
        "missing": ("dates",),
        "problem": "",
        "pages_url": LOCATION_URL,
    },
    "sms/start_denied": {"site": SITE_NAME, "reason": "Please pick days that don't clash with chemistry."},
    "email/request_decide": {**REQUEST_CONTEXT, "others": SimpleNamespace(named=[REQUEST], elsewhere=1), "taken": 1},
    "email/request_clarify": REQUEST_CONTEXT,
    "email/pursuit_ended": REQUEST_CONTEXT,
    "email/mentor_pursuit_ended": {**REQUEST_CONTEXT, "person": MENTOR},
    "email/start_decide": REQUEST_CONTEXT,
    "email/start_reminder": REQUEST_CONTEXT,
    "email/start_escalated": {**REQUEST_CONTEXT, "advisor": MENTOR},
    "email/start_blocked": {
        **REQUEST_CONTEXT,
        "problems": ["Dr. Ruth Chen-Okafor's background check expired on Jan 2"],
    },
    "email/start_approved": REQUEST_CONTEXT,
    "email/mentor_welcome": REQUEST_CONTEXT,
    "email/mentor_student_coming": {**REQUEST_CONTEXT, "person": MENTOR, "until": NOW},
    "email/placement_started": REQUEST_CONTEXT,
    "email/prospect_blocked": {"prospect": PROSPECT, "student": STUDENT},
    "email/prospect_suggested": {"prospect": PROSPECT, "student": STUDENT},
    "email/answer_refused": {"why": "This request is denied, so it can't be approved.", "subject": "Re: Approve Maya?"},
    "web/link_button": {
        "view": SimpleNamespace(title="Hi Maya!", intro="Open your page.", choices=[("open", "Open")]),
        "error": None,
    },
    "web/s_find": {
        **STUDENT_PAGE,
        "results": [OPPORTUNITY],
        "fields": ["health"],
        "q": "x-ray",
        "field": "health",
        "favourites": {7},
        "wishlist": ["nursing"],
    },
    "web/s_requests": {
        **STUDENT_PAGE,
        "requests": [REQUEST],
        "weekdays": ("Mon", "Tue"),
        "kept": {"again": "3", "days": "Tue", "start_time": "09:00"},
    },
    "web/s_suggest": STUDENT_PAGE,
    "web/s_signed_out": {},
    "web/link_action": {"view": VIEW, "error": None},
    "web/link_confirm_day": {"day": DAY, "student": STUDENT, "site": SITE_NAME, "hours": Decimal("6.05")},
    "web/link_share_location": {"site": SITE_NAME},
    "web/link_decide_request": {
        "request": REQUEST,
        "reason": "",
        "start": False,
        "others": SimpleNamespace(named=[REQUEST], elsewhere=1),
        "why": "This request is denied, so it can't be approved.",
        "problems": ["Dr. Ruth Chen-Okafor's background check expired on Jan 2, 2026"],
    },
    "web/link_open_pages": {},
    "web/refusals": {
        "state": "denied",
        "event": "approve",
        "date": "Tue Mar 10",
        "first": "Mon Mar 2",
        "last": "Fri Jun 12",
        "name": "Maya Lopez",
    },
    "web/student_notes": {"field": "nursing"},
    "web/form_errors": {},
    "web/api_docs": {"openapi_url": "/openapi.json"},
    "web/api_tokens": {"staff": STAFF, "here": "api_tokens", "tokens": [API_TOKEN], "created": None, "error": None},
    "web/api_errors": {"megabytes": 1, "max_days": 366, "problems": "status: Input should be 'confirmed' or 'missed'"},
    "web/link_done": {"outcome": "Thanks: Maya's day is confirmed.", "again": False},
    "web/link_used": {"outcome": "Confirmed by Dr. Ruth Chen by email.", "used_at": NOW},
    "web/link_expired": {},
    "web/link_invalid": {},
    "web/not_found": {},
    "web/bad_request": {},
    "web/home": {},
    "web/staff_sign_in": {"state": "sent", "email": "casey@lincoln.example", "error": None, "per_hour": 5},
    "web/staff_sign_in_link": {"person": SimpleNamespace(name="Casey Rivera", role="coordinator", region=None)},
    "web/staff_sign_in_link_bad": {"why": "expired", "email": ""},
    "web/staff_forbidden": {},
    "web/too_large": {},
    "web/staff_too_large": {},
    "email/sign_in": {
        "sign_in_url": "http://relay.test:8000/dashboard/sign-in/" + "k" * 48,
        "minutes": 15,
        "role": "coordinator",
    },
    "web/error": {},
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
        "location_url": SHORT_URL,
        "mentor": MENTOR,
        "student": STUDENT,
    },
    "sms/checkin_already": {"at": NOW, "checked_out": NOW, "site": SITE_NAME},
    "sms/checkin_which": {"options": [(1, SITE_NAME), (2, "Lincoln Park Veterinary Hospital and Animal Shelter")]},
    "sms/no_placement": {},
    "sms/goals_ack": {"site": SITE_NAME, "unscheduled": True},
    "sms/checkout_ack": {"at": NOW, "hours": Decimal("6.05"), "mentor": MENTOR, "reflected": False},
    "sms/reflection_saved": {},
    "sms/reflection_added": {},
    "sms/checkout_already": {"at": NOW, "site": SITE_NAME},
    "sms/checkout_without_checkin": {},
    "sms/day_confirmed": {**DAY_CONTEXT, "feedback": "Great day with the X-rays!"},
    "sms/day_disputed": {**DAY_CONTEXT, "feedback": "She didn't come in today."},
    "sms/checkin_nudge": {"site": SITE_NAME, "start": NOW},
    "sms/day_settled": {**DAY_CONTEXT, "settled": "confirmed"},
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
        "expiring": [ExpiryNotice("background_check", MENTOR, date(2026, 4, 9), 30)],  # type: ignore[arg-type]
    },
    "web/checkin_location": {"view": VIEW, "error": None},
    "web/dev_outbox": {
        "phone": PERSON.phone,
        "students": [PERSON],
        "days": [DAY],
        "names": {},
        "zone_name": "PDT",
        "messages": [
            {
                "id": "in-1",
                "channel": "sms",
                "direction": "in",
                "status": "processed",
                "from": PERSON.phone,
                "from_name": "Maya",
                "body": "STOP",
                "template": "inbound",
                "created_at": NOW,
                "carrier_word": "STOP",
                "opt_out": True,
            },
            {
                "id": 1,
                "channel": "email",
                "direction": "out",
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
            },
        ],
    },
}
SAMPLES.update(DASHBOARD_SAMPLES)  # Today and Needs attention
SAMPLES.update(DIRECTORY_SAMPLES)  # People & places

# -- fixing the record and deciding (web/days.py, web/decisions.py, web/students.py) ---------------
from datetime import timedelta  # noqa: E402

from workflow.compliance import Problem, Standing  # noqa: E402
from workflow.models import DayStatus  # noqa: E402
from workflow.oversight.attention import DayItem, Decision, Pursuer  # noqa: E402
from workflow.oversight.mentor import (  # noqa: E402
    DocumentLine,
    FeedbackLine,
    MentorRecord,
    StartLine,
    StudentLine,
)
from workflow.oversight.student import (  # noqa: E402
    Correction,
    DayLine,
    FavouriteLine,
    HistoryLine,
    PlacementLine,
    RequestLine,
    StudentRecord,
)
from workflow.oversight.today import PersonRef  # noqa: E402
from workflow.requests.states import State  # noqa: E402

_MAYA, _RUTH = PersonRef(5, STUDENT.name, STUDENT.email), PersonRef(6, MENTOR.name, MENTOR.email)
_CHANGE = Correction(
    NOW, "coordinator:2 Casey Rivera", "day.resolved", "Ruth confirmed by phone.", {}, {"status": "confirmed"}
)
_DAY_ITEM = DayItem(
    42,
    DAY.date,
    _MAYA,
    SITE_NAME,
    _RUTH,
    DayStatus.disputed,
    DAY.check_in_at,
    DAY.check_out_at,
    DAY.hours,
    "Not here.",
    NOW,
    NOW,
)
_DAY_LINE = DayLine(
    42,
    9,
    DAY.date,
    SITE_NAME,
    DayStatus.confirmed,
    DAY.check_in_at,
    DAY.check_out_at,
    DAY.hours,
    DAY.goals,
    DAY.mentor_feedback,
    "dashboard",
    False,
    False,
    120,
    [_CHANGE],
    DAY.reflection,
)
_RECORD = StudentRecord(
    _MAYA,
    PERSON.phone,
    PersonRef(7, "Alex Kim", "alex@lincoln.example"),
    [
        PlacementLine(
            9,
            SITE_NAME,
            _RUTH,
            "Tue Thu",
            time(9),
            time(15),
            date(2026, 3, 3),
            date(2026, 5, 29),
            "active",
            ["Dr. Ruth Chen-Okafor's background check expired on Jan 2, 2026"],
        )
    ],
    [_DAY_LINE],
    [
        RequestLine(
            3,
            OPPORTUNITY.title,
            SITE_NAME,
            State.pursuing,
            NOW,
            NOW,
            None,
            [HistoryLine(NOW, "Casey Rivera", "request.approved", "dashboard", "Good fit.")],
        )
    ],
    ["healthcare", "veterinary medicine"],
    [FavouriteLine(4, OPPORTUNITY.title, SITE_NAME, False)],
)
_PROBLEM = Problem(6, MENTOR.name, "background_check", Standing.expired, date(2026, 1, 2))
_MENTOR_RECORD = MentorRecord(
    mentor=_RUTH,
    phone="+15555550199",
    site=SITE_NAME,
    active=True,
    students=[
        StudentLine(9, _MAYA, SITE_NAME, "Tue Thu", time(9), time(15), date(2026, 3, 3), date(2026, 5, 29), "active")
    ],
    starts=[StartLine(3, _MAYA, OPPORTUNITY.title)],
    asked=12,
    answered=11,
    median_answer=timedelta(hours=3, minutes=20),
    feedback=[FeedbackLine(42, DAY.date, _MAYA, "confirmed", "Great with the patients today.")],
    feedback_count=4,
    documents=[
        DocumentLine(
            "background_check", True, Standing.expired, "valid", date(2026, 1, 2), "Paper copy in the office", NOW
        ),
        DocumentLine("tb_test", True, Standing.missing, None, None, "", None),
        DocumentLine("first_aid", False, Standing.expiring, "valid", date(2026, 3, 30), "", NOW),
    ],
    problems=[_PROBLEM, Problem(6, MENTOR.name, "tb_test", Standing.missing, None)],
    kinds=("background_check", "tb_test"),
)
EVALUATION_VIEWS = [
    EvaluationView(
        evaluation_id=5,
        placement_id=9,
        site=SITE_NAME,
        mentor="Dr. Ruth Chen-Okafor",
        moment="end",
        status="answered",
        start_date=date(2026, 1, 12),
        end_date=date(2026, 5, 29),
        levels=[
            ("Personal Qualities", 4, "Exceeds"),
            ("Communication", 3, "Meets"),
            ("Quantitative Reasoning", 3, "Meets"),
            ("Empirical Reasoning", 2, "Approaching"),
            ("Social Reasoning", 4, "Exceeds"),
        ],
        comment="A great year: Maya grew in confidence with patients.",
        endorsement="I recommend Maya without reservation: curious, reliable and kind.",
        endorsement_waiting=False,
        answered_at=NOW,
        student_rating=5,
        student_comment="Loved the X-ray team",
    ),
    EvaluationView(
        9,
        8,
        "Westfield Robotics",
        "Sam Patel",
        "mid",
        "reminded",
        date(2025, 9, 1),
        date(2025, 12, 19),
        [],
        None,
        None,
        True,
        None,
        None,
        None,
    ),
]
_DECISION = Decision(
    3,
    "request",
    _MAYA,
    OPPORTUNITY.title,
    SITE_NAME,
    NOW,
    timedelta(days=2),
    [Pursuer(_RUTH, State.pursuing)],
    2,
)
_ENTRY = SimpleNamespace(at=NOW, action="request.created", channel="sms", detail={"reason": "Keen on imaging."})
_FIXING = {"staff": STAFF, "zone": ZONE, "error": "Please give a reason: it is kept with the change.", "note": "Done."}
SAMPLES.update(
    {
        "web/staff_fix_notes": {"n": 2},
        "web/staff_day": {
            **_FIXING,
            "here": "days",
            "day": SimpleNamespace(
                **vars(DAY),
                later_answers=[{"present": True, "via": "email", "feedback": "Sorry!"}],
                confirmed_via="dashboard",
                confirmed_at=NOW,
            ),
            "placement": SimpleNamespace(**vars(PLACEMENT), student_id=5),
            "corrections": [(_CHANGE, "Casey Rivera")],
            "form": {"status": "confirmed", "check_in": "09:02", "check_out": "15:05", "reason": ""},
        },
        "web/staff_days": {
            **_FIXING,
            "here": "days",
            "showing": "disputed",
            "lists": ("disputed", "pending", "no_checkout"),
            "days": [_DAY_ITEM],
            "chosen": [42],
            "reason": "",
        },
        "web/staff_student": {
            **_FIXING,
            "here": "students",
            "record": _RECORD,
            "evaluations": EVALUATION_VIEWS,
            "adding": 9,
            "entered": {"date": "2026-03-09", "check_in": "09:00", "check_out": "15:00", "reason": ""},
        },
        "web/staff_mentor": {
            **_FIXING,
            "here": "mentors",
            "record": _MENTOR_RECORD,
            "entered": {"kind": "first aid", "status": "valid", "expires_on": "", "note": ""},
            "statuses": ("valid", "pending", "rejected"),
        },
        "web/staff_requests": {**_FIXING, "here": "requests", "decisions": [_DECISION], "chosen": [], "reason": ""},
        "web/staff_request": {
            **_FIXING,
            "here": "requests",
            "request": SimpleNamespace(**vars(REQUEST), student_id=5, requested_at=NOW),
            "opportunity": OPPORTUNITY,
            "others": [REQUEST],
            "others_elsewhere": 1,
            "history": [(_ENTRY, "Maya Lopez-Hernandez")],
            "may_decide": True,
            "reason": "",
            "ours": False,
            "student_school": "Roosevelt High",
            "owner": None,
        },
    }
)

# -- the region (web/sharing.py, web/region_admin.py) -------------------------------------------------

_FIELDS = [
    FieldRow("health", 1, 2, 1, 6, 3, 1),
    FieldRow("education", 4, 0, 7, 2, 1, 2),
]
_REGION_SCHOOLS = [
    SchoolFigures("Lincoln High", {"health": 1, "education": 4}, 5, 2, 1, 0, 1, 0),
    SchoolFigures("Roosevelt High", {"health": 3}, 3, 1, 0, 1, 0, 1),
]
_OVERVIEW = Overview("Bay Region", ["education", "health"], _REGION_SCHOOLS)
_ADMIN = SimpleNamespace(name="Dana Ruiz", region="Bay Region", csrf_token="c" * 64)
_OPPORTUNITY_ROW = SimpleNamespace(**{**vars(OPPORTUNITY), "shared_with_region": True})
SAMPLES.update(
    {
        "email/request_copied": {**REQUEST_CONTEXT, "owner": "Roosevelt High", "decision": "denied"},
        "web/staff_supply_demand": {
            **_FIXING,
            "here": "supply_demand",
            "rows": _FIELDS,
            "chart": sharing_pages.chart(_FIELDS),
            "region": "Bay Region",
        },
        "web/staff_opportunities": {
            **_FIXING,
            "here": "opportunities",
            "own": [_OPPORTUNITY_ROW],
            "shared_in": [_OPPORTUNITY_ROW],
            "region": "Bay Region",
        },
        "web/region_overview": {
            "admin": _ADMIN,
            "here": "overview",
            "found": _OVERVIEW,
            "totals": totals(_OVERVIEW),
            "chart": region_admin.fields_chart(_OVERVIEW),
        },
        "web/region_network": {
            "admin": _ADMIN,
            "here": "network",
            "today": date(2026, 3, 10),
            "rows": [
                NetworkRow("Bay Region", 12, 10, 4, 11.3, 640.5, 0.912, 37),
                NetworkRow("All regions", 30, 25, 9, 10.0, 1500.0, None, 80),
            ],
        },
    }
)

# Evaluations (workflow.evaluations): the mentor's email and page, the student's texts.
EVALUATION = SimpleNamespace(id=5, moment="end", status="asked")
GOAL_CHOICES = {
    "goals": [
        ("personal_qualities", "Personal Qualities"),
        ("communication", "Communication"),
        ("quantitative_reasoning", "Quantitative Reasoning"),
        ("empirical_reasoning", "Empirical Reasoning"),
        ("social_reasoning", "Social Reasoning"),
    ],
    "levels": [(4, "Exceeds"), (3, "Meets"), (2, "Approaching"), (1, "Below")],
}
EVALUATION_CONTEXT = {
    "evaluation": EVALUATION,
    "student": STUDENT,
    "mentor": MENTOR,
    "site": SITE_NAME,
    "evaluation_url": LOCATION_URL,
    **GOAL_CHOICES,
}
SAMPLES.update(
    {
        "email/evaluation_request": {**EVALUATION_CONTEXT, "reminder": True},
        "email/evaluation_clarify": {
            **EVALUATION_CONTEXT,
            "known": [("Personal Qualities", 4, "Exceeds"), ("Communication", 3, "Meets")],
            "missing": ["Quantitative Reasoning", "Empirical Reasoning", "Social Reasoning"],
        },
        "email/evaluation_escalated": EVALUATION_CONTEXT,
        "email/evaluation_saved": {
            **EVALUATION_CONTEXT,
            "levels": EVALUATION_VIEWS[0].levels,
            "recommendation": True,
        },
        "sms/evaluation_rate": EVALUATION_CONTEXT,
        "sms/evaluation_rate_again": EVALUATION_CONTEXT,
        "sms/evaluation_rated": {**EVALUATION_CONTEXT, "rating": 5, "ask_consent": True},
        "sms/evaluation_consent_ask": EVALUATION_CONTEXT,
        "sms/evaluation_consent_again": EVALUATION_CONTEXT,
        "sms/evaluation_consent_ack": {**EVALUATION_CONTEXT, "consent": True},
        "web/link_evaluation": {  # the page (.html) and its copy (.txt)
            **EVALUATION_CONTEXT,
            "view": SimpleNamespace(**{**vars(VIEW), "title": "How did Maya do at Riverside Clinic?"}),
            "error": "Please choose a level for Social Reasoning.",
            "endorsement_label": "Recommendation (optional)",
            "placement": SimpleNamespace(start_date=date(2026, 1, 12), end_date=date(2026, 5, 29)),
            "missing": ["Social Reasoning"],
        },
    }
)
# The student's own record: a requirement of 80 hours, three weeks with hours, one still waiting.
_LEARNING = LearningRecord(
    _RECORD,
    Decimal(80),
    [
        Week(date(2026, 2, 23), Decimal("6.05"), Decimal(0)),
        Week(date(2026, 3, 2), Decimal(0), Decimal(0)),
        Week(date(2026, 3, 9), Decimal("12.1"), Decimal("5.5")),
    ],
    _RECORD.days,
)
SAMPLES["web/s_record"] = {
    **STUDENT_PAGE,
    "learning": _LEARNING,
    "chart": hours_chart.chart(_LEARNING.weeks),
    "today": date(2026, 3, 12),
    "evaluations": EVALUATION_VIEWS,
}
# -- the reports (web/reports.py) ---------------------------------------------------------------------
from web.charts import Series, bar_chart  # noqa: E402
from web.report_period import Period, Sort  # noqa: E402
from workflow.reports.feedback import Comment  # noqa: E402
from workflow.reports.hours import GroupLine  # noqa: E402
from workflow.reports.hours import StudentLine as HoursLine  # noqa: E402
from workflow.reports.tally import Tally  # noqa: E402
from workflow.reports.weekly import Week as ReportWeek  # noqa: E402

_TALLY = Tally(Decimal("17.00"), Decimal("12.00"), 3, 2, 0, 4, 1, 1)
_WEEKS = [ReportWeek(date(2026, 10, 19), _TALLY), ReportWeek(date(2026, 10, 26), Tally())]
_PERIOD = Period(date(2026, 9, 1), date(2026, 12, 31), True, None)
_REPORT = {"staff": STAFF, "here": "reports", "period": _PERIOD, "sort": Sort("name", False)}
_CHART = bar_chart(
    "Attendance by week", ["Oct 19", "Oct 26"], [Series("Present", [5, 0], "good"), Series("Missed", [4, 0])]
)
SAMPLES.update(
    {
        "web/report_words": {
            "value": "2026-13-01",
            "max_days": 366,
            "earliest": 1900,
            "latest": 2999,
            "since": "Sep 1, 2026",
            "until": "Dec 31, 2026",
        },
        "web/report_hours": {
            **_REPORT,
            "tab": "hours",
            "students": [HoursLine(5, "Maya Lopez", "maya@example.org", Decimal("80"), _TALLY)],
            "totals": _TALLY,
            "required_total": Decimal("80"),
            "weeks": _WEEKS,
            "chart": _CHART,
        },
        "web/report_sites": {
            **_REPORT,
            "tab": "sites",
            "sites": [GroupLine(3, SITE_NAME, _TALLY, 7.5)],
            "mentors": [GroupLine(6, MENTOR.name, _TALLY, None)],
            "totals": _TALLY,
        },
        "web/report_student": {
            **_REPORT,
            "tab": "hours",
            "student_id": 5,
            "student_name": "Maya Lopez",
            "weeks": _WEEKS,
            "chart": _CHART,
            "totals": _TALLY,
            "days": [
                {
                    "date": "2026-11-01",
                    "site": SITE_NAME,
                    "status": "confirmed",
                    "check_in_at": "2026-11-01T00:30:00-04:00",
                    "check_out_at": "2026-11-01T04:30:00-05:00",
                    "hours": 5.0,
                    "mentor_feedback": "Great day",
                },
                {
                    "date": "2026-11-03",
                    "site": SITE_NAME,
                    "status": "missed",
                    "check_in_at": None,
                    "check_out_at": None,
                    "hours": None,
                    "mentor_feedback": None,
                },
            ],
        },
        "web/report_feedback": {
            **_REPORT,
            "tab": "feedback",
            "comments": [
                Comment(
                    42,
                    date(2026, 10, 20),
                    5,
                    STUDENT.email,
                    STUDENT.name,
                    SITE_NAME,
                    MENTOR.email,
                    MENTOR.name,
                    "confirmed",
                    "Great day with the X-rays",
                    "email",
                    NOW,
                )
            ],
            "most": 1000,
            "students": [(5, "Maya Lopez")],
            "sites": [(3, SITE_NAME)],
            "student_id": 5,
            "site_id": None,
            "search": "x-rays",
            "zone": ZONE,
            "filters": "q=x-rays",
        },
    }
)
