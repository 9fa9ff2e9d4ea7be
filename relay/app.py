"""The ASGI app: health, readiness, metrics, and the routers of each part."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import redis
from fastapi import FastAPI, Response
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request

from messaging import rendering
from messaging.inbound.doors import twilio_webhook
from relay import metrics
from relay.dev import outbox as dev_outbox
from relay.runtime import Runtime
from web import (
    api,
    api_docs,
    api_region,
    api_token_pages,
    attention,
    dashboard,
    days,
    decisions,
    directory,
    directory_upload,
    links,
    mentors,
    region_admin,
    reports,
    security,
    sharing,
    sign_in,
    staff,
    student_pages,
    students,
    today,
)
from web.body_limit import BodyLimit

log = logging.getLogger(__name__)
Hook = Callable[[], Any]


def create_app(
    runtime: Runtime, *, on_startup: list[Hook] | None = None, on_shutdown: list[Hook] | None = None
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup or []:
            result = hook()
            if hasattr(result, "__await__"):
                await result
        yield
        for hook in on_shutdown or []:
            result = hook()
            if hasattr(result, "__await__"):
                await result

    # /docs is ours (web/api_docs.py): FastAPI's loads Swagger UI from a CDN with an inline script.
    app = FastAPI(title="Relay", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.runtime = runtime
    app.include_router(twilio_webhook.router)
    app.include_router(links.router)
    app.include_router(student_pages.router)
    app.include_router(sign_in.router)
    app.include_router(dashboard.router)
    app.include_router(today.router)
    app.include_router(attention.router)
    app.include_router(api_token_pages.router)
    app.include_router(mentors.router)  # a mentor's page and their compliance documents
    app.include_router(api_docs.router)
    directory.install(app)  # People & places, and its CSV upload
    app.include_router(directory_upload.router)
    app.include_router(reports.router)  # hours, sites and mentors, feedback, their downloads
    api.install(app)  # /api/v1 (JSON, documented at /docs), its index at /api, its errors as JSON
    app.include_router(api_region.router)  # /api/v1/reports: supply and demand, the network story
    app.include_router(sharing.router)  # the region, as a coordinator sees it
    app.include_router(region_admin.router)  # the region admin's pages, under /region
    for fixes in (days.router, decisions.router, students.router):  # fixing the record, deciding
        app.include_router(fixes)
    app.add_middleware(BodyLimit)  # a staff request's body is capped before any route reads it
    security.install(app)  # /static, and the security headers on every response
    staff.install(app)  # signed out: to the sign-in page (401 under /api); a write without CSRF: 403
    if runtime.settings.demo:
        app.include_router(dev_outbox.router(runtime))
    registry = metrics.registry(runtime.sessions)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _server_error)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        checks = await run_in_threadpool(_readiness, runtime)
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ok" if ready else "unavailable", **checks}, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        body = await run_in_threadpool(metrics.exposition, registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return app


def _wants_page(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


async def _http_error(request: Request, exc: Exception) -> Response:
    """People who open a wrong address in a browser get a page saying what to do; programs get JSON."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and _wants_page(request):
        return HTMLResponse(rendering.render_page("not_found", {"school": None}), status_code=404)
    if exc.status_code in (400, 422) and _wants_page(request) and not request.url.path.startswith("/api/"):
        return _bad_request_page(exc.status_code)  # e.g. a form with two files or too many fields
    return await http_exception_handler(request, exc)


def _bad_request_page(status: int) -> Response:
    """A form a browser sent that could not be read (Starlette's and FastAPI's words are for programs)."""
    return HTMLResponse(rendering.render_page("bad_request", {"school": None}), status_code=status)


async def _invalid_request(request: Request, exc: Exception) -> Response:
    """A path that fails validation (an id that is not a number, or out of range: `web.paths.Id`)
    names nothing: 404, as for any unknown address. Other invalid input is the API's 400 under
    /api, else FastAPI's 422."""
    assert isinstance(exc, RequestValidationError)
    if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
        return await _http_error(request, HTTPException(status_code=404))
    if request.url.path.startswith("/api/"):
        return await api.invalid_input(request, exc)  # 400 JSON with the problems in words
    if _wants_page(request):
        return _bad_request_page(422)  # a field past its length (maxlength in the form) or of the wrong kind
    return await request_validation_exception_handler(request, exc)


async def _server_error(request: Request, exc: Exception) -> Response:
    """The last resort (Starlette logs the exception): a plain apology, never a traceback. It is
    answered outside the middleware, so it carries the security headers itself."""
    headers = security.headers_for(request.url.path)
    if _wants_page(request):
        return HTMLResponse(rendering.render_page("error", {"school": None}), status_code=500, headers=headers)
    return JSONResponse({"detail": "internal error"}, status_code=500, headers=headers)


def _readiness(runtime: Runtime) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    client = getattr(runtime.broker, "client", None)
    if isinstance(client, redis.Redis):
        try:
            client.ping()
            checks["broker"] = "ok"
        except redis.RedisError as exc:
            checks["broker"] = f"unreachable: {type(exc).__name__}"
    else:
        checks["broker"] = "ok"
    return checks
