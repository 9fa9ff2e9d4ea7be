"""Prometheus metrics, read from the outbox and inbox tables.

The rows are the truth and every process writes them, so any web process can report the whole
system: messages by channel and status, retries, and delivery latency (queued to provider).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from messaging.models import InboundMessage, OutboundMessage

LATENCY_BUCKETS_MS = (100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000)
OM = OutboundMessage


class OutboxCollector(Collector):
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[Metric]:
        with self.sessions() as session:
            yield self._messages(session)
            yield self._inbound(session)
            yield self._retries(session)
            yield from self._latency(session)

    def _messages(self, session: Session) -> Metric:
        family = GaugeMetricFamily(
            "relay_messages", "Outbound messages by channel and status", labels=["channel", "status"]
        )
        for channel, status, count in session.execute(
            select(OM.channel, OM.status, func.count()).group_by(OM.channel, OM.status)
        ):
            family.add_metric([channel, str(status)], count)
        return family

    def _inbound(self, session: Session) -> Metric:
        family = GaugeMetricFamily(
            "relay_inbound_messages", "Inbound messages by channel and status", labels=["channel", "status"]
        )
        rows = session.execute(
            select(InboundMessage.channel, InboundMessage.status, func.count()).group_by(
                InboundMessage.channel, InboundMessage.status
            )
        )
        for channel, status, count in rows:
            family.add_metric([channel, str(status)], count)
        return family

    def _retries(self, session: Session) -> Metric:
        family = CounterMetricFamily("relay_message_retries", "Delivery attempts beyond the first", labels=["channel"])
        rows = session.execute(
            select(OM.channel, func.sum(OM.attempts - 1)).where(OM.attempts > 1).group_by(OM.channel)
        )
        for channel, retries in rows:
            family.add_metric([channel], float(retries or 0))
        return family

    def _latency(self, session: Session) -> Iterator[Metric]:
        buckets = [func.sum(case((OM.latency_ms <= b, 1), else_=0)) for b in LATENCY_BUCKETS_MS]
        rows = session.execute(
            select(OM.channel, func.count(), func.sum(OM.latency_ms), *buckets)
            .where(OM.latency_ms.is_not(None))
            .group_by(OM.channel)
        )
        family = HistogramMetricFamily(
            "relay_delivery_latency_seconds", "From queued to accepted by the provider", labels=["channel"]
        )
        for channel, count, total, *cumulative in rows:
            family.add_metric(
                [channel],
                [(str(b / 1000), float(c or 0)) for b, c in zip(LATENCY_BUCKETS_MS, cumulative, strict=True)]
                + [("+Inf", float(count))],
                sum_value=float(total or 0) / 1000,
            )
        yield family


def registry(sessions: sessionmaker[Session]) -> CollectorRegistry:
    reg = CollectorRegistry(auto_describe=False)
    reg.register(OutboxCollector(sessions))
    return reg


def exposition(reg: CollectorRegistry) -> bytes:
    return generate_latest(reg)
