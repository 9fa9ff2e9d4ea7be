"""The dev outbox: nothing leaves the machine; the stored row is what would have been sent."""

from __future__ import annotations

from messaging.outbound.transports import Outgoing, SendResult


class DevOutbox:
    def __init__(self, channel: str) -> None:
        self.name = f"dev-{channel}"

    def send(self, message: Outgoing) -> SendResult:
        return SendResult(provider_id=f"dev-{message.id}", detail="kept in the dev outbox")

    def close(self) -> None:
        pass
