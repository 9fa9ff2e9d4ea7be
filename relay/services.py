"""Async services that share the web app's event loop (the inbound SMTP server)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from messaging.inbound.doors import smtp_server
from relay.runtime import Runtime
from relay.settings import split_bind

Hook = Callable[[], Any]


def hooks(runtime: Runtime, *, smtp: bool) -> tuple[list[Hook], list[Hook]]:
    """Start-up and shut-down hooks: the SMTP server runs in the same loop as the web app."""
    if not smtp:
        return [], []
    settings = runtime.settings
    servers: list[asyncio.Server] = []

    async def start_smtp() -> None:
        host, port = split_bind(settings.smtp_bind)
        servers.append(
            await smtp_server.start(
                host,
                port,
                handler=smtp_server.handler_for(runtime.context.config),
                max_bytes=settings.smtp_max_message_bytes,
                tls=smtp_server.tls_context(settings.smtp_tls_cert, settings.smtp_tls_key),
            )
        )

    async def stop_smtp() -> None:
        for server in servers:
            server.close()
            await server.wait_closed()

    return [start_smtp], [stop_smtp]
