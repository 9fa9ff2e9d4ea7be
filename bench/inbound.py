"""Inbound throughput, each against a bare baseline on the same server settings.

1. Signed Twilio webhooks per second through `POST /sms/inbound` (signature check, store in
   Postgres, dedupe, enqueue on Redis) in `relay web` (uvicorn, one process), against a bare
   FastAPI endpoint that answers the same empty TwiML, under the same uvicorn settings.
2. Emails per second through `relay smtp` (token check at RCPT, raw message stored before 250,
   enqueue) against a bare aiosmtpd server whose handler discards the message.

The load comes from one asyncio process with keep-alive connections and requests built (and
signed) before the clock starts. Needs Postgres and Redis, like the tests.

    python -m bench.inbound [--requests 6000] [--emails 3000] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import redis
from twilio.request_validator import RequestValidator

from messaging import tokens
from relay import migrate
from relay.runtime import dev_twilio_token
from tests.support import services
from tests.support.processes import ROOT, relay_env

KEYS = ["bench-key-0123456789abcdefghijklmnopqrstuv"]
PUBLIC = "http://relay.bench"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
BARE_APP = f"""
from fastapi import FastAPI, Request, Response
app = FastAPI()

@app.post("/sms/inbound")
async def inbound(request: Request) -> Response:
    await request.form()
    return Response({TWIML!r}, media_type="text/xml")

@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {{"status": "ok"}}
"""
BARE_SMTP = """
import asyncio, sys
from aiosmtpd.smtp import SMTP

class Discard:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"

async def main(port):
    loop = asyncio.get_running_loop()
    factory = lambda: SMTP(Discard(), data_size_limit=10 * 1024 * 1024, enable_SMTPUTF8=True)
    await loop.create_server(factory, "127.0.0.1", port)
    print("ready", flush=True)
    await asyncio.Event().wait()

asyncio.run(main(int(sys.argv[1])))
"""


def _wait_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} never opened: {log.read_text()[-3000:]}")


# -- HTTP ---------------------------------------------------------------------------------------


def webhook_requests(count: int, port: int, token: str) -> list[bytes]:
    validator = RequestValidator(token)
    requests = []
    for i in range(count):
        params = {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"+1555{i % 10**7:07d}",
            "To": "+15005550006",
            "Body": "CHECKIN",
            "NumMedia": "0",
        }
        signature = validator.compute_signature(f"{PUBLIC}/sms/inbound", params)
        body = urlencode(params).encode()
        head = (
            f"POST /sms/inbound HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Twilio-Signature: {signature}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        requests.append(head.encode() + body)
    return requests


async def _http_worker(port: int, queue: list[bytes], statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while queue:
            writer.write(queue.pop())
            await writer.drain()
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def http_load(port: int, requests: list[bytes], connections: int) -> tuple[float, dict[int, int]]:
    queue = list(requests)
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    await asyncio.gather(*(_http_worker(port, queue, statuses) for _ in range(connections)))
    return len(requests) / (time.perf_counter() - started), statuses


def bench_webhooks(count: int, connections: int, tmp: Path) -> tuple[float, float]:
    database = services.create_database()
    namespace = f"bench-in-{uuid.uuid4().hex[:8]}"
    url = services.sqlalchemy_url(database)
    migrate.upgrade(url)
    port = services.free_port()
    settings = {
        "database_url": url,
        "redis_url": services.REDIS,
        "redis_namespace": namespace,
        "http_bind": f"127.0.0.1:{port}",
        "public_base_url": PUBLIC,
        "log_level": "WARNING",
    }
    env = relay_env(**settings)
    env["RELAY_SECRET_KEYS"] = KEYS[0]
    log = tmp / "web.log"
    relay_web = subprocess.Popen(
        [sys.executable, "-m", "relay", "web"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    try:
        _wait_port(port, relay_web, log)
        time.sleep(1)
        token = dev_twilio_token(KEYS)
        asyncio.run(http_load(port, webhook_requests(200, port, token), connections))  # warm up
        rate, statuses = asyncio.run(http_load(port, webhook_requests(count, port, token), connections))
        assert set(statuses) == {200}, statuses
    finally:
        relay_web.terminate()
        relay_web.wait(10)
        services.delete_namespace(redis.Redis.from_url(services.REDIS), namespace)
        services.drop_database(database)

    app_dir = tmp / "bare"
    app_dir.mkdir(exist_ok=True)
    (app_dir / "bare_app.py").write_text(BARE_APP)
    port = services.free_port()
    log = tmp / "bare.log"
    bare = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bare_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=app_dir,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_port(port, bare, log)
        time.sleep(1)
        asyncio.run(http_load(port, webhook_requests(200, port, "x"), connections))
        bare_rate, statuses = asyncio.run(http_load(port, webhook_requests(count, port, "x"), connections))
        assert set(statuses) == {200}, statuses
    finally:
        bare.terminate()
        bare.wait(10)
    return rate, bare_rate


# -- SMTP ---------------------------------------------------------------------------------------


def reply_addresses(count: int) -> list[str]:
    expires = datetime.now(UTC) + timedelta(days=1)
    return [
        "reply+"
        + tokens.encode(tokens.TokenClaims(tokens.Purpose.attendance_confirm, i + 1, i + 1, 1, expires), KEYS)
        + "@relay.bench"
        for i in range(count)
    ]


def _email(to: str, n: int) -> bytes:
    return (
        f"From: Ruth Chen <ruth@example.org>\r\nTo: {to}\r\nSubject: Re: Please confirm Maya's day\r\n"
        f"Message-ID: <bench-{n}-{uuid.uuid4().hex}@example.org>\r\nDate: Tue, 10 Mar 2026 15:10:00 -0700\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Yes, great day with the X-rays.\r\n\r\nOn Tue, Mar 10, 2026 at 3:05 PM Relay wrote:\r\n> Was Maya here?\r\n"
        "\r\n.\r\n"
    ).encode()


async def _smtp_worker(port: int, queue: list[tuple[str, bytes]], codes: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def reply() -> int:
        while True:
            line = await reader.readline()
            if line[3:4] != b"-":
                return int(line[:3])

    await reply()
    writer.write(b"EHLO bench.example.org\r\n")
    await reply()
    try:
        while queue:
            to, data = queue.pop()
            writer.write(b"MAIL FROM:<ruth@example.org>\r\n")
            await reply()
            writer.write(f"RCPT TO:<{to}>\r\n".encode())
            await reply()
            writer.write(b"DATA\r\n")
            await reply()
            writer.write(data)
            code = await reply()
            codes[code] = codes.get(code, 0) + 1
        writer.write(b"QUIT\r\n")
        await reply()
    finally:
        writer.close()


async def smtp_load(port: int, messages: list[tuple[str, bytes]], connections: int) -> tuple[float, dict[int, int]]:
    queue = list(messages)
    codes: dict[int, int] = {}
    started = time.perf_counter()
    await asyncio.gather(*(_smtp_worker(port, queue, codes) for _ in range(connections)))
    return len(messages) / (time.perf_counter() - started), codes


def bench_smtp(count: int, connections: int, tmp: Path) -> tuple[float, float]:
    addresses = reply_addresses(count + 100)
    messages = [(a, _email(a, i)) for i, a in enumerate(addresses)]
    database = services.create_database()
    namespace = f"bench-smtp-{uuid.uuid4().hex[:8]}"
    url = services.sqlalchemy_url(database)
    migrate.upgrade(url)
    port = services.free_port()
    settings = {
        "database_url": url,
        "redis_url": services.REDIS,
        "redis_namespace": namespace,
        "smtp_bind": f"127.0.0.1:{port}",
        "inbound_domain": "relay.bench",
        "log_level": "WARNING",
    }
    env = relay_env(**settings)
    env["RELAY_SECRET_KEYS"] = KEYS[0]
    log = tmp / "smtp.log"
    relay_smtp = subprocess.Popen(
        [sys.executable, "-m", "relay", "smtp"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    try:
        _wait_port(port, relay_smtp, log)
        asyncio.run(smtp_load(port, messages[:100], connections))
        rate, codes = asyncio.run(smtp_load(port, messages[100:], connections))
        assert set(codes) == {250}, codes
    finally:
        relay_smtp.terminate()
        relay_smtp.wait(10)
        services.delete_namespace(redis.Redis.from_url(services.REDIS), namespace)
        services.drop_database(database)

    script = tmp / "bare_smtp.py"
    script.write_text(BARE_SMTP)
    port = services.free_port()
    log = tmp / "bare_smtp.log"
    bare = subprocess.Popen(
        [sys.executable, str(script), str(port)],
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    try:
        _wait_port(port, bare, log)
        asyncio.run(smtp_load(port, messages[:100], connections))
        bare_rate, codes = asyncio.run(smtp_load(port, messages[100:], connections))
        assert set(codes) == {250}, codes
    finally:
        bare.terminate()
        bare.wait(10)
    return rate, bare_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--emails", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each door beside its baseline; medians")
    args = parser.parse_args()
    webs, bare_webs, mails, bare_mails = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            web, bare_web = bench_webhooks(args.requests, args.connections, Path(tmp))
            mail, bare_mail = bench_smtp(args.emails, args.connections, Path(tmp))
            webs.append(web)
            bare_webs.append(bare_web)
            mails.append(mail)
            bare_mails.append(bare_mail)
            print(
                f"round {round_}: webhooks {web:6.0f}/s, bare {bare_web:6.0f}/s, ratio {web / bare_web:.2f}; "
                f"emails {mail:6.0f}/s, bare {bare_mail:6.0f}/s, ratio {mail / bare_mail:.2f}",
                flush=True,
            )
    web, bare_web = statistics.median(webs), statistics.median(bare_webs)
    mail, bare_mail = statistics.median(mails), statistics.median(bare_mails)
    print(
        f"connections: {args.connections}; one server process each; Postgres and Redis on this machine; "
        f"median of {args.rounds} rounds"
    )
    # Each round runs a door beside its baseline; the median of those ratios is the figure that
    # holds on a busy machine (a rate alone moves with whatever else runs).
    web_ratio = statistics.median(w / b for w, b in zip(webs, bare_webs, strict=True))
    mail_ratio = statistics.median(m / b for m, b in zip(mails, bare_mails, strict=True))
    print(
        f"webhooks  /sms/inbound (verify, store, dedupe, enqueue): {web:7.0f}/s   bare FastAPI endpoint: "
        f"{bare_web:7.0f}/s   ratio {web_ratio:.2f} (median of the rounds' ratios; target at least 0.5)"
    )
    print(
        f"emails    relay smtp (RCPT check, store, enqueue):       {mail:7.0f}/s   bare aiosmtpd handler: "
        f"{bare_mail:7.0f}/s   ratio {mail_ratio:.2f} (median of the rounds' ratios; target at least 0.5)"
    )


if __name__ == "__main__":
    main()
