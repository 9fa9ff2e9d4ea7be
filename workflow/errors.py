"""The domain's one error: a move that may not happen."""

from __future__ import annotations


class Refused(Exception):
    """A move that may not happen; nothing changed. `reason` names why, and `details` fill it in:
    the words a person reads are `{% block <reason> %}` of templates/web/refusals.txt."""

    def __init__(self, reason: str, **details: str) -> None:
        super().__init__(reason, details)
        self.reason = reason
        self.details = details

    def __str__(self) -> str:
        return f"{self.reason} {self.details}" if self.details else self.reason
