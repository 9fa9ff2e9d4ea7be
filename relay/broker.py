"""The Dramatiq broker and its actors: Redis when RELAY_REDIS_URL is set, else in-process.

Queues are split by channel (`email`, `sms`, `inbound`, `jobs`) so a slow provider never starves
the rest. Actors are declared here, in the composition root, from plain functions of `messaging`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import AgeLimit, Callbacks, Pipelines, Retries, ShutdownNotifications, TimeLimit

from messaging.context import Enqueue
from relay.local_broker import LocalBroker
from relay.settings import Settings


@dataclass(frozen=True)
class ActorSpec:
    name: str
    queue: str
    fn: Callable[..., Any]
    time_limit_ms: int
    max_retries: int = 5


def make_broker(settings: Settings) -> dramatiq.Broker:
    middleware = [
        AgeLimit(),
        TimeLimit(),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        # Only for the unexpected (a bug, the database away): delivery failures are retried by
        # messaging itself, with the schedule kept on the outbox row.
        Retries(max_retries=5, min_backoff=1_000, max_backoff=300_000),
    ]
    broker: dramatiq.Broker
    if settings.redis_url:
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=settings.redis_url,
            middleware=middleware,
            namespace=settings.redis_namespace,
            socket_timeout=10,
            socket_connect_timeout=5,
        )
    else:
        broker = LocalBroker(middleware=middleware)
    dramatiq.set_broker(broker)
    return broker


def redis_client(settings: Settings) -> redis.Redis:
    assert settings.redis_url
    return redis.Redis.from_url(settings.redis_url, socket_timeout=10, socket_connect_timeout=5)


def declare(broker: dramatiq.Broker, specs: list[ActorSpec]) -> None:
    for spec in specs:
        dramatiq.Actor(
            spec.fn,
            broker=broker,
            actor_name=spec.name,
            queue_name=spec.queue,
            priority=0,
            options={"time_limit": spec.time_limit_ms, "max_retries": spec.max_retries},
        )


def enqueuer(broker: dramatiq.Broker) -> Enqueue:
    def enqueue(actor_name: str, args: tuple[Any, ...], delay: int | None) -> None:
        broker.get_actor(actor_name).send_with_options(args=args, delay=delay)

    return enqueue
