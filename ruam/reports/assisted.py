"""Assisted entry: an official or a committee volunteer records a report for a resident who
came to the counter, phoned the hotline or spoke up at a community meeting.

The report goes through the same intake as every channel (``services.submit_report``,
channel ``assisted``). The resident's contact details are kept only when the resident agreed
after hearing the consent notice; the notice's version, who read it to them and when are kept
with the report (PDPA). The resident leaves with the tracking code, on a printed slip or as a
text message the official sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ruam.bodies.models import Body
from ruam.bodies.predicates import seats
from ruam.core.errors import Bilingual, InvalidInput
from ruam.core.permissions import require
from ruam.reports import messages as M
from ruam.reports import validation as check
from ruam.reports.models import Channel
from ruam.reports.services import Submitted, submit_report

# The notice read to the resident, by version. A version, once used, is never changed: a new
# wording is a new version, so every report's consent points at the words the resident heard.
CONSENT_VERSION = "2026-12-assisted"
CONSENT_NOTICES = {
    CONSENT_VERSION: Bilingual(
        "สำนักงานเขตจะใช้ชื่อ อีเมล และหมายเลขโทรศัพท์ของท่านเพื่อแจ้งความคืบหน้าของเรื่องนี้"
        "เท่านั้น ไม่เปิดเผยต่อสาธารณะ และจะลบเมื่อเรื่องปิดครบกำหนดเวลาเก็บรักษา"
        " ท่านขอดู แก้ไข หรือลบข้อมูลได้ทุกเมื่อด้วยลิงก์ส่วนตัวบนใบรับเรื่อง ท่านยินยอมหรือไม่",
        "The district will use your name, e-mail and phone number only to tell you how this "
        "report progresses. They are never made public and are erased once the report has been "
        "closed for the retention period. You can see, correct or erase them at any time with "
        "the private link on your slip. Do you agree?",
    )
}
NOT_HERE = Bilingual(
    "ท่านบันทึกเรื่องแทนประชาชนได้เฉพาะในเขตที่ท่านปฏิบัติงาน",
    "You can record reports for residents only in the district where you serve.",
)


def enter_report(
    *,
    actor,
    description: str,
    lat: float | str | None = None,
    lon: float | str | None = None,
    address: str = "",
    district_code: str | None = None,
    categories: Iterable[str | int] = (),
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    consent: bool = False,
    photos: Sequence[bytes] = (),
    idempotency_key: str = "",
) -> Submitted:
    """A report typed in by ``actor`` for a resident. The place decides the district, and the
    actor must be allowed to enter reports there (``reports.enter_report``)."""
    errors: dict[str, Bilingual] = {}
    place = check.place(errors, lat, lon, district_code, (address or "").strip())
    if place is not None:
        require(actor, "reports.enter_report", place.district, NOT_HERE)
    elif not errors:
        raise InvalidInput({"location": M.LOCATION_REQUIRED})
    return submit_report(
        description=description,
        channel=Channel.ASSISTED,
        lat=lat,
        lon=lon,
        address=address,
        district_code=district_code,
        categories=categories,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        consent=consent,
        consent_version=CONSENT_VERSION,
        consent_taken_by=actor,
        entered_by=actor,
        photos=photos,
        idempotency_scope=f"assisted:{actor.pk}",
        idempotency_key=idempotency_key,
        actor_body=_acting_body(actor, place.district.code if place else None),
    )


def _acting_body(actor, district: str | None) -> Body | None:
    """The body the actor serves in the report's district (else a city-wide one), for the
    timeline's "on behalf of"."""
    mine = seats(actor)
    here = [s.body for s in mine if s.district == district] or [
        s.body for s in mine if s.district is None
    ]
    return Body.objects.filter(pk__in=here).order_by("kind", "pk").first() if here else None
