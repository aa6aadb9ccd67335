"""Email over SMTP, configured by one URL (`HAMYAR_SMTP_URL`).

`smtp://user:pass@host:587?starttls=true` (STARTTLS), `smtps://user:pass@host:465` (TLS from
the first byte), `smtp://host:25` (a local relay, no login). The standard library's smtplib:
one connection per message, which is what a worker's one-step job needs.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit


def send_email(
    url: str,
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    timeout: float,
) -> str:
    """Send one plain-text message; return its Message-ID. Raises OSError/SMTPException."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"HAMYAR_SMTP_URL must start smtp:// or smtps://, not {parts.scheme}://")
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    host = parts.hostname or "localhost"
    message = EmailMessage()
    message["From"] = sender or f"hamyar@{host}"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = formatdate(localtime=False)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    client: smtplib.SMTP
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(
            host, parts.port or 465, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
    with client:
        if parts.scheme == "smtp" and query.get("starttls") in ("1", "true", "yes"):
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
    return message_id
