"""Security headers on every response, and `/static`, the only place pages load scripts and styles from.

The content security policy allows our own origin only: no inline script or style, no other site,
no framing, forms posted only to us. The demo's dev outbox (`/dev/`: inline style, script and
onclick) still gets a looser policy until it is moved into static/ (`LEGACY_INLINE`). Token pages
(`/l/...`, the staff sign-in link) send no Referer at all, so a token never leaks; the others send
it to our own origin only. Signed-in and token pages are never cached.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = Path(__file__).resolve().parent.parent / "static"
STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
LEGACY_INLINE = {
    "/dev/": STRICT.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    ),
}
TOKEN_PAGES = ("/l/", "/dashboard/sign-in/")
NO_STORE = ("/l/", "/dashboard", "/api/")


def policy(path: str) -> str:
    for prefix, loose in LEGACY_INLINE.items():
        if path.startswith(prefix):
            return loose
    return STRICT


def headers_for(path: str) -> dict[str, str]:
    values = {
        "Content-Security-Policy": policy(path),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
        "Referrer-Policy": "no-referrer" if path.startswith(TOKEN_PAGES) else "same-origin",
    }
    if path.startswith(NO_STORE):
        values["Cache-Control"] = "no-store"
    return values


class SecurityHeaders:
    """Pure ASGI middleware (no BaseHTTPMiddleware: nothing buffered, no extra task per request).
    A header a route set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
