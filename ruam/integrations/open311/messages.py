"""What the Open311 endpoint says when it refuses, in both languages (plain text: machine
clients show it as it is, whatever the site's language)."""

from django.conf import settings

from ruam.core import api_schemas
from ruam.core.api_errors import megabytes
from ruam.core.errors import Bilingual as B

KEY_INVALID = B(
    "ไม่มี api_key หรือ api_key ไม่ถูกต้องหรือถูกยกเลิกแล้ว จึงรับเรื่องไม่ได้",
    "Missing, invalid or revoked api_key: the request cannot be created.",
)
TOO_MANY = B("ส่งคำขอถี่เกินไป โปรดลองใหม่ภายหลัง", "Too many requests; try again later.")
SERVICE_CODE_REQUIRED = B(
    "โปรดระบุ service_code (ดูได้จาก services.json)",
    "service_code is required (see services.json).",
)
SERVICE_UNKNOWN = B("ไม่รู้จักบริการนี้", "Unknown service_code.")
LOCATION_REQUIRED = B(
    "โปรดระบุ lat และ long ร่วมรับเรื่องด้วย address_string หรือ address_id อย่างเดียวไม่ได้"
    " เพราะต้องรู้ว่าอยู่ในเขตใด",
    "lat and long are required: Ruam cannot place a request in a district from address_string "
    "or address_id alone.",
)
CONSENT_INVALID = B(
    "attribute[contact_consent] ต้องเป็น true หรือ false",
    "attribute[contact_consent] must be true or false.",
)
DATE_INVALID = B(
    "วันเวลาไม่ถูกต้อง ใช้รูปแบบ W3C เช่น 2026-01-31T00:00:00+07:00",
    "Not a valid date-time: use the W3C format, e.g. 2026-01-31T00:00:00+07:00.",
)
DATE_RANGE = api_schemas.DATE_RANGE
UTC_OFFSET = api_schemas.UTC_OFFSET
NULL_CHARACTER = api_schemas.NULL_CHARACTER
NOT_UTF8 = B(
    "ข้อความต้องเข้ารหัสแบบ UTF-8 จึงยังไม่ได้บันทึกเรื่องนี้", "Text must be UTF-8: nothing was stored."
)


def form_too_large() -> B:
    size = megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return B(
        f"ฟอร์มใหญ่เกินไป (นอกจากไฟล์ media ได้สูงสุด {size})",
        f"The form is too large (at most {size} besides the media files).",
    )


FORM_TOO_MANY_PARTS = B("ฟอร์มมีช่องหรือไฟล์มากเกินไป", "The form has too many fields or files.")
FORM_UNREADABLE = B(
    "อ่านฟอร์มไม่ได้ ส่งเป็น application/x-www-form-urlencoded หรือ multipart/form-data",
    "The form cannot be read: send application/x-www-form-urlencoded or multipart/form-data.",
)
DATE_ORDER = B("end_date ต้องไม่ก่อน start_date", "end_date must not be before start_date.")
DATE_SPAN = B("ช่วงวันที่ต้องไม่เกิน 90 วัน", "The date range may not span more than 90 days.")
STATUS_INVALID = B("status ต้องเป็น open หรือ closed", "status must be open or closed.")
REQUEST_UNKNOWN = B("ไม่พบเรื่องที่มีรหัสนี้", "No service request with this id.")
TOKEN_UNKNOWN = B("ไม่พบ token นี้", "Unknown token.")
FORMAT_UNKNOWN = B("ไม่รองรับรูปแบบนี้ ใช้ .json หรือ .xml", "Unknown format: use .json or .xml.")
METHOD_NOT_ALLOWED = B("ไม่รองรับวิธีเรียกนี้", "This HTTP method is not allowed here.")

CONSENT_ATTRIBUTE = B(
    "ผู้แจ้งยินยอมให้ติดต่อกลับเกี่ยวกับเรื่องนี้ (PDPA)",
    "The reporter agrees to be contacted about this report (PDPA)",
)
CONSENT_YES = B("ยินยอม", "Yes, I agree")
CONSENT_NO = B("ไม่ยินยอม", "No")

CONTACT_DROPPED_NO_CONSENT = B(
    "ไม่ได้เก็บข้อมูลติดต่อ เพราะไม่มีความยินยอม (attribute[contact_consent])",
    "contact details not stored: no consent (attribute[contact_consent])",
)
CONTACT_DROPPED_INVALID = B(
    "ไม่ได้เก็บข้อมูลติดต่อ เพราะข้อมูลไม่ถูกต้อง", "contact details not stored: they are not valid"
)
UPDATE_NOT_YOURS = B(
    "ส่งความคืบหน้าได้เฉพาะเรื่องที่โปรแกรมนี้ (api_key นี้) ส่งมาเท่านั้น",
    "Only the program (api_key) that sent this request may send updates for it.",
)
UPDATE_TEXT_REQUIRED = B("โปรดระบุ description", "description is required.")
UPDATE_TEXT_TOO_LONG = B(
    "description ยาวเกิน 4,000 ตัวอักษร", "description is longer than 4,000 characters."
)
REQUEST_ID_REQUIRED = B("โปรดระบุ service_request_id", "service_request_id is required.")
