"""The SMS sender interface: what a plugin implements to carry Hamyar's text messages.

A sender is chosen by the scheme of `HAMYAR_SMS_URL` (`kavenegar://…`, `https://…`, or a
plugin's own), from the factories plugins register with `register_sms_senders`. Workers call
`send` once per try of one message; a message keeps its `ref` across tries, so a gateway that
deduplicates by a client id (Kavenegar's `localid`) sends it once even when the worker died
after the gateway took it and before Hamyar wrote down that it had.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SmsMessage:
    """One text message to one phone."""

    to: str
    """The recipient, canonical national form (`09121234567`)."""
    text: str
    ref: str
    """Hamyar's id of this message (decimal digits), the same on every try: pass it to the
    gateway's deduplication field where it has one."""


class SmsSendError(Exception):
    """The gateway did not take the message. The worker retries with backoff; after the last
    try the step becomes an incident that a person can retry."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        """A retry cannot help (a wrong API key, a number the gateway refuses)."""


class SmsSender(Protocol):
    """Sends one message; returns the gateway's id for it, or raises SmsSendError."""

    def send(self, message: SmsMessage) -> str: ...


SmsSenderFactory = Callable[..., SmsSender]
"""`factory(url, timeout=seconds)` → a sender configured from `HAMYAR_SMS_URL`."""


def scheme_of(url: str) -> str:
    """The scheme that picks the sender (`kavenegar`, `https`, `webhook+https` → `https`)."""
    scheme = urlsplit(url).scheme.lower()
    return scheme.removeprefix("webhook+")


def sender_for(factories: dict[str, SmsSenderFactory], url: str, *, timeout: float) -> SmsSender:
    """The configured sender; LookupError naming the known schemes when none fits."""
    scheme = scheme_of(url)
    factory = factories.get(scheme)
    if factory is None:
        known = ", ".join(sorted(factories)) or "none"
        raise LookupError(
            f"HAMYAR_SMS_URL has scheme {scheme!r}, which no SMS sender handles (known: {known}); "
            "install the plugin that provides it, or use one of those"
        )
    return factory(url, timeout=timeout)
