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


class InvalidInput(Exception):
    """One or more fields are wrong; each carries its message in both languages."""

    def __init__(self, errors: dict[str, Bilingual]) -> None:
        super().__init__("; ".join(f"{field}: {msg.en}" for field, msg in errors.items()))
        self.errors = errors

    def as_dict(self) -> dict:
        return INVALID_INPUT.as_dict() | {
            "errors": [
                {"field": field, "message": str(msg), "message_th": msg.th, "message_en": msg.en}
                for field, msg in self.errors.items()
            ]
        }


class NotAllowed(Exception):
    """The person may not do this (here): a 403 with a message in both languages."""

    def __init__(self, message: Bilingual = FORBIDDEN) -> None:
        super().__init__(message.en)
        self.message = message


STORAGE_FULL = Bilingual(
    "ที่เก็บภาพของระบบเต็มชั่วคราว ยังไม่ได้บันทึกเรื่องนี้ โปรดลองอีกครั้งภายหลัง",
    "Ruam's photo storage is full for now and nothing was saved: please try again later.",
)


class StorageFull(Exception):
    """Uploads could not be stored (the disk is full): 507, and nothing of the submission kept."""

    status = 507

    def __init__(self, message: Bilingual = STORAGE_FULL) -> None:
        super().__init__(message.en)
        self.message = message
