"""SMS through the official twilio client, with a timeout and a settable API base URL."""

from __future__ import annotations

import logging
from datetime import timedelta

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from messaging.outbound.transports import ConfigurationError, Outgoing, PermanentError, SendResult, TransientError

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
OPTED_OUT = 21610
# Twilio's codes for numbers that will never take this message.
PERMANENT_CODES = frozenset({21211, 21212, 21214, 21217, 21401, 21408, 21602, 21612, 21614, 21617, OPTED_OUT})


class _RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends the client's requests to another base URL (tests point it at a local server)."""

    def __init__(self, api_base: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.api_base = api_base.rstrip("/")

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if url.startswith(TWILIO_API):
            url = self.api_base + url[len(TWILIO_API) :]
        return super().request(method, url, params, data, headers, auth, timeout, allow_redirects)


def classify(exc: TwilioRestException) -> TransientError | PermanentError:
    reason = f"Twilio {exc.status} (code {exc.code}): {exc.msg}"
    if exc.status == 401:  # our account SID or auth token, not the message
        return ConfigurationError(f"{reason} (check RELAY_TWILIO_ACCOUNT_SID and RELAY_TWILIO_AUTH_TOKEN)", code="401")
    if exc.status == 429 or exc.status >= 500:
        return TransientError(reason, code=str(exc.code or exc.status))
    return PermanentError(reason, code=str(exc.code or exc.status), opted_out=exc.code == OPTED_OUT)


class TwilioTransport:
    name = "twilio"

    def __init__(
        self, *, account_sid: str, auth_token: str, api_base: str, status_callback: str | None, timeout: float
    ) -> None:
        self.client = Client(account_sid, auth_token, http_client=_RebasedHttpClient(api_base, timeout))
        self.status_callback = status_callback

    def send(self, message: Outgoing) -> SendResult:
        kwargs: dict[str, object] = {"to": message.to_address, "body": message.body_text}
        if message.messaging_service_sid:  # the service picks the pool's number, sticky per recipient
            kwargs["messaging_service_sid"] = message.messaging_service_sid
        else:
            kwargs["from_"] = message.from_address
        if self.status_callback:
            # Our row id rides in the URL (Twilio signs it), so a callback that arrives before
            # the send is recorded still finds its row.
            kwargs["status_callback"] = f"{self.status_callback}?m={message.id}"
        try:
            sent = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            raise classify(exc) from exc
        except requests.Timeout as exc:
            raise TransientError(f"Twilio did not answer in time: {exc}", uncertain=True) from exc
        except requests.RequestException as exc:
            raise TransientError(f"cannot reach Twilio: {exc}") from exc
        return SendResult(provider_id=str(sent.sid))

    def accepted(self, message: Outgoing) -> list[str]:
        """After an interrupted send, the ids of messages Twilio took that may be this one."""
        since = message.created_at - timedelta(minutes=1)
        try:
            if message.messaging_service_sid:  # the number the service picked is not ours to know
                recent = self.client.messages.list(to=message.to_address, limit=50)
            else:
                recent = self.client.messages.list(to=message.to_address, from_=message.from_address, limit=50)
        except (TwilioRestException, requests.RequestException) as exc:
            raise TransientError(f"cannot check Twilio for an interrupted send: {exc}") from exc
        return [
            str(item.sid)
            for item in recent
            if item.body == message.body_text and (item.date_created is None or item.date_created >= since)
        ]

    def close(self) -> None:
        pass
