"""What Ruam says, in both languages, when a report cannot be taken as it is."""

from ruam.core.errors import Bilingual as B

DESCRIPTION_REQUIRED = B("โปรดเล่าปัญหาที่พบ", "Please describe the problem.")
DESCRIPTION_TOO_LONG = B(
    "รายละเอียดยาวเกิน 4,000 ตัวอักษร", "The description is longer than 4,000 characters."
)
LOCATION_REQUIRED = B(
    "โปรดปักหมุดบนแผนที่ ใช้ตำแหน่งปัจจุบัน หรือเลือกเขตและระบุที่อยู่",
    "Please pin the place on the map, use your location, or choose a district and give an address.",
)
COORDINATES_INVALID = B(
    "พิกัดไม่ถูกต้อง (ละติจูด -90 ถึง 90 ลองจิจูด -180 ถึง 180)",
    "The coordinates are not valid (latitude -90 to 90, longitude -180 to 180).",
)
OUTSIDE_BANGKOK = B(
    "ตำแหน่งนี้อยู่นอกกรุงเทพมหานคร ร่วมรับเรื่องในกรุงเทพฯ เท่านั้น",
    "This place is outside Bangkok; Ruam takes reports in Bangkok only.",
)
DISTRICT_UNKNOWN = B("ไม่พบเขตที่เลือก", "The district chosen does not exist.")
ADDRESS_REQUIRED = B(
    "เมื่อไม่มีพิกัด โปรดระบุที่อยู่หรือจุดสังเกต",
    "Without coordinates, please give an address or a landmark.",
)
ADDRESS_TOO_LONG = B("ที่อยู่ยาวเกิน 300 ตัวอักษร", "The address is longer than 300 characters.")
CATEGORY_UNKNOWN = B("ไม่รู้จักประเภทปัญหานี้", "Unknown category.")
TOO_MANY_PHOTOS = B("แนบภาพได้ไม่เกิน 5 ภาพ", "At most 5 photos.")
CONSENT_REQUIRED = B(
    "โปรดยินยอมให้ใช้ข้อมูลติดต่อเพื่อแจ้งความคืบหน้า หรือเว้นช่องข้อมูลติดต่อว่างไว้",
    "Please consent to the use of your contact details for updates, or leave them empty.",
)
EMAIL_INVALID = B("อีเมลไม่ถูกต้อง", "The email address is not valid.")
PHONE_INVALID = B("หมายเลขโทรศัพท์ไม่ถูกต้อง", "The phone number is not valid.")
NAME_TOO_LONG = B("ชื่อยาวเกิน 150 ตัวอักษร", "The name is longer than 150 characters.")

MOVE_NOT_ALLOWED = B(
    "เปลี่ยนสถานะเช่นนี้ไม่ได้จากสถานะปัจจุบัน",
    "This change of status is not possible from the current status.",
)
REASON_REQUIRED = B("โปรดระบุเหตุผล", "Please give a reason.")
AFTER_PHOTO_REQUIRED = B(
    "การปิดเรื่องว่าเสร็จสิ้นต้องแนบภาพหลังแก้ไขอย่างน้อย 1 ภาพ",
    "Closing a report as finished needs at least one after-photo.",
)
TARGET_REQUIRED = B("โปรดเลือกหน่วยงานปลายทาง", "Please choose the body to send it to.")
TARGET_NOT_ALLOWED = B(
    "ส่งต่อหรือเชิญได้เฉพาะฝ่ายของเขตนี้ สำนักงานเขต หรือสำนักที่รับเรื่อง",
    "A report can go only to a division of its district, a district office or a central "
    "department.",
)
TARGET_SAME = B("หน่วยงานปลายทางเป็นหน่วยงานที่รับผิดชอบอยู่แล้ว", "That body is already responsible.")
DUPLICATE_TARGET_REQUIRED = B(
    "โปรดระบุรหัสเรื่องที่ซ้ำกัน", "Please give the tracking code of the report it duplicates."
)
DUPLICATE_TARGET_INVALID = B(
    "ไม่พบเรื่องต้นฉบับ หรือเป็นเรื่องเดียวกัน",
    "The original report was not found, or is this same report.",
)
RATING_INVALID = B("ให้คะแนน 1 ถึง 5", "Give a rating from 1 to 5.")
RATING_NOT_YET = B("ให้คะแนนได้เมื่อเรื่องเสร็จสิ้นแล้ว", "A report can be rated once it is finished.")
NOT_REPORTER = B("เฉพาะผู้แจ้งเรื่องเท่านั้นที่ทำรายการนี้ได้", "Only the person who reported this can do that.")
NOT_STAFF = B(
    "เฉพาะเจ้าหน้าที่ที่รับผิดชอบเรื่องนี้เท่านั้นที่ทำรายการนี้ได้",
    "Only the officials responsible for this report can do that.",
)
ALREADY_SUPPORTED = B("คุณร่วมสนับสนุนเรื่องนี้แล้ว", "You already support this report.")
SUPPORT_CLOSED = B("เรื่องนี้ปิดแล้ว โปรดแจ้งเรื่องใหม่", "This report is closed: please make a new report.")
