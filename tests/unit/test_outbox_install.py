"""The outbox's after-commit hand-off is installed per session factory, and every new factory gets it."""

from __future__ import annotations

import gc

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from messaging import outbox


def test_every_new_factory_gets_the_hand_off_even_where_an_old_ones_id_is_reused() -> None:
    # SQLAlchemy's `event.contains` answered True for a new factory once an old one was collected,
    # so a runtime built after another one got no hand-off at all.
    engine = create_engine("sqlite://")
    for _ in range(10):
        sessions: sessionmaker[Session] = sessionmaker(engine)
        outbox.install(sessions)
        # What install registered runs on commit: look at the hook's effect, not the registry.
        session = sessions()
        session.info[outbox._PENDING] = []
        session.commit()
        assert outbox._PENDING not in session.info, "the after-commit hook did not run for a new factory"
        session.close()
        del sessions, session
        gc.collect()
