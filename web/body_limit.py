"""A cap on the body of every request that posts a form or JSON, read before any route sees it:
Starlette reads such a body whole into memory, so without a cap anyone (signed links, the
student's pages and the sign-in form need no session) could send a gigabyte and hold it in the
server's memory. The public forms (`/l/`, `/s/`, the sign-in form) take `PUBLIC_FORM_BYTES`; the
staff side (`/dashboard`, `/region`, `/api`) `FORM_BYTES`. The Twilio webhooks read their own
bodies with their own limit (`twilio_webhook.MAX_BODY_BYTES`).

A body declared (`Content-Length`) or found (chunked) larger than `FORM_BYTES` gets 413 and the
route never runs. A CSV upload (`.../upload`) may be bigger: `UPLOAD_BYTES`, above the upload's own
cap (web.directory_upload, which answers a declared size over its cap on the list page itself).
"""

from __future__ import annotations

from fastapi.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from messaging import rendering
from web.staff import SIGN_IN_PATH

STAFF_PREFIXES = ("/dashboard", "/region", "/api")
PUBLIC_PREFIXES = ("/l/", "/s/")
PUBLIC_FORM_BYTES = 64 * 1024  # the longest public form is a 4,000-character comment
FORM_BYTES = 1024 * 1024  # a form or JSON body: the longest field takes a few kilobytes
UPLOAD_BYTES = 4 * 1024 * 1024  # web.directory_upload refuses past 2 MB with the list page


def _public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES) or path == SIGN_IN_PATH


def limit_for(path: str) -> int | None:
    if _public(path):
        return PUBLIC_FORM_BYTES
    if not path.startswith(STAFF_PREFIXES):
        return None
    return UPLOAD_BYTES if path.endswith("/upload") else FORM_BYTES


class BodyLimit:
    """Pure ASGI middleware: a declared size over the cap is answered at once; an undeclared body
    is read up to the cap and handed on as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = limit_for(scope["path"]) if scope["type"] == "http" else None
        if limit is None or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isascii() and declared.isdigit():  # ("²".isdigit() holds, and int() refuses it)
            if (len(declared) > 12 or int(declared) > limit) and not scope["path"].endswith("/upload"):
                await _too_large(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            size += len(message.get("body", b""))
            if size > limit:
                await _too_large(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["path"] == "/api" or scope["path"].startswith("/api/"):
        detail = rendering.render_copy("api_errors", "too_large", {"megabytes": FORM_BYTES // (1024 * 1024)})
        answer: JSONResponse | HTMLResponse = JSONResponse({"detail": detail}, status_code=413)
    else:
        name = "too_large" if _public(scope["path"]) else "staff_too_large"
        page = rendering.render_page(name, {"school": None, "person": None})
        answer = HTMLResponse(page, status_code=413, headers={"Cache-Control": "no-store", "Connection": "close"})
    await answer(scope, receive, send)
