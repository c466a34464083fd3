"""Spam defences for public forms, without a CAPTCHA: a honeypot field people never see (and so
never fill) and a signed time stamp that tells a form sent seconds after it was shown (a
script) from one a person filled in. A refused form keeps everything that was typed and says
why, in Thai and English; a person sends it again with one click."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing

from ruam.core.errors import Bilingual

SALT = "ruam.antispam"
HONEYPOT = "website"
STAMP = "form_ts"
MAX_AGE = 2 * 24 * 3600  # a form left open for two days is shown again, not refused silently
FILLED_TRAP = Bilingual(
    "ส่งแบบฟอร์มไม่ได้ โปรดเว้นช่องที่ซ่อนไว้ให้ว่างแล้วส่งอีกครั้ง",
    "The form could not be sent: leave the hidden field empty and send it again.",
)
TOO_FAST = Bilingual(
    "ส่งเร็วเกินไป โปรดตรวจสอบข้อมูลแล้วกดส่งอีกครั้ง",
    "Sent too fast: please check the form and send it again.",
)
STALE = Bilingual(
    "แบบฟอร์มนี้เปิดไว้นานเกินไป ข้อมูลที่กรอกยังอยู่ โปรดกดส่งอีกครั้ง",
    "This form was open for too long. What you typed is kept: please send it again.",
)


def stamp() -> str:
    return signing.dumps(time.time(), salt=SALT)


class SpamGuard(forms.Form):
    """Mixed into a public form: ``{% include "core/_antispam.html" %}`` renders its fields."""

    website = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off"}))  # fmt: skip
    form_ts = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[STAMP].initial = stamp()

    def _refuse(self, message: Bilingual, code: str):
        # Shown again with what was typed, and a fresh stamp for the next try.
        self.data = self.data.copy()
        self.data[STAMP] = stamp()
        return forms.ValidationError(f"{message.th} — {message.en}", code=code)

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT):
            raise self._refuse(FILLED_TRAP, "spam")
        try:
            shown = signing.loads(self.data.get(STAMP, ""), salt=SALT, max_age=MAX_AGE)
        except signing.SignatureExpired:
            raise self._refuse(STALE, "stale") from None
        except signing.BadSignature:
            raise self._refuse(TOO_FAST, "spam") from None
        if time.time() - float(shown) < settings.RUAM_FORM_MIN_SECONDS:
            raise self._refuse(TOO_FAST, "too_fast")
        return cleaned
