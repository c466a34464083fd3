"""Telling people things, over pluggable channels (email now; LINE or SMS by adding a class).

``RUAM_NOTIFICATION_CHANNELS`` lists the channel classes; each takes the recipients it can reach.
Messages are sent from background tasks, never from a request.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

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


def deliver(recipients: list[Recipient], message: Message) -> int:
    """Send to each recipient over the first channel that reaches them; returns how many.

    A message with a key is sent at most once to each address: a task run again after its
    worker died mid-way skips the people it had already told."""
    sent = 0
    for recipient in recipients:
        for channel in channels():
            if channel.can_reach(recipient):
                ledger = message.key and not getattr(channel, "dedupes_by_key", False)
                if ledger and not _first_time(message.key, channel, recipient):
                    break
                try:
                    channel.send(recipient, message)
                    sent += 1
                except Exception:  # one unreachable person must not stop the others
                    log.exception("notification over %s failed", channel.name)
                    if ledger:  # not sent after all: a retry may send it
                        _forget(message.key, channel, recipient)
                break
    return sent


def _ledger_key(key: str, channel: Channel, recipient: Recipient) -> str:
    address = recipient.email or recipient.phone or recipient.line_user_id
    digest = hashlib.sha256(f"{key}|{channel.name}|{address}".encode()).hexdigest()
    return f"{key[:150]}|{digest}"


def _first_time(key: str, channel: Channel, recipient: Recipient) -> bool:
    """Record (before sending) that this message goes to this address; False if it went."""
    from django.db import IntegrityError, connection, transaction

    from ruam.core.models import SentNotice
    from ruam.core.rows import insert

    # Inside a transaction a savepoint keeps the refused insert from spoiling it; outside one
    # (a worker's task) the insert is a transaction of its own.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            insert(SentNotice(key=_ledger_key(key, channel, recipient)))
        return True
    except IntegrityError:
        return False


def _forget(key: str, channel: Channel, recipient: Recipient) -> None:
    from ruam.core.models import SentNotice

    SentNotice.objects.filter(key=_ledger_key(key, channel, recipient)).delete()
