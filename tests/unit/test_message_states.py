"""The message status machines: every (state, event) pair of the outbound table, and every pair
of inbound statuses; allowed moves give the table's target, all others are refused."""

from __future__ import annotations

import itertools

import pytest

from messaging.models import (
    FINAL_STATUSES,
    INBOUND_MOVES,
    MOVES,
    BadMove,
    InboundStatus,
    OutboundEvent,
    Status,
    inbound_move,
    move,
    moves_from,
    target,
)


@pytest.mark.parametrize(("state", "event"), list(itertools.product(Status, OutboundEvent)))
def test_every_outbound_state_and_event(state: Status, event: OutboundEvent) -> None:
    expected = MOVES.get((state, event))
    if expected is None:
        with pytest.raises(BadMove):
            move(state, event)
        assert state.value not in moves_from(event)
    else:
        assert move(state, event) == expected == target(event)
        assert state.value in moves_from(event)


def test_the_outbound_table_as_the_writers_rely_on_it() -> None:
    assert {Status.delivered, Status.undelivered, Status.failed, Status.bounced, Status.suppressed} == FINAL_STATUSES
    assert {s for s in Status if not any(key[0] == s for key in MOVES)} == FINAL_STATUSES - {Status.delivered}
    assert moves_from(OutboundEvent.claim) == ["queued"]
    assert moves_from(OutboundEvent.reclaim) == ["sending"]
    assert moves_from(OutboundEvent.reported_sent) == ["queued", "sending"], "a late `sent` never undoes more"
    assert moves_from(OutboundEvent.reported_delivered) == ["queued", "sending", "sent"]
    assert moves_from(OutboundEvent.bounce) == ["queued", "sending", "sent", "delivered"]
    assert {target(e) for e in OutboundEvent} | {Status.queued} == set(Status), "every status is reached"


@pytest.mark.parametrize(("state", "to"), list(itertools.product(InboundStatus, InboundStatus)))
def test_every_inbound_state_and_next_state(state: InboundStatus, to: InboundStatus) -> None:
    if to in INBOUND_MOVES.get(state, frozenset()):
        assert inbound_move(state, to) == to
    else:
        with pytest.raises(BadMove):
            inbound_move(state, to)


def test_an_inbound_message_moves_once_from_received() -> None:
    assert set(INBOUND_MOVES) == {InboundStatus.received}
    assert INBOUND_MOVES[InboundStatus.received] == set(InboundStatus) - {InboundStatus.received}
