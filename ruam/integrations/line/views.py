"""LINE's webhook: the signature first, then store and queue; LINE gets its 200 at once."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ruam.core.errors import Bilingual
from ruam.integrations.line import webhook as inbox
from ruam.integrations.line.transport import enabled

BAD_SIGNATURE = Bilingual(
    "ลายเซ็น X-Line-Signature ไม่ถูกต้องหรือไม่มี จึงไม่รับข้อมูลนี้",
    "X-Line-Signature is missing or wrong: nothing was taken.",
)
BAD_BODY = Bilingual(
    "เนื้อหาไม่ใช่ JSON ของ LINE webhook (ต้องมี events)",
    "The body is not a LINE webhook's JSON (it needs events).",
)


def signature_valid(body: bytes, signature: str) -> bool:
    """HMAC-SHA256 of the raw body with the channel secret, base64: the SDK's check."""
    from linebot.v3.webhook import SignatureValidator

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return SignatureValidator(settings.LINE_CHANNEL_SECRET).validate(text, signature)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    if not enabled():
        raise Http404
    signature = request.headers.get("X-Line-Signature", "")
    # Before anything else: an unsigned or forged body is refused and changes nothing.
    if not signature or not signature_valid(request.body, signature):
        return JsonResponse(BAD_SIGNATURE.as_dict(), status=400)
    try:
        payload = json.loads(request.body)
        events = payload["events"]
        if not isinstance(events, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse(BAD_BODY.as_dict(), status=400)
    inbox.receive(events)
    return HttpResponse(status=200)
