"""The LINE conversation: webhook events in, a report out through ``submit_report``.

``receive`` stores each event of a verified webhook body once (by ``webhookEventId``) and queues
its handling; ``handle_event`` (the worker) moves the user's ``Conversation`` one step and
answers. A report is told in a few steps: the place (LINE's location message, or a district
group, a district and an address), photos (fetched through the SDK's blob API and checked like
web uploads), a description, the suggested category to confirm or change, a similar open
report nearby offered as "mine too", consent to be told of progress in LINE (asked once), and
the tracking code with the report's link. A draft left half-way expires and says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ruam.core.errors import InvalidInput
from ruam.core.ratelimit import record
from ruam.framework.models import Category
from ruam.geo.locate import locate
from ruam.geo.models import District, DistrictGroup
from ruam.integrations.line import texts as T
from ruam.integrations.line.models import Conversation, DraftPhoto, WebhookEvent
from ruam.integrations.line.signals import forgotten
from ruam.integrations.line.transport import transport
from ruam.reports import services as reports
from ruam.reports.models import Channel, Report
from ruam.reports.photos import PhotoError, process_photo
from ruam.reports.selectors import nearby_open
from ruam.reports.suggest import suggest_categories
from ruam.reports.validation import MAX_PHOTOS

log = logging.getLogger(__name__)
S = Conversation.State
# The version of the consent asked in the chat (texts.ASK_CONSENT), kept with each report.
CONSENT_VERSION = "2026-12-line"


@dataclass
class Reply:
    """What to say back: texts, each with its quick-reply buttons."""

    language: str
    messages: list[dict] = field(default_factory=list)

    def say(self, text: T.B, buttons: list[dict] | None = None, **values) -> None:
        message: dict = {"type": "text", "text": T.say(text, self.language, **values)[:5000]}
        if buttons:
            message["quickReply"] = {"items": buttons[:13]}
        self.add(message)

    def add(self, message: dict) -> None:
        if len(self.messages) < 5:  # LINE takes at most five messages in one reply
            self.messages.append(message)


def _postback(label: str, data: str) -> dict:
    action = {"type": "postback", "label": label[:20], "data": data, "displayText": label}
    return {"type": "action", "action": action}


def _location_button(language: str) -> dict:
    return {
        "type": "action",
        "action": {"type": "location", "label": T.say(T.SEND_LOCATION, language)},
    }


# -- handling an event (the worker) --------------------------------------------------


def handle_event(pk: int, schedule: Callable[[Conversation], None] | None = None) -> int:
    """Handle one stored event, once: move the conversation, answer, empty the stored body.
    ``schedule``: called with a conversation left half-way (the task queues its expiry).
    Returns the number of messages sent."""
    with transaction.atomic():
        stored = WebhookEvent.objects.select_for_update().filter(pk=pk, processed=None).first()
        if stored is None:
            return 0
        outgoing = _dispatch(stored, schedule)
        stored.payload, stored.processed = {}, timezone.now()
        stored.save(update_fields=["payload", "processed"])
    if outgoing is None or not outgoing[1].messages:
        return 0
    conversation, reply, token = outgoing
    return send(conversation, reply.messages, key=f"event:{stored.event_id}", token=token)


def _dispatch(
    stored: WebhookEvent, schedule: Callable[[Conversation], None] | None
) -> tuple[Conversation, Reply, str] | None:
    from linebot.v3.webhooks import Event, FollowEvent, MessageEvent, PostbackEvent, UnfollowEvent

    try:
        event = Event.from_dict(stored.payload)
    except (ValueError, TypeError):
        log.info("LINE event %s not understood", stored.event_id)
        return None
    user_id = getattr(event.source, "user_id", None) if event.source else None
    if not user_id:
        return None
    conversation, _ = Conversation.objects.select_for_update().get_or_create(user_id=user_id)
    token = getattr(event, "reply_token", None) or ""
    reply = Reply(conversation.language)
    if isinstance(event, UnfollowEvent):
        _drop_draft(conversation)
        conversation.following, conversation.unfollowed_at = False, timezone.now()
        conversation.save()
        return None
    if isinstance(event, FollowEvent):
        conversation.following, conversation.followed_at = True, timezone.now()
        reply.say(T.WELCOME, _menu(reply.language))
    elif stored.limited:
        if record("line_notice", user_id) == 1:
            reply.say(T.TOO_MANY)
    elif isinstance(event, MessageEvent | PostbackEvent):
        if conversation.state != S.IDLE and _expired(conversation):
            _drop_draft(conversation)
            reply.say(T.EXPIRED)
        Step(conversation, reply).take(event)
    if not getattr(conversation, "erased", False):
        conversation.save()
        if conversation.state != S.IDLE and conversation.expires_at and schedule:
            schedule(conversation)
    return conversation, reply, token


def expire(pk: int, expires_at: str) -> int:
    """A draft still where it was left when it expired: dropped, and the person told."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().filter(pk=pk).first()
        if (
            conversation is None
            or conversation.state == S.IDLE
            or conversation.expires_at is None
            or conversation.expires_at.isoformat() != expires_at
            or not _expired(conversation)
        ):
            return 0
        _drop_draft(conversation)
        conversation.save()
    if not conversation.following:
        return 0
    reply = Reply(conversation.language)
    reply.say(T.EXPIRED, _menu(conversation.language))
    return send(conversation, reply.messages, key=f"expired:{pk}:{expires_at}")


def _expired(conversation: Conversation) -> bool:
    return conversation.expires_at is not None and conversation.expires_at < timezone.now()


def _drop_draft(conversation: Conversation) -> None:
    conversation.photos.all().delete()
    conversation.state, conversation.draft, conversation.expires_at = S.IDLE, {}, None


def _menu(language: str) -> list[dict]:
    return [
        _postback(T.say(T.START_LABEL, language), "start"),
        _postback(T.say(T.MINE_LABEL, language), "mine"),
    ]


# -- out: replies and pushes --------------------------------------------------------------


def send(conversation: Conversation, messages: list[dict], *, key: str, token: str = "") -> int:
    """Answer with the reply token while it is fresh, else push with a retry key derived from
    ``key`` (a retried push is never delivered twice)."""
    client = transport()
    fresh = settings.LINE_REPLY_TOKEN_SECONDS
    if token:
        try:
            client.reply(token, messages)
            return len(messages)
        except Exception:  # an expired or used token: push instead
            log.info("LINE reply failed, pushing instead", exc_info=True)
    elif (
        conversation.reply_token
        and conversation.reply_token_at
        and (timezone.now() - conversation.reply_token_at) < dt.timedelta(seconds=fresh)
    ):
        # A token LINE gave with an event nobody answered yet: taken once, atomically.
        taken = Conversation.objects.filter(
            pk=conversation.pk, reply_token=conversation.reply_token
        ).update(reply_token="")
        if taken:
            try:
                client.reply(conversation.reply_token, messages)
                return len(messages)
            except Exception:
                log.info("LINE reply failed, pushing instead", exc_info=True)
    retry_key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"ruam:line:{key}:{conversation.user_id}"))
    client.push(conversation.user_id, messages, retry_key)
    return len(messages)


# -- the conversation ---------------------------------------------------------------------


class Step:
    """One event's step of the conversation: reads it, changes the draft, says what is next."""

    def __init__(self, conversation: Conversation, reply: Reply) -> None:
        self.c = conversation
        self.reply = reply

    @property
    def lang(self) -> str:
        return self.c.language

    def say(self, text: T.B, buttons: list[dict] | None = None, **values) -> None:
        self.reply.language = self.lang
        self.reply.say(text, buttons, **values)

    def go(self, state: str) -> None:
        self.c.state = state
        minutes = settings.RUAM_LINE_CONVERSATION_MINUTES
        self.c.expires_at = (
            None if state == S.IDLE else timezone.now() + dt.timedelta(minutes=minutes)
        )

    def take(self, event) -> None:
        from linebot.v3.webhooks import (
            ImageMessageContent,
            LocationMessageContent,
            PostbackEvent,
            TextMessageContent,
        )

        if isinstance(event, PostbackEvent):
            return self.postback(event.postback.data or "")
        message = event.message
        if isinstance(message, TextMessageContent):
            self.c.language = T.language_of(message.text, self.c.language)
            return self.text(message.text.strip())
        if isinstance(message, LocationMessageContent):
            return self.location(float(message.latitude), float(message.longitude), message.address)
        if isinstance(message, ImageMessageContent):
            return self.photo(message.id)
        # Stickers, files, audio: the token stays unused, for a notice to use while fresh.
        self.c.reply_token = getattr(event, "reply_token", "") or ""
        self.c.reply_token_at = timezone.now()
        return None

    # -- commands and text --

    def text(self, text: str) -> None:
        word = text.lower()
        if word in T.START:
            return self.start()
        if word in T.MINE:
            return self.mine()
        if word in T.CANCEL:
            _drop_draft(self.c)
            return self.say(T.CANCELLED, _menu(self.lang))
        if word in T.ERASE:
            return self.erase()
        state = self.c.state
        if state in {S.LOCATION, S.GROUP, S.DISTRICT}:
            return self.district_named(text)
        if state == S.ADDRESS:
            self.c.draft["address"] = text[:300]
            return self.ask_photos(text[:60])
        if state == S.PHOTOS:
            if word in T.SKIP:
                return self.say(T.ASK_DESCRIPTION)
            return self.describe(text)
        if state == S.CATEGORY:
            return self.category_named(text)
        return self.say(T.NOT_UNDERSTOOD, _menu(self.lang))

    def postback(self, data: str) -> None:
        kind, _, value = data.partition(":")
        if kind == "start":
            return self.start()
        if kind == "mine":
            return self.mine()
        if kind == "choose-district":
            return self.ask_group()
        if kind == "group" and self.c.state in {S.LOCATION, S.GROUP}:
            return self.ask_district(value)
        if kind == "district" and self.c.state in {S.LOCATION, S.GROUP, S.DISTRICT}:
            district = District.objects.filter(code=value).first()
            return self.ask_address(district) if district else self.ask_group()
        if kind == "skip" and self.c.state == S.PHOTOS:
            return self.say(T.ASK_DESCRIPTION)
        if kind == "cat" and self.c.state == S.CATEGORY:
            return self.category_chosen(value)
        if kind == "support" and self.c.state == S.NEARBY:
            return self.support(value)
        if kind == "new" and self.c.state == S.NEARBY:
            return self.ask_consent_or_send()
        if kind == "consent" and self.c.state == S.CONSENT:
            if value == "yes":
                self.c.consent_at = timezone.now()
            return self.send_report(consent=value == "yes")
        return self.say(T.NOT_UNDERSTOOD, _menu(self.lang))

    # -- the place --

    def start(self) -> None:
        _drop_draft(self.c)
        self.c.draft["started"] = uuid.uuid4().hex
        self.go(S.LOCATION)
        buttons = [
            _location_button(self.lang),
            _postback(T.say(T.CHOOSE_DISTRICT, self.lang), "choose-district"),
        ]
        self.say(T.ASK_LOCATION, buttons)

    def location(self, lat: float, lon: float, address: str | None) -> None:
        if self.c.state not in {S.IDLE, S.LOCATION, S.GROUP, S.DISTRICT, S.ADDRESS}:
            return self.say(T.NOT_UNDERSTOOD, _menu(self.lang))
        if self.c.state == S.IDLE:
            _drop_draft(self.c)
            self.c.draft["started"] = uuid.uuid4().hex
        found = locate(lat, lon)
        if not found.in_bangkok:
            self.go(S.LOCATION)
            return self.say(T.OUTSIDE_BANGKOK, [_location_button(self.lang)])
        district = District.objects.get(code=found.district_code)
        self.c.draft.update(lat=lat, lon=lon, district=district.code, address=(address or "")[:300])
        self.ask_photos(district.name_en if self.lang == "en" else f"เขต{district.name_th}")

    def ask_group(self) -> None:
        self.go(S.GROUP)
        groups = DistrictGroup.objects.order_by("code")
        name = "name_en" if self.lang == "en" else "name_th"
        self.say(T.ASK_GROUP, [_postback(getattr(g, name), f"group:{g.code}") for g in groups])

    def ask_district(self, group: str) -> None:
        self.go(S.DISTRICT)
        districts = District.objects.filter(group_id=group).order_by("name_th")
        name = "name_en" if self.lang == "en" else "name_th"
        buttons = [_postback(getattr(d, name), f"district:{d.code}") for d in districts]
        self.say(T.ASK_DISTRICT, buttons)

    def district_named(self, text: str) -> None:
        name = text.removeprefix("เขต").strip()
        district = (
            District.objects.filter(name_th=name).first()
            or District.objects.filter(name_en__iexact=name.removesuffix(" district")).first()
        )
        if district is None:
            return self.say(T.DISTRICT_UNKNOWN)
        return self.ask_address(district)

    def ask_address(self, district: District) -> None:
        self.c.draft.update(district=district.code, lat=None, lon=None)
        self.go(S.ADDRESS)
        name = district.name_en if self.lang == "en" else district.name_th
        self.say(T.ASK_ADDRESS, district=name)

    def ask_photos(self, place: str) -> None:
        self.go(S.PHOTOS)
        self.say(T.ASK_PHOTOS, [_postback(T.say(T.SKIP_LABEL, self.lang), "skip")], place=place)

    # -- photos and the description --

    def photo(self, message_id: str) -> None:
        if self.c.state != S.PHOTOS:
            if self.c.state == S.IDLE:
                return self.say(T.ASK_LOCATION, [_location_button(self.lang)])
            return self.say(T.NOT_UNDERSTOOD)
        count = self.c.photos.count()
        if count >= MAX_PHOTOS:
            return self.say(T.PHOTO_LIMIT)
        try:
            data = transport().content(message_id)
        except Exception:
            log.warning("LINE content %s could not be fetched", message_id, exc_info=True)
            return self.say(T.PHOTO_UNREADABLE)
        try:
            process_photo(data)  # the same checks as a web upload, before it is kept
        except PhotoError as exc:
            return self.say(T.B(exc.message_th, exc.message_en))
        DraftPhoto.objects.create(conversation=self.c, data=data)
        self.go(S.PHOTOS)
        self.say(T.PHOTO_RECEIVED, n=count + 1)

    def describe(self, text: str) -> None:
        self.c.draft["description"] = text[:4000]
        suggested = suggest_categories(text, limit=3)
        self.go(S.CATEGORY)
        buttons = [_postback(c.name, f"cat:{c.pk}") for c in suggested]
        buttons += [
            _postback(T.say(T.CATEGORY_OTHER, self.lang), "cat:other"),
            _postback(T.say(T.CATEGORY_UNSURE, self.lang), "cat:none"),
        ]
        if suggested:
            name = suggested[0].name_en if self.lang == "en" else suggested[0].name_th
            return self.say(T.ASK_CATEGORY, buttons, name=name)
        return self.say(T.ASK_CATEGORY_NONE, buttons)

    # -- the category, a report nearby --

    def category_chosen(self, value: str) -> None:
        if value == "other":
            names = ", ".join(
                (c.name_en if self.lang == "en" else c.name_th)
                for c in Category.objects.filter(is_active=True).order_by("pk")
            )
            return self.say(T.CATEGORY_LIST, names=names)
        category = None
        if value.isdigit():
            category = Category.objects.filter(pk=int(value), is_active=True).first()
        self.c.draft["category"] = category.pk if category else None
        return self.offer_nearby(category)

    def category_named(self, text: str) -> None:
        category = (
            Category.objects.filter(is_active=True, name_th=text).first()
            or Category.objects.filter(is_active=True, name_en__iexact=text).first()
        )
        if category is None:
            return self.say(T.CATEGORY_UNKNOWN)
        self.c.draft["category"] = category.pk
        return self.offer_nearby(category)

    def offer_nearby(self, category: Category | None) -> None:
        lat, lon = self.c.draft.get("lat"), self.c.draft.get("lon")
        if lat is not None and lon is not None:
            found = nearby_open(lat, lon, category_ids=[category.pk] if category else None)
            if found:
                near = found[0]
                self.go(S.NEARBY)
                buttons = [
                    _postback(T.say(T.MINE_TOO, self.lang), f"support:{near.report.code}"),
                    _postback(T.say(T.NOT_SAME, self.lang), "new"),
                ]
                return self.say(
                    T.NEARBY,
                    buttons,
                    m=round(near.distance_m),
                    code=near.report.display_code,
                    summary=near.report.summary[:60],
                )
        return self.ask_consent_or_send()

    def support(self, code: str) -> None:
        report = Report.objects.filter(code=code).first()
        if report is None:
            return self.ask_consent_or_send()
        try:
            reports.support(report, fingerprint=fingerprint(self.c.user_id))
        except InvalidInput as exc:
            problem = next(iter(exc.errors.values()))
            self.say(T.B(problem.th, problem.en))
        else:
            self.say(T.SUPPORTED, code=report.display_code, link=_link(report))
        _drop_draft(self.c)

    # -- consent and sending --

    def ask_consent_or_send(self) -> None:
        if self.c.consent_at is not None:
            return self.send_report(consent=True)
        self.go(S.CONSENT)
        buttons = [
            _postback(T.say(T.YES, self.lang), "consent:yes"),
            _postback(T.say(T.NO, self.lang), "consent:no"),
        ]
        return self.say(T.ASK_CONSENT, buttons)

    def send_report(self, *, consent: bool) -> None:
        draft = self.c.draft
        photos = [bytes(p.data) for p in self.c.photos.all()]
        try:
            result = reports.submit_report(
                description=draft.get("description", ""),
                channel=Channel.LINE,
                lat=draft.get("lat"),
                lon=draft.get("lon"),
                address=draft.get("address", ""),
                district_code=draft.get("district"),
                categories=[draft["category"]] if draft.get("category") else [],
                photos=photos,
                contact_line_id=self.c.user_id if consent else "",
                consent=consent,
                consent_version=CONSENT_VERSION,
                idempotency_scope="line",
                idempotency_key=f"{self.c.pk}:{draft.get('started', '')}",
            )
        except InvalidInput as exc:
            # Nothing is lost: the draft stays, and the person is told what is missing.
            problems = "; ".join((m.en if self.lang == "en" else m.th) for m in exc.errors.values())
            self.go(S.LOCATION if {"lat", "location", "district"} & set(exc.errors) else S.PHOTOS)
            return self.say(T.NOT_SENT, problems=problems)
        report = result.report
        body = (
            report.responsible.name_en
            if report.responsible and self.lang == "en"
            else (report.responsible.name_th if report.responsible else "-")
        )
        self.say(T.RECEIVED, code=report.display_code, body=body, link=_link(report))
        if result.reporter_key:
            self.say(T.RECEIVED_PRIVATE, link=f"{_link(report)}?key={result.reporter_key}")
        if not consent:
            self.say(T.NOT_TOLD)
        _drop_draft(self.c)

    # -- the person's own reports and data --

    def mine(self) -> None:
        own = list(Report.objects.filter(contact_line_id=self.c.user_id).order_by("-created")[:10])
        if not own:
            return self.say(T.NONE_YET, _menu(self.lang))
        from django.utils import translation

        with translation.override(self.lang):
            lines = [f"{r.display_code} · {r.get_status_display()} · {_link(r)}" for r in own]
        header = T.say(T.MINE_HEADER, self.lang)
        self.reply.add({"type": "text", "text": "\n".join([header, *lines])[:5000]})

    def erase(self) -> None:
        language = self.lang
        counts = forget(self.c.user_id)
        forgotten.send(sender=Conversation, counts=counts)
        self.c.erased = True  # not to be saved again
        self.reply.language = language
        self.reply.say(T.ERASED)


def _link(report: Report) -> str:
    return settings.RUAM_SITE_URL.rstrip("/") + report.get_absolute_url()


def fingerprint(user_id: str) -> str:
    """A LINE user's supporter fingerprint: not the id itself, and not reversible."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"line:{user_id}".encode(), hashlib.sha256).hexdigest()


def forget(user_id: str) -> dict:
    """Erase what Ruam holds about a LINE user: the conversation with its draft and photos,
    stored event bodies, and the LINE id on their reports (with the consent, where it was the
    only contact). The reports stay. Returns what was erased, counted."""
    with transaction.atomic():
        reports_ = Report.objects.filter(contact_line_id=user_id)
        only_line = reports_.filter(contact_name="", contact_email="", contact_phone="")
        count = only_line.update(
            contact_line_id="", consent_at=None, consent_version="", consent_taken_by=None
        )
        count += reports_.update(contact_line_id="")
        conversations = Conversation.objects.filter(user_id=user_id).delete()[0]
        events = 0
        for stored in WebhookEvent.objects.filter(processed=None).iterator():
            if (stored.payload.get("source") or {}).get("userId") == user_id:
                stored.payload = {}
                stored.save(update_fields=["payload"])
                events += 1
    return {"reports": count, "line_conversations": conversations, "events": events}
