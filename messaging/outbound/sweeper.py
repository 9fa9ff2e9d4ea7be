"""The sweeper: finds messages the broker lost and hands them to it again.

A row still `queued` long after it fell due was never picked up (the enqueue after commit failed,
the broker was down, or a worker died holding it); a row stuck `sending` past the stale limit
belongs to a worker that died mid-send. Each is re-enqueued at most once per `requeue_after`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from messaging import actors, context
from messaging.models import InboundMessage, InboundStatus, OutboundEvent, OutboundMessage, may
from workflow.base import utcnow

log = logging.getLogger(__name__)
OM = OutboundMessage
IM = InboundMessage
BATCH = 2000


def sweep(now: datetime | None = None, *, limit: int = BATCH) -> int:
    ctx = context.current()
    cfg = ctx.config
    now = now or utcnow()
    quiet_since = now - timedelta(seconds=cfg.requeue_after)
    stale = now - timedelta(seconds=cfg.stale_sending)
    with ctx.sessions.begin() as session:
        found = session.execute(
            select(OM.id, OM.channel)
            .where(
                OM.enqueued_at <= quiet_since,
                or_(
                    # rows a claim would take, and rows a reclaim would take
                    and_(may(OM.status, OutboundEvent.claim), OM.next_attempt_at <= quiet_since),
                    and_(may(OM.status, OutboundEvent.reclaim), OM.claimed_at <= stale),
                ),
            )
            .order_by(OM.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not found:
            return 0
        session.execute(
            update(OM)
            .where(OM.id.in_([i for i, _ in found]))
            .values(enqueued_at=now)
            .execution_options(synchronize_session=False)
        )
    handed = 0
    for message_id, channel in found:
        try:
            ctx.enqueue(actors.deliver(channel), (message_id,), None)
            handed += 1
        except Exception:
            log.warning("sweeper could not enqueue message %s; will try on a later sweep", message_id, exc_info=True)
            break
    log.info("sweeper re-enqueued %s of %s lost or stuck messages", handed, len(found))
    return handed


def sweep_inbound(now: datetime | None = None, *, limit: int = BATCH) -> int:
    """Inbound rows still `received` long after they arrived: their processing was never queued,
    or the worker holding it died. Processing checks the row's status, so a duplicate is harmless."""
    ctx = context.current()
    now = now or utcnow()
    quiet_since = now - timedelta(seconds=ctx.config.requeue_after)
    with ctx.sessions.begin() as session:
        ids = list(
            session.scalars(
                select(IM.id)
                .where(IM.status == InboundStatus.received, IM.enqueued_at <= quiet_since)
                .order_by(IM.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return 0
        session.execute(
            update(IM).where(IM.id.in_(ids)).values(enqueued_at=now).execution_options(synchronize_session=False)
        )
    for inbound_id in ids:
        try:
            ctx.enqueue(actors.PROCESS_INBOUND, (inbound_id,), None)
        except Exception:
            log.warning("sweeper could not enqueue inbound %s; will try on a later sweep", inbound_id, exc_info=True)
            return 0
    log.info("sweeper re-enqueued %s inbound messages", len(ids))
    return len(ids)
