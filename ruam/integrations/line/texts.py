"""What the LINE conversation says: Thai first, English when the user writes English.

Chat messages are not pages: they are kept here, each in both languages, rather than in the
gettext catalogues (the user's language is the one they write in, not a browser setting).
"""

from __future__ import annotations

from ruam.core.errors import Bilingual as B

# The words a person may type, in either language, for each command.
START = {"แจ้งปัญหา", "แจ้งเรื่อง", "แจ้ง", "report", "new report", "start"}
MINE = {"เรื่องของฉัน", "เรื่องที่แจ้ง", "my reports", "mine", "status"}
CANCEL = {"ยกเลิก", "cancel", "stop"}
SKIP = {"ข้าม", "ต่อไป", "skip", "next", "no photo"}
ERASE = {"ลบข้อมูลของฉัน", "ลบข้อมูล", "erase my data", "delete my data"}

WELCOME = B(
    "สวัสดีค่ะ นี่คือ ร่วม ช่องทางแจ้งปัญหาในเขตของคุณถึงสำนักงานเขต\n"
    'พิมพ์ "แจ้งปัญหา" หรือส่งตำแหน่งมาได้เลย พิมพ์ "เรื่องของฉัน" เพื่อดูเรื่องที่เคยแจ้ง',
    "Hello, this is Ruam: tell your district office about a problem in your area.\n"
    'Type "report" or send a location to start; "my reports" lists what you reported.',
)
ASK_LOCATION = B(
    'ปัญหาอยู่ที่ไหน กดปุ่ม "ส่งตำแหน่ง" หรือ "เลือกเขต" ด้านล่าง',
    'Where is the problem? Press "Send location" or "Choose district" below.',
)
SEND_LOCATION = B("ส่งตำแหน่ง", "Send location")
CHOOSE_DISTRICT = B("เลือกเขต", "Choose district")
ASK_GROUP = B("เขตอยู่ในกลุ่มเขตใด (หรือพิมพ์ชื่อเขต)", "Which district group? (or type the district)")
ASK_DISTRICT = B("เลือกเขต (หรือพิมพ์ชื่อเขต)", "Choose the district (or type its name)")
DISTRICT_UNKNOWN = B(
    "ไม่พบเขตชื่อนี้ โปรดเลือกจากปุ่มหรือพิมพ์ชื่อเขตอีกครั้ง",
    "No district has that name: choose one of the buttons or type it again.",
)
ASK_ADDRESS = B(
    "เขต{district} โปรดพิมพ์ที่อยู่หรือจุดสังเกต เช่น ปากซอย 5 หน้าตลาด",
    "{district}: please type the address or a landmark, e.g. the corner of Soi 5.",
)
OUTSIDE_BANGKOK = B(
    "ตำแหน่งนี้อยู่นอกกรุงเทพมหานคร ร่วมรับเรื่องในกรุงเทพฯ เท่านั้น โปรดส่งตำแหน่งอีกครั้ง",
    "This place is outside Bangkok; Ruam takes reports in Bangkok only. Send the place again.",
)
ASK_PHOTOS = B(
    "ได้ตำแหน่งแล้ว ({place}) ส่งภาพถ่ายปัญหาได้สูงสุด 5 ภาพ แล้วพิมพ์เล่าว่าเกิดอะไรขึ้น (หรือพิมพ์เล่าได้เลย)",
    "Got the place ({place}). Send up to 5 photos of the problem, then type what is wrong"
    " (or just type it).",
)
PHOTO_RECEIVED = B(
    "ได้รับภาพที่ {n} แล้ว ส่งเพิ่มได้ หรือพิมพ์เล่าปัญหาต่อได้เลย",
    "Photo {n} received. Send more, or type what is wrong.",
)
PHOTO_LIMIT = B("ส่งภาพได้ไม่เกิน 5 ภาพ โปรดพิมพ์เล่าปัญหา", "At most 5 photos: please type what is wrong.")
PHOTO_UNREADABLE = B(
    "ดาวน์โหลดภาพจาก LINE ไม่ได้ โปรดส่งอีกครั้ง", "The photo could not be had from LINE: send it again."
)
ASK_DESCRIPTION = B("โปรดพิมพ์เล่าปัญหาที่พบ", "Please type what is wrong.")
ASK_CATEGORY = B(
    'ปัญหานี้น่าจะเป็นเรื่อง "{name}" ถูกไหม เลือกด้านล่าง หรือพิมพ์ประเภทอื่น',
    'This looks like "{name}". Is that right? Choose below, or type another kind.',
)
ASK_CATEGORY_NONE = B(
    "ปัญหานี้เป็นเรื่องประเภทใด เลือกด้านล่าง หรือพิมพ์ชื่อประเภท",
    "What kind of problem is it? Choose below, or type the kind.",
)
CATEGORY_OTHER = B("ประเภทอื่น", "Other kind")
CATEGORY_UNSURE = B("ไม่แน่ใจ", "Not sure")
CATEGORY_LIST = B("ประเภทปัญหา: {names}\nพิมพ์ชื่อประเภทที่ตรงที่สุด", "Kinds: {names}\nType the closest.")
CATEGORY_UNKNOWN = B("ไม่รู้จักประเภทนี้ โปรดเลือกจากปุ่มหรือพิมพ์อีกครั้ง", "Unknown kind: choose a button.")
NEARBY = B(
    'มีเรื่องคล้ายกันห่างไป {m} ม. ที่ยังไม่ได้แก้: {code} "{summary}"\n'
    'ถ้าเป็นปัญหาเดียวกัน กด "เป็นปัญหาของฉันด้วย" เพื่อร่วมสนับสนุนแทนการแจ้งซ้ำ',
    'A similar open report {m} m away: {code} "{summary}".\n'
    'If it is the same problem, press "Mine too" to support it instead of reporting it again.',
)
MINE_TOO = B("เป็นปัญหาของฉันด้วย", "Mine too")
NOT_SAME = B("ไม่ใช่ แจ้งเรื่องใหม่", "No, a new report")
SUPPORTED = B(
    "ขอบคุณค่ะ คุณร่วมสนับสนุนเรื่อง {code} แล้ว ติดตามได้ที่ {link}",
    "Thank you: you now support report {code}. Follow it at {link}",
)
ASK_CONSENT = B(
    "ให้ร่วมเก็บ LINE ของคุณไว้เพื่อแจ้งความคืบหน้าของเรื่องที่คุณแจ้งทาง LINE"
    ' และแสดง "เรื่องของฉัน" หรือไม่ (ไม่เปิดเผยต่อสาธารณะ ขอลบได้ทุกเมื่อ'
    ' โดยพิมพ์ "ลบข้อมูลของฉัน")',
    "May Ruam keep your LINE account to tell you here how your reports progress and to list"
    ' "my reports"? (Never public; type "erase my data" at any time to have it erased.)',
)
YES = B("ยินยอม", "Yes")
NO = B("ไม่ยินยอม", "No")
RECEIVED = B(
    "รับเรื่องแล้วค่ะ รหัสติดตาม {code}\nส่งถึง: {body}\nติดตามได้ที่ {link}",
    "Report received. Tracking code {code}\nSent to: {body}\nFollow it at {link}",
)
RECEIVED_PRIVATE = B(
    "ลิงก์ส่วนตัวสำหรับยืนยันการแก้ไขหรือเปิดเรื่องใหม่ (อย่าส่งต่อ): {link}",
    "Your private link to confirm the fix or reopen it (keep it to yourself): {link}",
)
NOT_TOLD = B(
    "เราจะไม่แจ้งความคืบหน้าทาง LINE ติดตามด้วยรหัสได้ที่ลิงก์ด้านบน",
    "You will not be told in LINE: follow it with the code at the link above.",
)
NOT_SENT = B("ยังส่งเรื่องไม่ได้: {problems}", "The report could not be sent yet: {problems}")
EXPIRED = B(
    'เรื่องที่เล่าค้างไว้หมดเวลาแล้ว ข้อมูลและภาพที่ส่งมาถูกลบแล้ว พิมพ์ "แจ้งปัญหา" เพื่อเริ่มใหม่',
    'The report you started has expired; what you sent was deleted. Type "report" to start again.',
)
CANCELLED = B("ยกเลิกแล้ว ข้อมูลที่ส่งมาถูกลบแล้ว", "Cancelled; what you sent was deleted.")
NONE_YET = B("คุณยังไม่มีเรื่องที่แจ้งทาง LINE", "You have no reports from LINE yet.")
MINE_HEADER = B("เรื่องของคุณ:", "Your reports:")
TOO_MANY = B(
    "ส่งข้อความถี่เกินไป โปรดรอสักครู่แล้วลองใหม่", "Too many messages: wait a moment and try again."
)
ERASED = B(
    "ลบข้อมูล LINE ของคุณออกจากร่วมแล้ว เรื่องที่แจ้งยังอยู่ แต่ไม่ผูกกับ LINE ของคุณอีก",
    "Your LINE data is erased from Ruam. Your reports stay, no longer linked to your LINE.",
)
NOT_UNDERSTOOD = B(
    'พิมพ์ "แจ้งปัญหา" เพื่อแจ้งเรื่องใหม่ หรือ "เรื่องของฉัน" เพื่อดูเรื่องที่แจ้งไว้',
    'Type "report" to report a problem, or "my reports" to see yours.',
)
START_LABEL = B("แจ้งปัญหา", "Report")
MINE_LABEL = B("เรื่องของฉัน", "My reports")
CANCEL_LABEL = B("ยกเลิก", "Cancel")
SKIP_LABEL = B("ข้ามภาพ", "No photo")


def say(text: B, language: str, **values) -> str:
    template = text.en if language == "en" else text.th
    return template.format(**values) if values else template


def language_of(text: str, current: str) -> str:
    """English when the user writes English (Latin letters, no Thai), else Thai; a text with
    neither (digits, emoji) keeps the conversation's language."""
    if any("\u0e00" <= ch <= "\u0e7f" for ch in text):
        return "th"
    if any(ch.isascii() and ch.isalpha() for ch in text):
        return "en"
    return current
