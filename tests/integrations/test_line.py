"""A resident reports through LINE: webhook bodies signed here, LINE's API a stand-in on
127.0.0.1 (the SDK talks to it), status pushes captured by a fake transport."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from ruam.bodies.models import Role
from ruam.core import notify
from ruam.framework.models import Category
from ruam.integrations.line import services
from ruam.integrations.line.models import Conversation, DraftPhoto, WebhookEvent
from ruam.privacy.models import Erasure
from ruam.reports import services as reports
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

from ..conftest import jpeg

pytestmark = pytest.mark.django_db

SECRET = "line-channel-secret-for-tests"
USER = "U4af4980629a0b1c2d3e4f5a6b7c8d9e0"
POINT = (13.8596, 100.7046)  # คลองสามวา (1046)
_ids = itertools.count(1)


class LineStandIn:
    """LINE's Messaging API as it answers: replies and pushes recorded, photos served."""

    def __init__(self) -> None:
        self.replies: list[dict] = []
        self.pushes: list[tuple[dict, str]] = []
        self.photo = jpeg(800, 600)
        self.fail_replies = False

    def texts(self) -> list[str]:
        return [m["text"] for r in self.replies for m in r["messages"]]


@pytest.fixture
def line(settings):
    stand_in = LineStandIn()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            assert self.headers["Authorization"] == "Bearer line-access-token"
            if self.path.endswith("/content"):
                return self._answer(200, stand_in.photo, "image/jpeg")
            return self._answer(404, b"{}")

        def do_POST(self):
            assert self.headers["Authorization"] == "Bearer line-access-token"
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            # LINE's answer, as recorded: one sent message (id, quote token) per message.
            sent = json.dumps(
                {"sentMessages": [{"id": str(461230966842064897 + i), "quoteToken": "IStG5h1T"}
                                  for i, _ in enumerate(body.get("messages", []))]}
            ).encode()  # fmt: skip
            if self.path == "/v2/bot/message/reply":
                if stand_in.fail_replies:
                    return self._answer(400, b'{"message": "Invalid reply token"}')
                stand_in.replies.append(body)
                return self._answer(200, sent)
            if self.path == "/v2/bot/message/push":
                stand_in.pushes.append((body, self.headers.get("X-Line-Retry-Key", "")))
                return self._answer(200, sent)
            return self._answer(404, b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LINE_CHANNEL_SECRET = SECRET
    settings.LINE_CHANNEL_ACCESS_TOKEN = "line-access-token"
    settings.LINE_API_BASE = settings.LINE_DATA_API_BASE = url
    yield stand_in
    server.shutdown()
    server.server_close()


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def event(kind: str, *, redelivery: bool = False, event_id: str | None = None, **fields) -> dict:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(timezone.now().timestamp() * 1000),
        "source": {"type": "user", "userId": USER},
        "webhookEventId": event_id or f"01JTEST{next(_ids):019d}",
        "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": uuid.uuid4().hex,
        **fields,
    }


def text(words: str, **kw) -> dict:
    message = {"id": str(next(_ids)), "type": "text", "text": words, "quoteToken": "q"}
    return event("message", message=message, **kw)


def location(lat: float, lon: float) -> dict:
    message = {"id": str(next(_ids)), "type": "location", "latitude": lat, "longitude": lon,
               "address": "ซอยสุขาภิบาล 5 คลองสามวา"}  # fmt: skip
    return event("message", message=message)


def image() -> dict:
    message = {"id": str(next(_ids)), "type": "image", "quoteToken": "q",
               "contentProvider": {"type": "line"}}  # fmt: skip
    return event("message", message=message)


def postback(data: str, **kw) -> dict:
    return event("postback", postback={"data": data}, **kw)


def deliver(client, capture, *events: dict, signature: str | None = None):
    body = json.dumps({"destination": "Ubot", "events": list(events)}).encode()
    headers = {"X-Line-Signature": signature if signature is not None else sign(body)}
    with capture(execute=True):
        return client.post(
            "/integrations/line/webhook", body, content_type="application/json", headers=headers
        )


def flood() -> str:
    return str(Category.objects.get(name_th="น้ำท่วม").pk)


def tell_a_report(client, capture, line) -> Report:
    """The whole conversation, one step per webhook delivery, as LINE sends them."""
    for step in (
        event("follow", follow={"isUnblocked": False}),
        text("แจ้งปัญหา"),
        location(*POINT),
        image(),
        text("น้ำท่วมขังหน้าซอย รถผ่านไม่ได้ ทุกครั้งที่ฝนตก"),
        postback(f"cat:{flood()}"),
        postback("consent:yes"),
    ):
        assert deliver(client, capture, step).status_code == 200
    return Report.objects.get(channel=Channel.LINE)


# -- the conversation ---------------------------------------------------------------------


def test_a_whole_conversation_makes_exactly_one_report_with_photo_and_location(
    client, line, django_capture_on_commit_callbacks
):
    report = tell_a_report(client, django_capture_on_commit_callbacks, line)
    assert Report.objects.count() == 1
    assert (report.lat, report.lon) == POINT and report.district_id == "1046"
    assert report.address == "ซอยสุขาภิบาล 5 คลองสามวา"
    assert report.description == "น้ำท่วมขังหน้าซอย รถผ่านไม่ได้ ทุกครั้งที่ฝนตก"
    assert [c.name_th for c in report.categories.all()] == ["น้ำท่วม"]
    assert report.photos.count() == 1 and report.photos.get().width == 800
    assert report.contact_line_id == USER and report.consent_at is not None
    assert report.consent_version == services.CONSENT_VERSION
    said = line.texts()
    assert said[0].startswith("สวัสดี")  # the follow
    assert any("ส่งตำแหน่ง" in t or "ที่ไหน" in t for t in said)
    assert any("ได้รับภาพที่ 1" in t for t in said)
    assert any(report.display_code in t and f"/reports/{report.code}/" in t for t in said)
    # The draft and its photos are gone once the report is made; the event bodies too.
    conversation = Conversation.objects.get(user_id=USER)
    assert conversation.state == "idle" and conversation.draft == {}
    assert DraftPhoto.objects.count() == 0
    assert all(e.payload == {} and e.processed for e in WebhookEvent.objects.all())


def test_a_redelivered_event_is_ignored(client, line, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    for step in (text("แจ้งปัญหา"), location(*POINT), text("ไฟทางดับทั้งซอย มืดมาก")):
        deliver(client, capture, step)
    deliver(client, capture, postback("cat:none"))
    final = postback("consent:no", event_id="01JREDELIVERED0000000000001")
    deliver(client, capture, final)
    replies = len(line.replies)
    again = {**final, "deliveryContext": {"isRedelivery": True}}
    assert deliver(client, capture, again).status_code == 200
    assert Report.objects.count() == 1
    assert len(line.replies) == replies  # nothing said twice
    assert WebhookEvent.objects.filter(event_id=final["webhookEventId"]).count() == 1
    assert Report.objects.get().contact_line_id == ""  # no consent: not kept


@pytest.mark.parametrize("signature", ["", "c2lnbmF0dXJl", None])
def test_a_forged_or_missing_signature_is_refused_and_changes_nothing(
    client, line, django_capture_on_commit_callbacks, signature
):
    body = json.dumps({"events": [text("แจ้งปัญหา")]}).encode()
    forged = sign(body, "someone-elses-secret") if signature is None else signature
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/integrations/line/webhook",
            body,
            content_type="application/json",
            headers={"X-Line-Signature": forged} if forged else {},
        )
    assert response.status_code == 400
    assert "X-Line-Signature" in response.json()["message_en"]
    assert WebhookEvent.objects.count() == 0 and Conversation.objects.count() == 0
    assert line.replies == []


def test_a_signed_body_that_is_not_a_webhook_is_400(client, line):
    body = b'{"destination": "U1"}'
    response = client.post(
        "/integrations/line/webhook", body, content_type="application/json",
        headers={"X-Line-Signature": sign(body)},
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["message_th"]


def test_line_is_off_without_its_secret(client, settings):
    settings.LINE_CHANNEL_SECRET = ""
    assert (
        client.post(
            "/integrations/line/webhook", b"{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_english_when_the_user_writes_english(client, line, django_capture_on_commit_callbacks):
    deliver(client, django_capture_on_commit_callbacks, text("report"))
    assert line.texts()[-1].startswith("Where is the problem?")


def test_a_district_by_quick_reply_and_an_address(client, line, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    deliver(client, capture, text("แจ้งปัญหา"))
    deliver(client, capture, postback("choose-district"))
    groups = line.replies[-1]["messages"][0]["quickReply"]["items"]
    assert len(groups) == 6
    deliver(client, capture, postback("group:4"))
    districts = line.replies[-1]["messages"][0]["quickReply"]["items"]
    assert "district:1046" in [b["action"]["data"] for b in districts]
    deliver(client, capture, postback("district:1046"))
    deliver(client, capture, text("ปากซอยสุขาภิบาล 5 หน้าตลาด"))
    deliver(client, capture, text("ข้าม"))
    deliver(client, capture, text("ทางเท้าแตกเป็นหลุม"))
    deliver(client, capture, postback("cat:none"))
    deliver(client, capture, postback("consent:yes"))
    report = Report.objects.get()
    assert report.district_id == "1046" and report.lat is None
    assert report.address == "ปากซอยสุขาภิบาล 5 หน้าตลาด"


def test_a_place_outside_bangkok_is_asked_again(client, line, django_capture_on_commit_callbacks):
    deliver(client, django_capture_on_commit_callbacks, text("แจ้งปัญหา"), location(14.5, 100.5))
    assert "นอกกรุงเทพ" in line.texts()[-1]
    assert Conversation.objects.get().state == "location"


def test_a_similar_open_report_nearby_is_offered_as_mine_too(
    client, line, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    earlier = reports.submit_report(
        description="น้ำท่วมขังหน้าซอยวัด", channel=Channel.WEB, lat=POINT[0], lon=POINT[1] + 0.0005,
        categories=["น้ำท่วม"],
    ).report  # fmt: skip
    for step in (text("แจ้งปัญหา"), location(*POINT), text("น้ำท่วมหน้าซอย")):
        deliver(client, capture, step)
    deliver(client, capture, postback(f"cat:{flood()}"))
    offer = line.replies[-1]["messages"][0]
    assert earlier.display_code in offer["text"]
    labels = [b["action"]["label"] for b in offer["quickReply"]["items"]]
    assert "เป็นปัญหาของฉันด้วย" in labels
    deliver(client, capture, postback(f"support:{earlier.code}"))
    earlier.refresh_from_db()
    assert earlier.supporter_count == 1
    assert Report.objects.count() == 1  # no new report


def test_a_conversation_left_half_way_expires_and_says_so(
    client, line, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    deliver(client, capture, text("แจ้งปัญหา"), location(*POINT), image())
    conversation = Conversation.objects.get()
    assert conversation.state == "photos" and conversation.photos.count() == 1
    Conversation.objects.filter(pk=conversation.pk).update(
        expires_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    deliver(client, capture, text("น้ำท่วม"))
    assert any("หมดเวลา" in t for t in line.texts())
    assert DraftPhoto.objects.count() == 0 and Report.objects.count() == 0
    # The worker's own expiry does the same when the person says nothing more.
    deliver(client, capture, text("แจ้งปัญหา"), location(*POINT))
    conversation.refresh_from_db()
    stamp = conversation.expires_at
    Conversation.objects.filter(pk=conversation.pk).update(
        expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    conversation.refresh_from_db()
    assert services.expire(conversation.pk, stamp.isoformat()) == 0  # the draft moved on since
    assert services.expire(conversation.pk, conversation.expires_at.isoformat()) == 1
    assert "หมดเวลา" in line.pushes[-1][0]["messages"][0]["text"]


def test_my_reports_lists_them_with_their_status(client, line, django_capture_on_commit_callbacks):
    report = tell_a_report(client, django_capture_on_commit_callbacks, line)
    deliver(client, django_capture_on_commit_callbacks, text("เรื่องของฉัน"))
    listing = line.texts()[-1]
    assert report.display_code in listing and "รอรับเรื่อง" in listing


def test_too_many_messages_are_answered_once_and_not_handled(
    client, line, settings, django_capture_on_commit_callbacks
):
    settings.RUAM_RATELIMITS = {**settings.RUAM_RATELIMITS, "line": (2, 60)}
    deliver(client, django_capture_on_commit_callbacks, *(text("แจ้งปัญหา") for _ in range(5)))
    assert WebhookEvent.objects.filter(limited=True).count() == 3
    assert sum("ถี่เกินไป" in t for t in line.texts()) == 1


# -- telling the reporter of progress ------------------------------------------------------


class FakeTransport:
    def __init__(self) -> None:
        self.pushed: list[tuple[str, list[dict], str]] = []
        self.replied: list[tuple[str, list[dict]]] = []

    def reply(self, token, messages):
        self.replied.append((token, messages))

    def push(self, user_id, messages, retry_key):
        self.pushed.append((user_id, messages, retry_key))

    def content(self, message_id):
        raise AssertionError("not in this test")


def test_a_status_change_is_pushed_through_the_fake_transport(
    client, line, seat, monkeypatch, settings, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    report = tell_a_report(client, capture, line)
    transport = FakeTransport()
    monkeypatch.setattr(services, "transport", lambda: transport)
    notify.channels.cache_clear()  # the default channels: LINE first, then e-mail
    try:
        Conversation.objects.update(reply_token="")  # no fresh token: a push
        official = seat(report.responsible.code, Role.OFFICIAL)
        with capture(execute=True):
            event = reports.change_status(report, actor=official, to=Status.IN_PROGRESS)
        ((user, messages, retry_key),) = transport.pushed
        assert user == USER
        assert report.display_code in messages[0]["text"] and "กำลังดำเนินการ" in messages[0]["text"]
        assert uuid.UUID(retry_key)
        # The worker retrying the same notice sends it with the same retry key.
        from ruam.reports.tasks import notify_status_change

        notify_status_change.call(event.pk)
        assert transport.pushed[1][2] == retry_key
        # With a fresh reply token left by an unanswered event, the token is used instead.
        Conversation.objects.update(reply_token="fresh-token", reply_token_at=timezone.now())
        with capture(execute=True):
            reports.change_status(report, actor=official, to=Status.COORDINATING)
        assert transport.replied[-1][0] == "fresh-token" and len(transport.pushed) == 2
        # Someone who blocked the account is not pushed to.
        Conversation.objects.update(following=False, reply_token="")
        with capture(execute=True):
            reports.change_status(report, actor=official, to=Status.IN_PROGRESS)
        assert len(transport.pushed) == 2
    finally:
        notify.channels.cache_clear()


def test_unfollow_is_recorded_and_drops_a_draft(client, line, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    deliver(client, capture, text("แจ้งปัญหา"), location(*POINT), image())
    deliver(client, capture, event("unfollow"))
    conversation = Conversation.objects.get()
    assert conversation.following is False and conversation.unfollowed_at is not None
    assert conversation.draft == {} and DraftPhoto.objects.count() == 0


# -- personal data ---------------------------------------------------------------------------


def test_the_line_id_is_never_public(client, line, django_capture_on_commit_callbacks):
    report = tell_a_report(client, django_capture_on_commit_callbacks, line)
    for url in (
        f"/reports/{report.code}/",
        f"/api/v1/reports/{report.code}",
        f"/api/v1/reports/{report.code}/events",
        f"/open311/v2/requests/{report.code}.json",
    ):
        assert USER not in client.get(url).content.decode(), url


def test_erase_my_data_in_the_chat(client, line, django_capture_on_commit_callbacks):
    report = tell_a_report(client, django_capture_on_commit_callbacks, line)
    deliver(client, django_capture_on_commit_callbacks, text("ลบข้อมูลของฉัน"))
    report.refresh_from_db()
    assert report.contact_line_id == "" and report.consent_at is None
    assert not Conversation.objects.filter(user_id=USER).exists()
    assert "ลบข้อมูล LINE ของคุณ" in line.texts()[-1]
    erasure = Erasure.objects.get(subject="LINE")
    assert erasure.details["reports"] == 1 and USER not in json.dumps(erasure.details)
