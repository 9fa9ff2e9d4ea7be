"""Transports send one stored message through a provider and say how it went.

A transport raises `TransientError` when trying again later may succeed (SMTP 4xx, connection
errors, Twilio 429/5xx), `PermanentError` when it will not (SMTP 5xx, Twilio 21211/21610), and
`ConfigurationError` when the provider refuses our credentials or connection (SMTP 535, Twilio 401).
`uncertain` on an error means the provider may have accepted the message before the failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


class Outgoing(Protocol):
    """What a transport reads of a claimed message (a row of outbound_messages)."""

    @property
    def id(self) -> int: ...
    @property
    def to_address(self) -> str: ...
    @property
    def from_address(self) -> str: ...
    @property
    def messaging_service_sid(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def body_text(self) -> str: ...
    @property
    def body_html(self) -> str | None: ...
    @property
    def message_id_header(self) -> str | None: ...
    @property
    def reply_to(self) -> str | None: ...
    @property
    def references(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    detail: str = ""


class DeliveryError(Exception):
    def __init__(self, reason: str, *, code: str | None = None, uncertain: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.uncertain = uncertain


class TransientError(DeliveryError):
    """Try again later."""


class ConfigurationError(TransientError):
    """The provider refused us, not the message (a wrong SMTP password, bad Twilio credentials).

    No message is at fault, so none is given up on: each is held and tried again with backoff,
    and every attempt is logged as an error for the operator to fix the setting. An alert email
    to a coordinator would usually meet the same refusal.
    """


class PermanentError(DeliveryError):
    """Do not try again; the coordinator is told."""

    def __init__(self, reason: str, *, code: str | None = None, opted_out: bool = False) -> None:
        super().__init__(reason, code=code)
        self.opted_out = opted_out


class Transport(Protocol):
    name: str

    def send(self, message: Outgoing) -> SendResult: ...

    def close(self) -> None: ...


@runtime_checkable
class Reconciling(Protocol):
    """A transport that can tell whether an interrupted attempt reached the provider."""

    def accepted(self, message: Outgoing) -> list[str]:
        """Provider ids of accepted messages that may be this one."""
        ...
