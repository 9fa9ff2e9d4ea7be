"""Finding and starting an internship, through the front doors: signed webhooks (FIND, READY,
CHECKIN), the student's pages behind the texted link, and replies over SMTP with smtplib."""

from __future__ import annotations

import functools
import html
import re
import smtplib
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from messaging import student_cookie
from messaging.inbound.handling.actions import placements
from messaging.models import ActionToken, OutboundMessage
from relay.dev import mail as dev_mail
from relay.jobs import _domain_runner
from relay.processes import start_worker
from relay.runtime import Runtime
from tests.support import builders, inbound, servers, services
from tests.support.processes import relay, relay_env, web_up
from tests.support.waiting import wait_until
from web import student_session
from workflow import requests
from workflow.base import utcnow
from workflow.models import ComplianceDocument, InternshipRequest, Opportunity, Person, Placement, Role

PUBLIC = "http://relay.test:8000"
ZONE = ZoneInfo("America/Los_Angeles")  # the schools' zone in these tests


def school_today() -> date:
    """Today where the school is, as the code reckons it (the UTC date is a day ahead after 4pm there)."""
    return utcnow().astimezone(ZONE).date()


@dataclass
class Town:
    runtime: Runtime
    base: str
    smtp: tuple[str, int]
    opportunity_id: int


@pytest.fixture
def town(make_runtime: Any, backend: dict[str, Any]) -> Any:
    runtime = make_runtime(**backend, quiet_hours="00:00-00:00")
    runtime.extra["workers"] = [start_worker(runtime, threads=4)]
    with runtime.sessions.begin() as session:
        lincoln = builders.school(session, name="Lincoln High", region="Bay")
        builders.person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@example.org")
        alan = builders.person(session, lincoln, Role.advisor, "Alan Park", "alan@example.org")
        clinic = builders.site(session, lincoln, "Riverside Clinic")
        builders.site(session, lincoln, "Acme Corp", do_not_solicit=True)
        ruth = builders.person(
            session, lincoln, Role.mentor, "Ruth Chen", "ruth@example.org", phone="+15555550142", site_id=clinic.id
        )
        for i, name in enumerate(("Maya Lopez", "Sam Ortiz")):
            builders.person(
                session,
                lincoln,
                Role.student,
                name,
                f"{name.split()[0].lower()}@example.org",
                phone=f"+1555555010{i}",
                advisor_id=alan.id,
            )
        opportunity = Opportunity(
            school_id=lincoln.id,
            site_id=clinic.id,
            mentor_id=ruth.id,
            title="Radiology assistant",
            field="health",
            capacity=1,
            description="Help the X-ray team.",
        )
        session.add_all(
            [
                opportunity,
                ComplianceDocument(
                    mentor_id=ruth.id,
                    kind="background_check",
                    status="valid",
                    expires_on=school_today() + timedelta(days=300),
                ),
            ]
        )
        session.flush()
        opportunity_id = opportunity.id
    with servers.web(runtime) as base, servers.smtp(runtime) as smtp:
        yield Town(runtime, base, smtp, opportunity_id)


def text(town: Town, phone: str, body: str) -> None:
    params = {
        "MessageSid": f"SM{utcnow().timestamp():.6f}{phone}".replace(".", "").replace("+", ""),
        "From": phone,
        "To": "+15005550006",
        "Body": body,
    }
    token = town.runtime.context.config.twilio_auth_token
    signature = RequestValidator(token).compute_signature(f"{PUBLIC}/sms/inbound", params)
    assert (
        httpx.post(f"{town.base}/sms/inbound", data=params, headers={"X-Twilio-Signature": signature}).status_code
        == 200
    )


def sent(town: Town, to: str, template: str, count: int = 1) -> OutboundMessage:
    def found() -> list[OutboundMessage] | None:
        with town.runtime.sessions() as session:
            rows = list(
                session.scalars(
                    select(OutboundMessage)
                    .where(OutboundMessage.to_address == to, OutboundMessage.template == template)
                    .order_by(OutboundMessage.id)
                )
            )
        return rows if len(rows) >= count else None

    return wait_until(found, timeout=20, what=f"{template} to {to}")[count - 1]


def open_pages(
    town: Town, phone: str, word: str = "FIND", count: int = 1, answer: str = "sms/student_link"
) -> httpx.Client:
    """Text FIND (or READY), open the texted link, press the button: a browser with the session."""
    text(town, phone, word)
    path = inbound.signed_path(town.base, sent(town, phone, answer, count).body_text)
    client = httpx.Client(base_url=town.base)
    page = client.get(path)
    assert page.status_code == 200 and "Open my page" in page.text
    assert client.post(path, data={}).status_code == 400, "a blind submit opens nothing"
    opened = client.post(path, data={"choice": "open"})
    assert opened.status_code == 303 and student_cookie.COOKIE in client.cookies
    return client


def csrf(client: httpx.Client, path: str = "/s/") -> str:
    found = re.search(r'name="csrf" value="(\w+)"', client.get(path).text)
    assert found
    return found.group(1)


def reply(town: Town, original: OutboundMessage, sender: str, body: str) -> None:
    message = dev_mail.gmail_reply(dev_mail.Original.from_row(original), sender=sender, text=body)
    with smtplib.SMTP(*town.smtp, timeout=10) as client:
        client.send_message(message, from_addr=sender, to_addrs=[original.reply_to or ""])


def status_of(town: Town, student_email: str) -> list[str]:
    with town.runtime.sessions() as session:
        return [
            r.status
            for r in session.scalars(
                select(InternshipRequest)
                .join(InternshipRequest.student)
                .where(Person.email == student_email)
                .order_by(InternshipRequest.id)
            )
        ]


def test_find_with_spaces_and_symbols_opens_that_very_search(town: Town) -> None:
    """The search rides in the link's query string, encoded: spaces, "&" and "#" (which SMS
    keeps) arrive as typed instead of cutting the search short."""
    text(town, "+15555550100", "FIND nursing & dental #2")
    path = inbound.signed_path(town.base, sent(town, "+15555550100", "sms/student_link").body_text)
    with httpx.Client(base_url=town.base) as browser:
        opened = browser.post(path, data={"choice": "open"})
        assert opened.status_code == 303 and opened.headers["location"] == "/s/?q=nursing+dental+%232"
        page = browser.get(opened.headers["location"])
    assert page.status_code == 200 and 'name="q" value="nursing dental #2"' in page.text

    with town.runtime.sessions() as session:
        maya = session.scalars(select(Person).where(Person.email == "maya@example.org")).one()
        token = ActionToken(payload={"search": "nursing & dental"})
        opened_link = placements.OpenStudentPages().act(session, token, maya, {"choice": "open"}, utcnow())
    assert opened_link.redirect == "/s/?q=nursing+%26+dental"


def test_request_approved_by_reply_then_the_window_lapses_and_the_next_student_is_offered(town: Town) -> None:
    maya = open_pages(town, "+15555550100")
    assert "Radiology assistant" in maya.get("/s/?q=x-ray").text
    done = maya.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(maya)}, follow_redirects=True)
    assert "Sent! Your coordinator will decide" in html.unescape(done.text)
    again = maya.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(maya)}, follow_redirects=True)
    assert "You already asked for this one: your request is waiting for the coordinator." in html.unescape(again.text)
    decide = sent(town, "cora@example.org", "email/request_decide")
    assert decide.subject == "Approve Maya Lopez for Radiology assistant at Riverside Clinic?"
    assert "No one else is pursuing Riverside Clinic" in decide.body_text
    sam = open_pages(town, "+15555550101")
    waiting = sam.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(sam)}, follow_redirects=True)
    assert "you're in line" in html.unescape(waiting.text) and status_of(town, "sam@example.org") == ["waiting"]

    reply(town, decide, "cora@example.org", "Approved, good luck Maya!")
    contact = sent(town, "+15555550100", "sms/request_approved")
    assert "Contact Ruth Chen at Riverside Clinic: ruth@example.org, +15555550142" in contact.body_text
    assert status_of(town, "maya@example.org") == ["pursuing"]

    _domain_runner(requests.pursuit_jobs)(utcnow() + timedelta(days=12))  # three days left
    assert "3 days left" in sent(town, "+15555550100", "sms/pursuit_reminder").body_text
    _domain_runner(requests.pursuit_jobs)(utcnow() + timedelta(days=15))  # the window has ended
    assert status_of(town, "maya@example.org") == ["expired"]
    assert "place went back to other students" in sent(town, "+15555550100", "sms/pursuit_ended").body_text
    sent(town, "cora@example.org", "email/pursuit_ended")
    mentor = sent(town, "ruth@example.org", "email/mentor_pursuit_ended")  # Maya had Ruth's contact details
    assert mentor.subject == "Maya Lopez is no longer pursuing the Radiology assistant internship"
    assert "no need to hold a place for Maya" in mentor.body_text and "maya@example.org" not in mentor.body_text
    assert status_of(town, "sam@example.org") == ["requested"]
    assert "a place opened at Riverside Clinic" in sent(town, "+15555550101", "sms/request_offered").body_text
    offered = sent(town, "cora@example.org", "email/request_decide", count=2)
    assert offered.subject == "Approve Sam Ortiz for Radiology assistant at Riverside Clinic?"


def _approved_and_ready(town: Town) -> tuple[httpx.Client, OutboundMessage]:
    maya = open_pages(town, "+15555550100")
    maya.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(maya)})
    reply(town, sent(town, "cora@example.org", "email/request_decide"), "cora@example.org", "approve")
    sent(town, "+15555550100", "sms/request_approved")
    ready = open_pages(town, "+15555550100", "READY", answer="sms/ready_ask")  # READY alone: by text, or the page
    page = ready.get("/s/requests")
    assert "Ask to start" in page.text
    request_id = re.search(r'action="/s/start/(\d+)"', page.text)
    assert request_id
    first = school_today()
    form = {
        "csrf": csrf(ready, "/s/requests"),
        "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "start_time": "00:00",
        "end_time": "23:59",
        "start_date": first.isoformat(),
        "end_date": (first + timedelta(days=60)).isoformat(),
    }
    done = ready.post(f"/s/start/{request_id.group(1)}", data=form, follow_redirects=True)
    assert "Sent to your advisor" in html.unescape(done.text)
    decide = sent(town, "alan@example.org", "email/start_decide")
    assert decide.subject == "Approve Maya Lopez's internship at Riverside Clinic?"
    return ready, decide


def test_ready_then_the_advisor_approves_by_reply_and_checkin_works(town: Town) -> None:
    _, decide = _approved_and_ready(town)
    reply(town, decide, "alan@example.org", "Approved. Have a great start!")
    assert "Text CHECKIN when you arrive" in sent(town, "maya@example.org", "email/start_approved").body_text
    subject = sent(town, "ruth@example.org", "email/mentor_welcome").subject
    assert subject is not None and subject.startswith("Maya Lopez starts with you")
    sent(town, "cora@example.org", "email/placement_started")
    assert status_of(town, "maya@example.org") == ["active"]
    with town.runtime.sessions() as session:
        placement = session.scalars(select(Placement)).one()
        assert (placement.status, placement.weekdays) == ("active", "Mon Tue Wed Thu Fri Sat Sun")
    text(town, "+15555550100", "CHECKIN")
    assert sent(town, "+15555550100", "sms/checkin_ack").body_text.startswith("Checked in at ")


def test_ready_by_text_asks_for_what_is_missing_then_the_advisor_is_asked(town: Town) -> None:
    """The README: "then they text READY and send their days, hours and dates". A text without
    them is asked for the rest, and the next text in the conversation answers."""
    maya = open_pages(town, "+15555550100")
    maya.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(maya)})
    reply(town, sent(town, "cora@example.org", "email/request_decide"), "cora@example.org", "approve")
    sent(town, "+15555550100", "sms/request_approved")

    text(town, "+15555550100", "READY tues/thurs 9am-3pm")
    asked = sent(town, "+15555550100", "sms/ready_ask").body_text
    assert asked.startswith("Got Tue Thu 9:00am-3:00pm. Now your dates, like: Jan 12 to Mar 20. Or use your page: ")
    assert status_of(town, "maya@example.org") == ["pursuing"]
    text(town, "+15555550100", "Thrusday")  # a typo is said back, and what was read is kept
    assert "'thrusday' isn't a day, time or date" in sent(town, "+15555550100", "sms/ready_ask", 2).body_text
    text(town, "+15555550100", "1/12 - 3/20")
    answer = sent(town, "+15555550100", "sms/start_sent").body_text
    assert re.match(r"Sent to your advisor: Tue Thu 9:00am-3:00pm, \w{3} Jan 12 to \w{3} Mar 20 at ", answer), answer
    assert "at Riverside Clinic. We'll text you their answer." in answer
    decide = sent(town, "alan@example.org", "email/start_decide")
    assert decide.subject == "Approve Maya Lopez's internship at Riverside Clinic?"
    with town.runtime.sessions() as session:
        request = session.scalars(select(InternshipRequest)).one()
        assert (request.status, request.days, str(request.start_time), str(request.end_time)) == (
            "start_requested",
            "Tue Thu",
            "09:00:00",
            "15:00:00",
        )
        first, last = request.start_date, request.end_date
        assert first and last and first < last and (first.month, first.day, last.month, last.day) == (1, 12, 3, 20)
    reply(town, decide, "alan@example.org", "Approved")
    assert "Your advisor approved your start" in sent(town, "+15555550100", "sms/start_approved").body_text
    assert status_of(town, "maya@example.org") == ["active"]


def test_ready_with_everything_in_one_text_asks_nothing(town: Town) -> None:
    maya = open_pages(town, "+15555550100")
    maya.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(maya)})
    reply(town, sent(town, "cora@example.org", "email/request_decide"), "cora@example.org", "approve")
    sent(town, "+15555550100", "sms/request_approved")
    text(town, "+15555550100", "READY Tue Thu 9-3 from Jan 12 to Mar 20")
    answer = sent(town, "+15555550100", "sms/start_sent").body_text
    assert answer.startswith("Sent to your advisor: Tue Thu 9:00am-3:00pm")
    sent(town, "alan@example.org", "email/start_decide")
    assert status_of(town, "maya@example.org") == ["start_requested"]


def test_ready_with_nothing_approved_says_so_with_the_page(town: Town) -> None:
    text(town, "+15555550100", "READY Tue Thu 9-3 from Jan 12 to Mar 20")
    assert sent(town, "+15555550100", "sms/student_link").body_text.startswith("Nothing to start yet")


def test_the_advisor_denies_with_a_reason_and_the_student_is_told(town: Town) -> None:
    _, decide = _approved_and_ready(town)
    reply(town, decide, "alan@example.org", "Deny - please pick days that don't clash with chemistry")
    told = sent(town, "+15555550100", "sms/start_denied")
    assert 'They said: "please pick days that don\'t clash with chemistry."' in told.body_text
    assert status_of(town, "maya@example.org") == ["pursuing"], "the student may ask again"


def test_an_expired_background_check_blocks_the_start(town: Town) -> None:
    with town.runtime.sessions.begin() as session:
        document = session.scalars(select(ComplianceDocument)).one()
        document.expires_on = school_today() - timedelta(days=1)
    _, decide = _approved_and_ready(town)
    reply(town, decide, "alan@example.org", "Approve")
    blocked = sent(town, "alan@example.org", "email/start_blocked")
    assert "Ruth Chen's background check expired on" in blocked.body_text
    sent(town, "cora@example.org", "email/start_blocked")
    assert status_of(town, "maya@example.org") == ["start_requested"]
    with town.runtime.sessions() as session:
        assert session.scalars(select(Placement)).first() is None
    with town.runtime.sessions.begin() as session:  # renewed: the same email's answer now starts her
        session.scalars(select(ComplianceDocument)).one().expires_on = school_today() + timedelta(days=90)
    reply(town, decide, "alan@example.org", "Approve")
    sent(town, "maya@example.org", "email/start_approved")
    assert status_of(town, "maya@example.org") == ["active"]


def test_a_do_not_solicit_suggestion_is_refused_kindly_and_the_coordinator_told(town: Town) -> None:
    maya = open_pages(town, "+15555550100")
    done = maya.post(
        "/s/suggest",
        data={"csrf": csrf(maya, "/s/suggest"), "name": "ACME corp.", "field": "tech"},
        follow_redirects=True,
    )
    assert "asked schools not to contact them" in html.unescape(done.text).replace("&#39;", "'")
    notice = sent(town, "cora@example.org", "email/prospect_blocked")
    assert notice.subject == "Maya Lopez suggested ACME corp., which asked not to be contacted"
    ok = maya.post("/s/suggest", data={"csrf": csrf(maya, "/s/suggest"), "name": "Bayview Vet"}, follow_redirects=True)
    assert "Your coordinator will look into it" in html.unescape(ok.text)
    sent(town, "cora@example.org", "email/prospect_suggested")


def test_student_pages_need_the_session_and_the_form_token(town: Town) -> None:
    stranger = httpx.Client(base_url=town.base)
    assert stranger.get("/s/").status_code == 401
    assert stranger.get("/s/record").status_code == 401, "a student's record is theirs alone"
    maya = open_pages(town, "+15555550100")
    record = maya.get("/s/record")
    assert record.status_code == 200 and "internship record" in record.text and "No internship days yet." in record.text
    forged = maya.post(f"/s/request/{town.opportunity_id}", data={"csrf": "0" * 32})
    assert forged.status_code == 401 and status_of(town, "maya@example.org") == []


@pytest.mark.parametrize("where", ["one opportunity", "two opportunities at one site"])
def test_two_requests_racing_for_the_last_place_from_two_processes(
    make_runtime: Any, postgres_url: str, redis_url: str, namespace: str, tmp_path: Path, where: str
) -> None:
    """The last place of an opportunity, or the site's last pursuer slot (limit 2, one already
    taken) wanted through two opportunities at once: exactly one request wins it."""
    runtime = make_runtime(database_url=postgres_url, redis_url=redis_url, redis_namespace=namespace)
    with runtime.sessions.begin() as session:
        lincoln = builders.school(session, name="Lincoln High")
        assert lincoln.pursuer_limit == 2
        clinic = builders.site(session, lincoln, "Riverside Clinic")
        ruth = builders.person(session, lincoln, Role.mentor, "Ruth Chen", "ruth@example.org", site_id=clinic.id)
        students = [
            builders.person(session, lincoln, Role.student, f"S{i}", f"s{i}@example.org", phone=f"+155500000{i}")
            for i in range(3)
        ]
        opportunities = [
            Opportunity(school_id=lincoln.id, site_id=clinic.id, mentor_id=ruth.id, title=title, capacity=1)
            for title in ("Last place", "Front desk", "Lab")
        ]
        session.add_all(opportunities)
        session.flush()
        if where == "one opportunity":
            targets = [opportunities[0].id, opportunities[0].id]
        else:
            targets = [opportunities[0].id, opportunities[1].id]
            session.add(  # the site's first pursuer, elsewhere at the clinic
                InternshipRequest(
                    school_id=lincoln.id,
                    student_id=students[2].id,
                    opportunity_id=opportunities[2].id,
                    status=requests.State.pursuing,
                )
            )
        ids = [s.id for s in students[:2]]
    ports = [services.free_port(), services.free_port()]
    envs = [
        relay_env(database_url=postgres_url, redis_url=redis_url, redis_namespace=namespace, http_bind=f"127.0.0.1:{p}")
        for p in ports
    ]
    with relay(["web"], envs[0], tmp_path / "a.log"), relay(["web"], envs[1], tmp_path / "b.log"):
        for port in ports:
            wait_until(functools.partial(web_up, f"http://127.0.0.1:{port}"), timeout=30, what=f"relay web on {port}")
        for _ in range(5):  # several rounds, so the race is really run
            barrier = threading.Barrier(2)
            answers: list[int] = []

            def ask(i: int, barrier: threading.Barrier = barrier, answers: list[int] = answers) -> None:
                cookie = student_cookie.session_value(ids[i])
                barrier.wait()
                answers.append(
                    httpx.post(
                        f"http://127.0.0.1:{ports[i]}/s/request/{targets[i]}",
                        data={"csrf": student_session.form_token(cookie)},
                        cookies={student_cookie.COOKIE: cookie},
                        timeout=10,
                    ).status_code
                )

            threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert answers == [303, 303]
            with runtime.sessions.begin() as session:
                racing = list(session.scalars(select(InternshipRequest).where(InternshipRequest.student_id.in_(ids))))
                assert sorted(r.status for r in racing) == ["requested", "waiting"], "exactly one wins the last place"
                for request in racing:
                    session.delete(request)


def decide_link(message: OutboundMessage) -> str:
    found = re.search(r"http://relay\.test:8000(/l/\w+)", message.body_text)
    assert found, "the email has a link to decide on a page"
    return found.group(1)


def page_text(response: httpx.Response) -> str:
    return html.unescape(response.text)


def test_the_coordinator_denies_by_reply_with_a_reason_and_the_next_student_is_offered(town: Town) -> None:
    maya = open_pages(town, "+15555550100")
    maya.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(maya)})
    decide = sent(town, "cora@example.org", "email/request_decide")
    sam = open_pages(town, "+15555550101")
    sam.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(sam)})
    assert status_of(town, "sam@example.org") == ["waiting"]

    reply(town, decide, "cora@example.org", "Deny - we need someone who can come in the mornings")
    told = sent(town, "+15555550100", "sms/request_denied")
    assert "Reason: we need someone who can come in the mornings" in told.body_text
    assert "a place opened at Riverside Clinic" in sent(town, "+15555550101", "sms/request_offered").body_text
    assert status_of(town, "maya@example.org") == ["denied"] and status_of(town, "sam@example.org") == ["requested"]
    offered = sent(town, "cora@example.org", "email/request_decide", count=2)
    assert offered.subject == "Approve Sam Ortiz for Radiology assistant at Riverside Clinic?"


@pytest.mark.parametrize("choice", ["approve", "deny"])
def test_the_coordinator_decides_a_request_by_link(town: Town, choice: str) -> None:
    maya = open_pages(town, "+15555550100")
    maya.post(f"/s/request/{town.opportunity_id}", data={"csrf": csrf(maya)})
    link = town.base + decide_link(sent(town, "cora@example.org", "email/request_decide"))

    page = httpx.get(link)
    assert page.status_code == 200 and "Approve Maya Lopez's request at Riverside Clinic?" in page_text(page)
    assert httpx.head(link).status_code == 200
    blind = httpx.post(link, data={"comment": "Not this term, sorry"})
    assert blind.status_code == 400 and "Please choose one of the options first." in page_text(blind)
    assert status_of(town, "maya@example.org") == ["requested"], "looking decides nothing"

    done = httpx.post(link, data={"choice": choice, "comment": "Not this term, sorry" if choice == "deny" else ""})
    if choice == "approve":
        outcome, status = "Maya's request is approved.", "pursuing"
        assert "Contact Ruth Chen at Riverside Clinic" in sent(town, "+15555550100", "sms/request_approved").body_text
    else:
        outcome, status = "Maya's request is denied; they will see your reason.", "denied"
        assert "Reason: Not this term, sorry" in sent(town, "+15555550100", "sms/request_denied").body_text
    assert done.status_code == 200 and outcome in page_text(done)
    assert status_of(town, "maya@example.org") == [status]

    other = "deny" if choice == "approve" else "approve"
    again = httpx.post(link, data={"choice": other, "comment": "Changed my mind"})
    assert again.status_code == 200 and "already answered" in page_text(again) and outcome in page_text(again)
    assert "already answered" in page_text(httpx.get(link))
    assert status_of(town, "maya@example.org") == [status], "the first decision stands"


@pytest.mark.parametrize("choice", ["approve", "deny"])
def test_the_advisor_decides_a_start_by_link(town: Town, choice: str) -> None:
    _, decide = _approved_and_ready(town)
    link = town.base + decide_link(decide)

    page = httpx.get(link)
    assert page.status_code == 200 and "Approve Maya Lopez's start at Riverside Clinic?" in page_text(page)
    assert "Mon Tue Wed Thu Fri Sat Sun" in page_text(page), "the schedule the student asked for"
    assert httpx.post(link, data={}).status_code == 400, "a blind submit"
    assert status_of(town, "maya@example.org") == ["start_requested"], "looking decides nothing"

    done = httpx.post(
        link, data={"choice": choice, "comment": "Tuesdays clash with chemistry" if choice == "deny" else ""}
    )
    if choice == "approve":
        outcome, status = "Maya's start is approved.", "active"
        assert "Text CHECKIN when you arrive" in sent(town, "maya@example.org", "email/start_approved").body_text
        sent(town, "ruth@example.org", "email/mentor_welcome")
        sent(town, "cora@example.org", "email/placement_started")
    else:
        outcome, status = "Maya's start is denied; they will see your reason.", "pursuing"
        told = sent(town, "+15555550100", "sms/start_denied")
        assert 'They said: "Tuesdays clash with chemistry."' in told.body_text
    assert done.status_code == 200 and outcome in page_text(done)
    assert status_of(town, "maya@example.org") == [status]

    other = "deny" if choice == "approve" else "approve"
    again = httpx.post(link, data={"choice": other, "comment": "Changed my mind"})
    assert again.status_code == 200 and "already answered" in page_text(again) and outcome in page_text(again)
    assert status_of(town, "maya@example.org") == [status], "the first decision stands"
    with town.runtime.sessions() as session:
        assert len(list(session.scalars(select(Placement)))) == (1 if choice == "approve" else 0)
