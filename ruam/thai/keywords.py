"""A transparent first guess of Traffy categories from Thai words, for intake suggestions.

Pure Python. It is a suggestion a person confirms, never a decision; the trained classifier
replaces it where a model is installed.
"""

from __future__ import annotations

# category → words that, found in the text, suggest it (Thai is matched as substrings: no spaces).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "น้ำท่วม": ("น้ำท่วม", "น้ำขัง", "ท่วมขัง", "น้ำรอการระบาย"),
    "ท่อระบายน้ำ": ("ท่อระบาย", "ฝาท่อ", "บ่อพัก", "ท่อตัน", "ลอกท่อ"),
    "ถนน": ("ถนน", "หลุม", "ผิวจราจร", "ยางมะตอย", "ถนนชำรุด", "ทรุด"),
    "ทางเท้า": ("ทางเท้า", "ฟุตบาท", "บาทวิถี", "กระเบื้องทางเท้า"),
    "แสงสว่าง": ("ไฟดับ", "ไฟฟ้าส่องสว่าง", "ไฟส่องสว่าง", "เสาไฟ", "ไฟทาง", "มืด"),
    "ความสะอาด": ("ขยะ", "สกปรก", "เก็บขยะ", "กลิ่นเหม็น", "ทิ้งขยะ"),
    "ต้นไม้": ("ต้นไม้", "กิ่งไม้", "ตัดแต่งกิ่ง", "ต้นไม้ล้ม", "หญ้า"),
    "สายไฟ": ("สายไฟ", "สายสื่อสาร", "สายเคเบิล", "สายห้อย"),
    "กีดขวาง": ("กีดขวาง", "จอดรถขวาง", "วางของ", "รุกล้ำ"),
    "ความปลอดภัย": ("อันตราย", "ไม่ปลอดภัย", "โจร", "ลักขโมย", "ยาเสพติด"),
    "จราจร": ("จราจร", "รถติด", "สัญญาณไฟจราจร", "ไฟแดง", "ย้อนศร"),
    "ป้ายจราจร": ("ป้ายจราจร",),
    "ป้าย": ("ป้ายโฆษณา", "ป้ายหาเสียง", "ป้ายผิดกฎหมาย"),
    "คลอง": ("คลอง", "ผักตบ", "ลำราง"),
    "สะพาน": ("สะพาน", "สะพานลอย"),
    "เสียงรบกวน": ("เสียงดัง", "เสียงรบกวน", "เสียงเพลง"),
    "สัตว์จรจัด": ("สุนัขจรจัด", "หมาจร", "แมวจร", "สัตว์จรจัด"),
    "คนจรจัด": ("คนจรจัด", "คนเร่ร่อน", "คนไร้บ้าน"),
    "ห้องน้ำ": ("ห้องน้ำ", "ห้องสุขา"),
    "PM2.5": ("pm2.5", "pm 2.5", "ฝุ่น", "ควันดำ", "เผา"),
    "การเดินทาง": ("รถเมล์", "ป้ายรถเมล์", "เรือ", "ขนส่งสาธารณะ"),
}


def suggest(text: str, limit: int = 3) -> list[str]:
    """Categories whose words occur in the text, most matched words first."""
    lowered = text.lower()
    scores = {
        category: sum(lowered.count(word.lower()) for word in words)
        for category, words in KEYWORDS.items()
    }
    ranked = sorted((c for c, n in scores.items() if n), key=lambda c: -scores[c])
    return ranked[:limit]
