"""Builds everything a Relay process needs from its settings (the composition root)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass, field

import dramatiq
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from messaging import actors, addresses, context, outbox
from messaging.inbound.handling import processing
from messaging.outbound import delivery
from messaging.outbound.pacing import LocalPacer, Pacer, RedisPacer
from messaging.outbound.transports import Transport
from messaging.outbound.transports.dev import DevOutbox
from messaging.outbound.transports.smtp import SmtpTransport
from messaging.outbound.transports.twilio_sms import TwilioTransport
from relay import broker as brokers
from relay import jobs
from relay.db import make_engine, make_session_factory, make_statement_engine
from relay.settings import Settings

log = logging.getLogger(__name__)
DEV_SMS_FROM = "+15005550006"


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    statements: Engine
    sessions: sessionmaker[Session]
    broker: dramatiq.Broker
    context: context.Context
    extra: dict[str, object] = field(default_factory=dict)

    def close(self) -> None:
        for transport in self.context.transports.values():
            transport.close()
        self.broker.close()
        self.statements.dispose()
        self.engine.dispose()


def messaging_config(settings: Settings) -> context.Config:
    return context.Config(
        public_base_url=settings.public_base_url,
        inbound_domain=settings.inbound_domain,
        mail_from=settings.mail_from,
        sms_from=settings.twilio_from or DEV_SMS_FROM,
        signing_keys=settings.signing_keys,
        sms_service_sid=settings.twilio_messaging_service_sid,
        sms_pool=settings.sms_pool_lanes,
        quiet_window=settings.quiet_window,
        notice_cap_per_day=settings.notice_cap_per_day,
        send_timeout=settings.send_timeout_seconds,
        retry_base=settings.retry_base_seconds,
        retry_max=settings.retry_max_seconds,
        max_attempts=settings.max_attempts,
        requeue_after=settings.requeue_after_seconds,
        stale_sending=settings.stale_sending_seconds,
        twilio_auth_token=settings.twilio_auth_token or dev_twilio_token(settings.signing_keys),
        smtp_max_message_bytes=settings.smtp_max_message_bytes,
    )


def dev_twilio_token(keys: list[str]) -> str:
    """Without Twilio, the webhook still checks signatures: the dev outbox page signs with this."""
    return hmac.new(keys[0].encode(), b"relay dev twilio token", hashlib.sha256).hexdigest()[:32]


def make_transports(settings: Settings) -> dict[str, Transport]:
    email: Transport
    sms: Transport
    if settings.outbound_smtp_url:
        keys, domain = settings.signing_keys, settings.inbound_domain
        email = SmtpTransport(
            settings.outbound_smtp_url,
            timeout=settings.send_timeout_seconds,
            envelope_sender=lambda message: addresses.bounce_address(message.id, keys, domain),
        )
    else:
        email = DevOutbox("email")
    if settings.twilio_account_sid and settings.twilio_auth_token:
        sms = TwilioTransport(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            api_base=settings.twilio_api_base,
            status_callback=f"{settings.public_base_url}/sms/status",
            timeout=settings.send_timeout_seconds,
        )
    else:
        sms = DevOutbox("sms")
    return {"email": email, "sms": sms}


def make_pacer(settings: Settings) -> Pacer:
    if settings.redis_url:
        return RedisPacer(
            brokers.redis_client(settings),
            segments_per_second=settings.sms_segments_per_second,
            prefix=settings.redis_namespace,
        )
    return LocalPacer(segments_per_second=settings.sms_segments_per_second)


def actor_specs(settings: Settings) -> list[brokers.ActorSpec]:
    send_limit = int((settings.send_timeout_seconds * 4 + 30) * 1000)
    return [
        # A batch of emails may meet a peer that stops answering at each of its sends.
        brokers.ActorSpec(actors.DELIVER_EMAIL, "email", delivery.deliver_email, send_limit * outbox.EMAIL_BATCH),
        brokers.ActorSpec(actors.DELIVER_SMS, "sms", delivery.deliver_sms, send_limit),
        brokers.ActorSpec(actors.PROCESS_INBOUND, "inbound", processing.process_inbound, 5 * 60 * 1000),
        brokers.ActorSpec(actors.RUN_JOB, "jobs", jobs.run_job, 10 * 60 * 1000, max_retries=3),
    ]


def build(settings: Settings) -> Runtime:
    pool_size = max(5, settings.worker_threads + 2)
    engine = make_engine(settings.database_url, pool_size=pool_size)
    statements = make_statement_engine(engine, settings.database_url, pool_size=pool_size)
    sessions = make_session_factory(engine)
    outbox.install(sessions)  # queued messages go to the broker when a session commits
    broker = brokers.make_broker(settings)
    brokers.declare(broker, actor_specs(settings))
    ctx = context.Context(
        config=messaging_config(settings),
        sessions=sessions,
        enqueue=brokers.enqueuer(broker),
        transports=make_transports(settings),
        pacer=make_pacer(settings),
        statement=statements.begin if statements is engine else statements.connect,
    )
    context.install(ctx)
    jobs.install(settings)
    return Runtime(
        settings=settings, engine=engine, statements=statements, sessions=sessions, broker=broker, context=ctx
    )
