"""The words of a notification, from the catalogue: a short SMS, a fuller email.

An SMS must fit in two parts. A Persian text travels as UCS-2: 70 characters in one part, 67
per part once it is split (the rest carries the joining header), so two parts hold 134; an
agency's title is shortened with "…" when the message would not fit otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hamyar.core.i18n import gettext

MAX_SMS_PARTS = 2
GSM_CHARS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

SMS_TEXT = {
    "received": "Hamyar: your report is registered, tracking code {code}. Follow it: {link}",
    "assigned": "Hamyar: report {code} is now with {agency}. Follow it: {link}",
    "resolved": "Hamyar: report {code} has been resolved. Reply with 1 to 5 to rate it. {link}",
    "rejected": "Hamyar: report {code} was not accepted; the reason: {link}",
    "note": "Hamyar: a new message about report {code}: {link}",
    "rated": "Hamyar: thank you for rating report {code}.",
}
SUBJECT = {
    "received": "Report {code} registered",
    "assigned": "Report {code} is with {agency}",
    "resolved": "Report {code} resolved",
    "rejected": "Report {code} not accepted",
    "note": "New message about report {code}",
    "rated": "Thank you for rating report {code}",
}
EMAIL_LINE = {
    "received": "Your report has been registered. Its tracking code is {code}.",
    "assigned": "Your report {code} has been handed to {agency}.",
    "resolved": "Your report {code} has been resolved.",
    "rejected": "Your report {code} was not accepted. The status page says why.",
    "note": "The caseworker wrote about your report {code}:",
    "rated": "Thank you for rating report {code}.",
}


def sms_parts(text: str) -> int:
    """How many SMS parts `text` takes (GSM-7 160/153, else UCS-2 70/67)."""
    single, multi = (160, 153) if all(c in GSM_CHARS for c in text) else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // multi)


@dataclass(frozen=True)
class Worded:
    subject: str
    body: str


def status_link(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/status/{code}"


def sms_text(event: str, locale: str, *, code: str, link: str, agency: str = "") -> str:
    """The SMS for `event`, at most MAX_SMS_PARTS parts (the agency's title shortened)."""
    template = SMS_TEXT[event]
    text = gettext(locale, template, code=code, link=link, agency=agency)
    while sms_parts(text) > MAX_SMS_PARTS and len(agency) > 8:
        agency = agency[: len(agency) - 2].rstrip() + "…"
        text = gettext(locale, template, code=code, link=link, agency=agency)
    return text


def email_text(
    event: str,
    locale: str,
    *,
    code: str,
    link: str,
    service: str,
    opt_out_link: str,
    agency: str = "",
    params: dict[str, Any] | None = None,
) -> Worded:
    """The email for `event`: a subject, and a plain-text body with the status and opt-out
    links."""
    values = {"code": code, "agency": agency}
    lines = [gettext(locale, EMAIL_LINE[event], **values)]
    note = (params or {}).get("note")
    if event == "note" and note:
        lines += ["", str(note)]
    lines += [
        "",
        gettext(locale, "Service: {service}", service=service),
        gettext(locale, "Follow your report: {link}", link=link),
        "",
        "--",
        gettext(
            locale, "To receive no more messages about your reports: {link}", link=opt_out_link
        ),
    ]
    return Worded(
        subject=gettext(locale, "Hamyar") + ": " + gettext(locale, SUBJECT[event], **values),
        body="\n".join(lines) + "\n",
    )
