"""The internship-day state machine: every (state, event) pair; allowed moves move, the others are
refused with a reason and change nothing."""

from __future__ import annotations

import itertools

import pytest

from workflow.errors import Refused
from workflow.models import DAY_TRANSITIONS, DayEvent, DayStatus, InternshipDay, move_day
from workflow.models.attendance import COORDINATOR_EVENTS


@pytest.mark.parametrize(("state", "event"), list(itertools.product(DayStatus, DayEvent)))
def test_every_state_and_event(state: DayStatus, event: DayEvent) -> None:
    day = InternshipDay(status=state.value)
    target = DAY_TRANSITIONS.get((state, event))
    if target is None:
        with pytest.raises(Refused) as refused:
            move_day(day, event)
        assert (refused.value.reason, refused.value.details) == ("bad_day_move", {"state": state, "event": event})
        assert day.status == state.value, "nothing changed"
    else:
        assert move_day(day, event) == target
        assert day.status == target.value


def test_the_table_reaches_every_state() -> None:
    reached = set(DAY_TRANSITIONS.values()) | {DayStatus.missed}  # a day is created missed
    assert reached == set(DayStatus)


def test_a_day_is_answered_once_then_kept() -> None:
    """An answered day moves only by a check-in it never had (or a coordinator's decision); a
    second answer is kept, not a move."""
    for answered in (DayStatus.confirmed, DayStatus.disputed):
        moves = {event for (state, event) in DAY_TRANSITIONS if state == answered}
        assert moves == {DayEvent.check_in} | COORDINATOR_EVENTS


def test_a_coordinator_settles_or_excuses_a_day_from_any_state() -> None:
    """Fixing the record on the dashboard: from every state, settle confirms and excuse marks missed."""
    for state in DayStatus:
        assert DAY_TRANSITIONS[(state, DayEvent.settle)] == DayStatus.confirmed
        assert DAY_TRANSITIONS[(state, DayEvent.excuse)] == DayStatus.missed
