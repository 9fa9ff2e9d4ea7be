"""What processing an inbound message came to, as recorded on its row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["processed", "ignored", "quarantined", "failed"]


@dataclass(frozen=True)
class Outcome:
    status: Status
    kind: str
    result: str = ""
