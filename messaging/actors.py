"""The names of Relay's Dramatiq actors: declared once in `relay.runtime`, enqueued by name.

Each name is a contract between the process that enqueues and the worker that runs the actor (a
message in Redis outlives a deploy), so a name never changes; the arguments are listed with it.
"""

from __future__ import annotations

DELIVER_EMAIL = "deliver_email"
"""Deliver stored emails. Args: `(message_id, ...)`, one or several (claimed together). Queue `email`."""

DELIVER_SMS = "deliver_sms"
"""Deliver one stored SMS, paced per sender number. Args: `(message_id,)` or `(message_id, slot)`,
the slot being the epoch second it was paced to. Queue `sms`."""

PROCESS_INBOUND = "process_inbound"
"""Process stored inbound messages, each in its own transaction. Args: `(inbound_id, ...)`.
Queue `inbound`."""

RUN_JOB = "run_job"
"""Run one scheduled job for one tick. Args: `(job_name, tick_iso, scheduler_name)`. Queue `jobs`."""

_DELIVER = {"email": DELIVER_EMAIL, "sms": DELIVER_SMS}


def deliver(channel: str) -> str:
    """The delivery actor for an outbound message's channel (`email` or `sms`)."""
    return _DELIVER[channel]
