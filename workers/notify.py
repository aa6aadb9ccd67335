"""The job that sends one notification to a reporter: email or SMS, once.

1. `begin_attempt` (its own short transaction) counts the try and fixes the words and ids;
2. the message goes out with no transaction open (an SMTP server or a gateway may be slow,
   and SQLite's one writer must not wait on it);
3. `mark_sent` and the outbox step's done mark commit together (`run_step`).

A failure is counted on the step and, after the last try, opens an incident on the case
(`record_failure`); RQ retries with the configured backoff meanwhile. A second delivery of a
step already done finds the notification sent and does nothing.
"""

from __future__ import annotations

import traceback

from hamyar.core.application import notifications
from hamyar.core.application.context import Application
from hamyar.core.application.notifications import Delivery
from hamyar.core.engine.outbox import SEND_NOTIFICATION
from hamyar.core.plugin.sms import SmsMessage, sender_for
from hamyar.workers.incidents import record_failure
from hamyar.workers.mail import send_email
from hamyar.workers.runtime import application
from hamyar.workers.steps import run_step


def send_notification(notification: str, key: str | None = None) -> str:
    """Send the notification keyed `notification` unless it was sent already."""
    payload = {"notification": notification}
    key = key or SEND_NOTIFICATION.key(**payload)
    app = application()
    delivery = notifications.begin_attempt(app.unit_of_work(), notification)
    if delivery is None or delivery.skip:
        return run_step(
            key,
            SEND_NOTIFICATION.name,
            lambda uow: None,
            payload=payload,
            case_id=delivery.case_id if delivery else None,
        )
    try:
        ref = deliver(app, delivery)
    except Exception as exc:
        notifications.record_error(app.unit_of_work(), notification, f"{type(exc).__name__}: {exc}")
        record_failure(
            key,
            SEND_NOTIFICATION.name,
            exc,
            traceback.format_exc(),
            payload=payload,
            case_id=delivery.case_id,
        )
        raise
    return run_step(
        key,
        SEND_NOTIFICATION.name,
        lambda uow: notifications.mark_sent(uow, notification, ref),
        payload=payload,
        case_id=delivery.case_id,
    )


def deliver(app: Application, delivery: Delivery) -> str:
    """Hand the message to the SMTP server or the SMS gateway; return its id there."""
    settings = app.settings
    if delivery.channel == "email":
        if not settings.smtp_url:
            raise RuntimeError("HAMYAR_SMTP_URL is not set; set it and retry the incident")
        return send_email(
            settings.smtp_url,
            sender=settings.mail_from,
            to=delivery.recipient,
            subject=delivery.subject,
            body=delivery.body,
            message_id=delivery.message_id,
            timeout=settings.sms_timeout,
        )
    if not settings.sms_url:
        raise RuntimeError("HAMYAR_SMS_URL is not set; set it and retry the incident")
    sender = sender_for(app.registry.sms_senders, settings.sms_url, timeout=settings.sms_timeout)
    return sender.send(
        SmsMessage(to=delivery.recipient, text=delivery.body, ref=str(delivery.notification_id))
    )
