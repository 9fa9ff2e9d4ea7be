"""`/docs`: the JSON API's documentation, Swagger UI served from our own `/static/vendor/`.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script; the content
security policy (`web.security`) allows neither, so the page here is a template of ours and the
starter is `static/api-docs.js`. The OpenAPI description stays at FastAPI's `/openapi.json`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from messaging import rendering

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs(request: Request) -> Response:
    openapi_url = request.app.openapi_url or "/openapi.json"
    return HTMLResponse(rendering.render_page("api_docs", {"openapi_url": openapi_url}))
