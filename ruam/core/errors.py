"""Errors said in both languages: every user-facing refusal carries Thai and English."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Bilingual:
    th: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "th").startswith("en") else self.th

    def as_dict(self) -> dict[str, str]:
        return {"detail": str(self), "message_th": self.th, "message_en": self.en}


OUTSIDE_BANGKOK = Bilingual("ตำแหน่งนี้อยู่นอกกรุงเทพมหานคร", "This point is outside Bangkok.")
NOT_FOUND = Bilingual("ไม่พบข้อมูลที่ขอ", "Not found.")
INVALID_INPUT = Bilingual(
    "ข้อมูลที่ส่งมาไม่ถูกต้อง โปรดตรวจสอบช่องที่ระบุ",
    "The request is not valid: check the fields listed.",
)
FORBIDDEN = Bilingual("คุณไม่มีสิทธิ์ทำรายการนี้", "You do not have permission to do this.")
