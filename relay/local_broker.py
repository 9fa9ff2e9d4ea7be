"""The in-process broker used when there is no Redis (the embedded default).

It is Dramatiq's StubBroker with one change: delayed messages wait on a timer here and join their
queue when due. The StubBroker's own delay queues release messages seconds late under load,
which would make paced SMS bunch up and retries wait longer than their backoff.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from typing import Any

from dramatiq.brokers.stub import StubBroker
from dramatiq.message import Message
from dramatiq.middleware import Middleware


class LocalBroker(StubBroker):
    def __init__(self, middleware: list[Middleware] | None = None) -> None:
        super().__init__(middleware=middleware)
        self._timers: list[tuple[float, int, Message[Any]]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._release_due, name="relay-broker-timers", daemon=True)
        self._thread.start()

    def enqueue(self, message: Message[Any], *, delay: int | None = None) -> Message[Any]:
        if not delay or delay <= 0:
            return super().enqueue(message)
        if message.queue_name not in self.queues:
            return super().enqueue(message, delay=delay)  # raises QueueNotFound
        with self._wake:
            heapq.heappush(self._timers, (time.monotonic() + delay / 1000, next(self._order), message))
            self._wake.notify()
        return message

    def _release_due(self) -> None:
        while True:
            with self._wake:
                while not self._closed and (not self._timers or self._timers[0][0] > time.monotonic()):
                    timeout = self._timers[0][0] - time.monotonic() if self._timers else None
                    self._wake.wait(timeout)
                if self._closed:
                    return
                _, _, message = heapq.heappop(self._timers)
            super().enqueue(message)

    def join(self, queue_name: str, *, timeout: int | None = None, fail_fast: bool | None = None) -> None:
        """Wait until the queue is empty, counting its messages still waiting on a timer."""
        deadline = None if timeout is None else time.monotonic() + timeout / 1000
        while True:
            remaining = None if deadline is None else max(1, int((deadline - time.monotonic()) * 1000))
            super().join(queue_name, timeout=remaining, fail_fast=fail_fast)
            with self._wake:
                waiting = any(m.queue_name == queue_name for _, _, m in self._timers)
            if not waiting:
                return
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"queue {queue_name} still has delayed messages")
            time.sleep(0.02)

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        super().close()
