"""A bare Dramatiq no-op actor, the baseline for bench/delivery.py. Run by dramatiq's own CLI:
BENCH_REDIS_URL=... BENCH_NAMESPACE=... python -m dramatiq bench.noop_actor -p 1 -t 8"""

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker

# dramatiq does not annotate RedisBroker.__init__ (relay/broker.py ignores it the same way).
broker = RedisBroker(url=os.environ["BENCH_REDIS_URL"], namespace=os.environ["BENCH_NAMESPACE"])  # type: ignore[no-untyped-call]
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name="noop", max_retries=0)
def noop(message_id: int) -> None:
    """Does nothing: what the broker alone costs per message."""
