"""Forms posted to the public pages (signed links, the student's pages) read with a size limit.

Starlette reads an urlencoded body whole, however large, before parsing it: a 500 MB post to a
link was held in memory. Here the declared Content-Length is checked first, then what arrives,
never more than the limit; a larger body gets a page saying so (413) and is not parsed.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData
from starlette.types import Message

from messaging import rendering

MAX_FORM_BYTES = 64 * 1024  # the longest form here is a 4,000-character comment


async def read(request: Request, max_bytes: int = MAX_FORM_BYTES) -> FormData | None:
    """The posted form, or None when the body is larger than `max_bytes`."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 12 or int(declared) > max_bytes):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    body = b"".join(chunks)

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return await Request(request.scope, replay).form()


def too_large() -> HTMLResponse:
    return HTMLResponse(rendering.render_page("too_large", {"school": None, "person": None}), status_code=413)
