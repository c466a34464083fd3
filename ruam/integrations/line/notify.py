"""The LINE notification channel: reporters who agreed are told of their report's progress in
LINE, through the same interface as e-mail (``ruam.core.notify``). Name it in
``RUAM_NOTIFICATION_CHANNELS``: ``ruam.integrations.line.notify.LineChannel``."""

from __future__ import annotations

from ruam.core.notify import Channel, Message, Recipient
from ruam.integrations.line.models import Conversation
from ruam.integrations.line.services import send
from ruam.integrations.line.transport import enabled


class LineChannel(Channel):
    name = "line"
    # LINE drops a push it has had with the same X-Line-Retry-Key: a retried notice is sent
    # again with the key derived from the message's, and arrives once.
    dedupes_by_key = True

    def can_reach(self, recipient: Recipient) -> bool:
        return (
            bool(recipient.line_user_id)
            and enabled()
            and Conversation.objects.filter(user_id=recipient.line_user_id, following=True).exists()
        )

    def send(self, recipient: Recipient, message: Message) -> None:
        conversation = Conversation.objects.get(user_id=recipient.line_user_id)
        text = {"type": "text", "text": message.body.strip()[:5000]}
        # The reply token when one is still fresh, else a push; the retry key comes from the
        # message's key, so the same notice retried by the worker is delivered once.
        send(conversation, [text], key=message.key or message.subject)
