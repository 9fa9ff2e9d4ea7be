"""A local HTTP server that answers like Twilio's Messages API, for the real `twilio` client.

It checks HTTP basic auth, takes `POST /2010-04-01/Accounts/<sid>/Messages.json` and
`GET .../Messages.json` (filtered by To/From, newest first), and returns Twilio's JSON shapes and
error bodies. `services[sid]` is a Messaging Service's pool: a message sent with its
MessagingServiceSid (and no From) goes from one of its numbers, the same one every time for a
recipient (Twilio's "sticky sender"); an unknown service is refused with 21705. `script[to_number]`
lists what to answer, in order, before accepting: an HTTP status (429, 500, 503) or a Twilio error
code (21211, 21610, ...). It records when each message arrived.

`delay_seconds` slows every POST down and still answers. `hang_seconds` makes the API stop
answering: a POST is held that long (or until it is set back to 0), then its connection is
dropped with no answer. The message is not taken, unless `hang_after_accept` is set: then it is
taken first and only the answer is lost. `held` counts the POSTs being held.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ERRORS: dict[int, tuple[int, str]] = {
    21211: (400, "The 'To' number {to} is not a valid phone number."),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21614: (400, "'To' number is not a valid mobile number"),
    20003: (401, "Authenticate"),
    21705: (400, "The Messaging Service Sid is invalid"),
}


@dataclass
class Accepted:
    at: float
    sid: str
    to: str
    from_: str
    body: str
    status_callback: str | None
    date_created: str
    messaging_service_sid: str | None = None


@dataclass
class FakeTwilio:
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "test-auth-token-0123456789abcdef"
    accepted: list[Accepted] = field(default_factory=list)
    requests: list[tuple[float, str, str]] = field(default_factory=list)  # (time, method, to)
    script: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    services: dict[str, list[str]] = field(default_factory=dict)
    sticky: dict[tuple[str, str], str] = field(default_factory=dict)  # (service, to) -> the pool's number
    delay_seconds: float = 0.0
    hang_seconds: float = 0.0
    hang_after_accept: bool = False
    held: int = 0
    port: int = 0
    keep: bool = True  # keep each accepted message (a long benchmark only counts them)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                fake._post(self)

            def do_GET(self) -> None:
                fake._get(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeTwilio:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        assert isinstance(host, str)  # typed str | bytes for any AF_INET server; ours was bound to a str
        return f"http://{host}:{port}"

    def to(self, number: str) -> list[Accepted]:
        with self.lock:
            return [a for a in self.accepted if a.to == number]

    # -- protocol -------------------------------------------------------------------------
    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return handler.headers.get("Authorization", "") == f"Basic {expected}"

    def _path_ok(self, handler: BaseHTTPRequestHandler) -> bool:
        return urlsplit(handler.path).path == f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def _send(self, handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _error(self, handler: BaseHTTPRequestHandler, code: int, to: str = "") -> None:
        if code < 1000:  # a bare HTTP status
            self._send(
                handler,
                code,
                {"code": None, "message": "Too Many Requests" if code == 429 else "Internal error", "status": code},
            )
            return
        status, message = ERRORS.get(code, (400, "Error"))
        self._send(
            handler,
            status,
            {
                "code": code,
                "message": message.format(to=to),
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        body = handler.rfile.read(length)
        if len(body) < length:  # the client went away mid-request: nothing was sent
            handler.close_connection = True
            return None
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if not self._authorised(handler):
            return self._error(handler, 20003)
        if not self._path_ok(handler):
            return self._send(handler, 404, {"code": 20404, "message": "Not found", "status": 404})
        to = form.get("To", "")
        now = time.time()
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if self.hang_seconds and not self.hang_after_accept:
            return self._hang(handler)
        with self.lock:
            self.requests.append((now, "POST", to))
            queued = self.script.get(to)
            if queued:
                return self._error(handler, queued.pop(0), to)
            service = form.get("MessagingServiceSid")
            sender = form.get("From", "")
            if service:
                pool = self.services.get(service)
                if not pool:
                    return self._error(handler, 21705, to)
                if (service, to) not in self.sticky:  # a new recipient: the pool's numbers in turn
                    self.sticky[(service, to)] = pool[sum(1 for s, _ in self.sticky if s == service) % len(pool)]
                sender = sender or self.sticky[(service, to)]
            sid = "SM" + secrets.token_hex(16)
            item = Accepted(
                now,
                sid,
                to,
                sender,
                form.get("Body", ""),
                form.get("StatusCallback"),
                formatdate(now, usegmt=True),
                service,
            )
            self.count += 1
            if self.keep:
                self.accepted.append(item)
        if self.hang_seconds:
            return self._hang(handler)
        self._send(handler, 201, self._resource(item))

    def _hang(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.held += 1
        held_until = time.monotonic() + self.hang_seconds
        while self.hang_seconds and time.monotonic() < held_until:
            time.sleep(0.01)
        with self.lock:
            self.held -= 1
        handler.close_connection = True  # no answer: the client's timeout is all it has

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        if not self._authorised(handler):
            return self._error(handler, 20003)
        if not self._path_ok(handler):
            return self._send(handler, 404, {"code": 20404, "message": "Not found", "status": 404})
        query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        size = int(query.get("PageSize", "50"))
        with self.lock:
            items = [
                a
                for a in reversed(self.accepted)
                if a.to == query.get("To", a.to) and a.from_ == query.get("From", a.from_)
            ][:size]
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        self._send(
            handler,
            200,
            {
                "messages": [self._resource(a) for a in items],
                "end": len(items) - 1,
                "first_page_uri": uri,
                "next_page_uri": None,
                "page": 0,
                "page_size": size,
                "previous_page_uri": None,
                "start": 0,
                "uri": uri,
            },
        )

    def _resource(self, item: Accepted) -> dict[str, Any]:
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": item.body,
            "date_created": item.date_created,
            "date_sent": None,
            "date_updated": item.date_created,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": item.from_,
            "messaging_service_sid": item.messaging_service_sid,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": item.sid,
            "status": "queued",
            "subresource_uris": {},
            "to": item.to,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{item.sid}.json",
        }
