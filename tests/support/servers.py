"""Relay's own servers run for real inside a test: the SMTP server and the web app."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from messaging.inbound.doors import smtp_server
from relay.app import create_app
from relay.runtime import Runtime
from tests.support.services import free_port


@contextmanager
def smtp(runtime: Runtime, *, max_bytes: int | None = None, tls: object = None) -> Iterator[tuple[str, int]]:
    """Relay's inbound SMTP server on a free port, in an event loop of its own."""
    loop = asyncio.new_event_loop()
    port = free_port()
    ready = threading.Event()
    servers: list[asyncio.Server] = []

    async def start() -> None:
        servers.append(
            await smtp_server.start(
                "127.0.0.1",
                port,
                handler=smtp_server.handler_for(runtime.context.config),
                max_bytes=max_bytes or runtime.settings.smtp_max_message_bytes,
                tls=tls,  # type: ignore[arg-type]
            )
        )
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    ready.wait(10)
    try:
        yield "127.0.0.1", port
    finally:

        async def stop() -> None:
            for server in servers:
                server.close()
                await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@contextmanager
def web(runtime: Runtime) -> Iterator[str]:
    """The ASGI app under uvicorn on a free port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/healthz", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)
