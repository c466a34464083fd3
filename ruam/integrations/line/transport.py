"""Talking to LINE's Messaging API through the official SDK (line-bot-sdk v3).

``Transport`` is what the conversation and the notification channel use: reply with a reply
token, push with a retry key, fetch a message's content. ``SdkTransport`` is LINE itself, at the
addresses in the settings (``LINE_API_BASE``, ``LINE_DATA_API_BASE``: tests point them at a
stand-in on 127.0.0.1); ``LINE_TRANSPORT`` names another class (a fake in tests).
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


class Transport:
    def reply(self, reply_token: str, messages: list[dict]) -> None:
        raise NotImplementedError

    def push(self, user_id: str, messages: list[dict], retry_key: str) -> None:
        raise NotImplementedError

    def content(self, message_id: str) -> bytes:
        raise NotImplementedError


class SdkTransport(Transport):
    def _client(self, host: str):
        from linebot.v3.messaging import ApiClient, Configuration

        config = Configuration(host=host, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN)
        return ApiClient(config)

    def reply(self, reply_token: str, messages: list[dict]) -> None:
        from linebot.v3.messaging import MessagingApi, ReplyMessageRequest

        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
        with self._client(settings.LINE_API_BASE) as client:
            MessagingApi(client).reply_message(request)

    def push(self, user_id: str, messages: list[dict], retry_key: str) -> None:
        from linebot.v3.messaging import MessagingApi, PushMessageRequest

        request = PushMessageRequest.from_dict({"to": user_id, "messages": messages})
        with self._client(settings.LINE_API_BASE) as client:
            MessagingApi(client).push_message(request, x_line_retry_key=retry_key)

    def content(self, message_id: str) -> bytes:
        from linebot.v3.messaging import MessagingApiBlob

        with self._client(settings.LINE_DATA_API_BASE) as client:
            return bytes(MessagingApiBlob(client).get_message_content(message_id))


@cache
def _transport(path: str) -> Transport:
    return import_string(path)()


def transport() -> Transport:
    return _transport(settings.LINE_TRANSPORT)


def enabled() -> bool:
    """LINE is on when its channel secret and access token are set."""
    return bool(settings.LINE_CHANNEL_SECRET and settings.LINE_CHANNEL_ACCESS_TOKEN)
