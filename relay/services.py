"""Async services that share the web app's event loop (the inbound SMTP server)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relay.runtime import Runtime

Hook = Callable[[], Any]


def hooks(runtime: Runtime, *, smtp: bool) -> tuple[list[Hook], list[Hook]]:
    return [], []
