"""Bodies that exist in every district, and appointing people to them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ruam.bodies.models import Body, DivisionType, Membership
from ruam.core.sync import SyncResult, sync_rows
from ruam.geo.models import District, DistrictGroup

DIVISION_TYPES = [
    ("works", "ฝ่ายโยธา", "Public Works Division"),
    ("cleansing", "ฝ่ายรักษาความสะอาดและสวนสาธารณะ", "Cleansing and Parks Division"),
    ("city-law", "ฝ่ายเทศกิจ", "City Law Enforcement Division"),
    ("environment", "ฝ่ายสิ่งแวดล้อมและสุขาภิบาล", "Environment and Sanitation Division"),
    ("community", "ฝ่ายพัฒนาชุมชนและสวัสดิการสังคม", "Community Development and Social Welfare Division"),
    ("education", "ฝ่ายการศึกษา", "Education Division"),
    ("administration", "ฝ่ายปกครอง", "Administration Division"),
    ("registration", "ฝ่ายทะเบียน", "Registration Division"),
    ("finance", "ฝ่ายการคลัง", "Finance Division"),
    ("revenue", "ฝ่ายรายได้", "Revenue Division"),
]

DEPARTMENTS = [
    ("public-works", "สำนักการโยธา", "Department of Public Works"),
    ("drainage", "สำนักการระบายน้ำ", "Drainage and Sewerage Department"),
    ("traffic", "สำนักการจราจรและขนส่ง", "Traffic and Transportation Department"),
    ("environment", "สำนักสิ่งแวดล้อม", "Environment Department"),
    ("city-law", "สำนักเทศกิจ", "City Law Enforcement Department"),
    ("health", "สำนักอนามัย", "Health Department"),
    ("education", "สำนักการศึกษา", "Education Department"),
    ("social-development", "สำนักพัฒนาสังคม", "Social Development Department"),
    ("fire-rescue", "สำนักป้องกันและบรรเทาสาธารณภัย", "Fire and Rescue Department"),
    ("strategy", "สำนักยุทธศาสตร์และประเมินผล", "Strategy and Evaluation Department"),
    ("permanent-secretary", "สำนักปลัดกรุงเทพมหานคร", "Office of the Permanent Secretary"),
    (
        "administration-registration",
        "สำนักงานปกครองและทะเบียน",
        "Administration and Registration Office",
    ),
]

CITY_CODE = "city"


def committee_code(district_code: str) -> str:
    return f"committee-{district_code}"


def office_code(district_code: str) -> str:
    return f"office-{district_code}"


def division_code(district_code: str, division_type: str) -> str:
    return f"division-{district_code}-{division_type}"


def group_code(code: str) -> str:
    return f"group-{code}"


def load_bodies() -> dict[str, SyncResult]:
    results = {
        "division_types": sync_rows(
            DivisionType,
            "code",
            [
                {"code": code, "name_th": th, "name_en": en, "order": order}
                for order, (code, th, en) in enumerate(DIVISION_TYPES)
            ],
        )
    }
    rows = [
        {
            "code": CITY_CODE,
            "kind": Body.Kind.CITY,
            "name_th": "กรุงเทพมหานคร",
            "name_en": "Bangkok Metropolitan Administration",
        }
    ]
    rows += [
        {"code": f"dept-{code}", "kind": Body.Kind.DEPARTMENT, "name_th": th, "name_en": en}
        for code, th, en in DEPARTMENTS
    ]
    rows += [
        {
            "code": group_code(group.code),
            "kind": Body.Kind.GROUP_MEETING,
            "name_th": f"คณะขับเคลื่อนการมีส่วนร่วมเพื่อการพัฒนาเขต กลุ่มเขต{group.name_th}",
            "name_en": f"District participation committees, {group.name_en}",
            "group_id": group.code,
        }
        for group in DistrictGroup.objects.all()
    ]
    districts = list(District.objects.all())
    for district in districts:
        rows.append(
            {
                "code": committee_code(district.code),
                "kind": Body.Kind.COMMITTEE,
                "name_th": f"คณะขับเคลื่อนการมีส่วนร่วมเพื่อการพัฒนาเขต{district.name_th}",
                "name_en": f"{district.name_en} District Development Participation Committee",
                "district_id": district.code,
                "group_id": district.group_id,
            }
        )
        rows.append(
            {
                "code": office_code(district.code),
                "kind": Body.Kind.DISTRICT_OFFICE,
                "name_th": f"สำนักงานเขต{district.name_th}",
                "name_en": f"{district.name_en} District Office",
                "district_id": district.code,
                "group_id": district.group_id,
            }
        )
    results["bodies"] = sync_rows(Body, "code", rows)

    offices = {b.district_id: b.pk for b in Body.objects.filter(kind=Body.Kind.DISTRICT_OFFICE)}
    division_types = list(DivisionType.objects.all())
    results["divisions"] = sync_rows(
        Body,
        "code",
        [
            {
                "code": division_code(district.code, dtype.code),
                "kind": Body.Kind.DIVISION,
                "name_th": f"{dtype.name_th} สำนักงานเขต{district.name_th}",
                "name_en": f"{dtype.name_en}, {district.name_en} District Office",
                "district_id": district.code,
                "group_id": district.group_id,
                "parent_id": offices[district.code],
                "division_type_id": dtype.pk,
            }
            for district in districts
            for dtype in division_types
        ],
    )
    return results


@transaction.atomic
def appoint(
    *,
    person,
    body: Body,
    role: str,
    start: dt.date,
    end: dt.date | None = None,
    title_th: str = "",
) -> Membership:
    """Give a person a role in a body for a term; appointing the same term twice changes nothing."""
    membership, _ = Membership.objects.get_or_create(
        person=person,
        body=body,
        role=role,
        start=start,
        defaults={"end": end, "title_th": title_th},
    )
    membership.end, membership.title_th = end, title_th
    membership.full_clean()
    membership.save()
    return membership
