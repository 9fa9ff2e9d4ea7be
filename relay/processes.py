"""Running the parts: all in one process (`relay serve`), or each alone to scale out."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

import dramatiq
import uvicorn

from relay import broker as brokers
from relay import jobs
from relay.app import create_app
from relay.runtime import Runtime
from relay.scheduler import AlwaysLeader, MemoryTickLog, RedisLeadership, RedisTickLog, Scheduler, identity
from relay.settings import split_bind

log = logging.getLogger(__name__)
Hook = Callable[[], Any]
# How often idle consumers poll; it bounds how late a delayed message (a paced SMS) can start.
WORKER_POLL_MS = 100


def start_worker(runtime: Runtime, *, threads: int | None = None, queues: set[str] | None = None) -> dramatiq.Worker:
    worker = dramatiq.Worker(
        runtime.broker,
        queues=queues,
        worker_threads=threads or runtime.settings.worker_threads,
        worker_timeout=WORKER_POLL_MS,
    )
    worker.start()
    return worker


def run_worker(runtime: Runtime, *, threads: int | None, queues: set[str] | None) -> None:
    """`relay worker`: consume the queues until SIGINT or SIGTERM, then finish what is in hand."""
    worker = start_worker(runtime, threads=threads, queues=queues)
    try:
        wait_for_signal(threading.Event())
    finally:
        worker.stop(timeout=10_000)
        runtime.close()


def make_scheduler(runtime: Runtime) -> Scheduler:
    settings = runtime.settings
    name = identity()
    if settings.redis_url:
        client = brokers.redis_client(settings)
        ns = settings.redis_namespace
        leadership: RedisLeadership | AlwaysLeader = RedisLeadership(
            client, key=f"{ns}:scheduler:leader", identity=name, ttl_seconds=settings.scheduler_lock_ttl_seconds
        )
        ticks: RedisTickLog | MemoryTickLog = RedisTickLog(client, key=f"{ns}:scheduler:ticks")
    else:
        leadership, ticks = AlwaysLeader(), MemoryTickLog()
    return Scheduler(
        jobs.table(settings),
        runtime.context.enqueue,
        leadership=leadership,
        ticks=ticks,
        name=name,
        lock_ttl=settings.scheduler_lock_ttl_seconds,
    )


def _start_scheduler(runtime: Runtime, stop: threading.Event) -> threading.Thread:
    scheduler = make_scheduler(runtime)
    thread = threading.Thread(target=scheduler.run, args=(stop,), name="relay-scheduler", daemon=True)
    thread.start()
    return thread


def freeze_startup_heap() -> None:
    """Put every object alive once the process has started (modules, the ORM's mappers, the app)
    out of the garbage collector's reach, after one last collection.

    A full collection otherwise walks all of them: on the district benchmark one request in six
    met one, taking up to 160 ms, which was the whole of Today's p95 tail. Objects made later are
    collected as before; nothing made at start-up is ever freed anyway."""
    gc.collect()
    gc.freeze()


def serve(
    runtime: Runtime,
    *,
    web: bool = True,
    worker: bool = True,
    scheduler: bool = True,
    on_startup: list[Hook] | None = None,
    on_shutdown: list[Hook] | None = None,
) -> None:
    """Run the chosen parts in this process until SIGINT or SIGTERM."""
    stop = threading.Event()
    running_worker = start_worker(runtime) if worker else None
    scheduler_thread = _start_scheduler(runtime, stop) if scheduler else None
    try:
        if web:
            host, port = split_bind(runtime.settings.http_bind)
            app = create_app(runtime, on_startup=on_startup, on_shutdown=on_shutdown)
            config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on", access_log=False)
            freeze_startup_heap()
            uvicorn.Server(config).run()
        elif on_startup:
            freeze_startup_heap()
            asyncio.run(_serve_hooks(on_startup, on_shutdown or []))
        else:
            freeze_startup_heap()
            wait_for_signal(stop)
    finally:
        stop.set()
        if scheduler_thread:
            scheduler_thread.join(timeout=5)
        if running_worker:
            running_worker.stop(timeout=10_000)
        runtime.close()


async def _serve_hooks(on_startup: list[Hook], on_shutdown: list[Hook]) -> None:
    """Run async services (the SMTP server) in this loop until a signal arrives."""
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    for hook in on_startup:
        result = hook()
        if asyncio.iscoroutine(result):
            await result
    await done.wait()
    for hook in on_shutdown:
        result = hook()
        if asyncio.iscoroutine(result):
            await result


def wait_for_signal(stop: threading.Event) -> None:
    def handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    while not stop.wait(1.0):
        pass
