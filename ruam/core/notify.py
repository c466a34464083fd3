"""Telling people things, over pluggable channels (email now; LINE or SMS by adding a class).

``RUAM_NOTIFICATION_CHANNELS`` lists the channel classes; each takes the recipients it can reach.
Messages are sent from background tasks, never from a request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import asdict, dataclass
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    name: str = ""
    email: str = ""
    phone: str = ""
    line_user_id: str = ""  # a LINE user who follows the district's LINE account


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    # What the message is about ("report-event:42"): a channel that can retry safely (LINE's
    # retry key) derives its key from it, so a retried task never sends it twice.
    key: str = ""


class Channel:
    name = "base"
    # True for a channel whose service drops a message it has had with the same key (LINE's
    # retry key); others are guarded by the ledger of sent keys (``SentNotice``).
    dedupes_by_key = False

    def can_reach(self, recipient: Recipient) -> bool:
        raise NotImplementedError

    def send(self, recipient: Recipient, message: Message) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"

    def can_reach(self, recipient: Recipient) -> bool:
        return bool(recipient.email)

    def send(self, recipient: Recipient, message: Message) -> None:
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
            fail_silently=False,
        )


@cache
def channels() -> list[Channel]:
    return [import_string(path)() for path in settings.RUAM_NOTIFICATION_CHANNELS]


# When a sending fails (the mail server down or not answering), it is tried again this many
# seconds after each failed try; after the last, the failure stays in the log.
RESEND_AFTER = (60, 300, 900, 3600, 6 * 3600)


def deliver(recipients: list[Recipient], message: Message, *, tries: int = 0) -> int:
    """Send to each recipient over the first channel that reaches them; returns how many.

    A message with a key goes once to each address: a task run again after its worker died
    mid-way sends what had not gone and skips what had (``_send_once``). A recipient whose
    sending failed gets it from ``resend`` later (``RESEND_AFTER``); ``tries`` is how many times
    it has failed before."""
    sent = 0
    for recipient in recipients:
        for channel in channels():
            if channel.can_reach(recipient):
                ledger = message.key and not getattr(channel, "dedupes_by_key", False)
                try:
                    if ledger:
                        if not _send_once(channel, recipient, message):
                            break  # it went before
                    else:
                        channel.send(recipient, message)
                    sent += 1
                except Exception:  # one unreachable person must not stop the others
                    log.exception("notification over %s failed", channel.name)
                    _resend_later(recipient, message, tries)
                break
    return sent


def _resend_later(recipient: Recipient, message: Message, tries: int) -> None:
    if tries >= len(RESEND_AFTER):
        log.error("notification %r given up after %d tries", message.key or message.subject, tries)
        return
    if not resend.get_backend().supports_defer:  # a queue that cannot wait (the tests' own)
        log.warning("notification %r not tried again: the queue cannot wait", message.key)
        return
    later = timezone.now() + dt.timedelta(seconds=RESEND_AFTER[tries])
    resend.using(run_after=later).enqueue(asdict(recipient), asdict(message), tries + 1)


@task()
def resend(recipient: dict, message: dict, tries: int) -> int:
    """A notice whose sending failed, tried again for that one recipient (the ledger still keeps
    a keyed one from going twice)."""
    return deliver([Recipient(**recipient)], Message(**message), tries=tries)


def _ledger_key(key: str, channel: Channel, recipient: Recipient) -> str:
    address = recipient.email or recipient.phone or recipient.line_user_id
    digest = hashlib.sha256(f"{key}|{channel.name}|{address}".encode()).hexdigest()
    return f"{key[:150]}|{digest}"


def _send_once(channel: Channel, recipient: Recipient, message: Message) -> bool:
    """Send unless the ledger of sent keys (``SentNotice``) says it went; False if it had.

    The ledger's row and the sending are one transaction. The row is written first, so a second
    task with the same key waits for this one and then finds it; it is kept only if the sending
    finished. If the sending fails, or the worker is killed while sending (the database rolls
    back the open transaction of a connection that drops), no row stays and a retry sends it:
    a message is never lost to a dead worker. Only a kill in the instant between the mail
    server's acceptance and the commit could send it twice."""
    from django.db import connections, router, transaction

    from ruam.core.models import SentNotice

    using = router.db_for_write(SentNotice)
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:  # a row already there is no error: no savepoint
            cursor.execute(
                _RECORD.format(table=connection.ops.quote_name(SentNotice._meta.db_table)),
                [
                    _ledger_key(message.key, channel, recipient),
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                ],
            )
            if cursor.rowcount != 1:
                return False
        channel.send(recipient, message)
    return True


_RECORD = 'INSERT INTO {table} ("key", "created") VALUES (%s, %s) ON CONFLICT ("key") DO NOTHING'
