"""The demo's programme figures: a believable year (fiscal 2569, Oct 2025 – Sep 2026) of trees,
parks and flood points in the five demo districts, recorded by their division officials through
the same services as a person would, some verified by the committee's secretary, one
corrected; a partner (a cycling volunteer group) and a programme of คลองสามวา's own.

Everything is marked as demo (``is_demo``, origin "demo", "(ตัวอย่าง)" in names) and loading it
again changes nothing. The figures are invented: they are never presented as BMA's.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.geo.models import District
from ruam.programmes import indicators, services
from ruam.programmes.models import Measurement, Programme

DEMO_DISTRICTS = ["1046", "1044", "1006", "1007", "1030"]
EAST = {"1046", "1044", "1006"}
# Trees planted per month, roughly: the outer districts plant far more.
TREES = {"1046": 2400, "1044": 600, "1006": 500, "1007": 150, "1030": 450}
NOTES = [
    "ปลูกต้นไม้ร่วมกับชุมชนและโรงเรียนในพื้นที่ (ตัวอย่าง)",
    "ปลูกริมคลองและสวนสาธารณะ (ตัวอย่าง)",
    "ภาคเอกชนร่วมสนับสนุนกล้าไม้ (ตัวอย่าง)",
]


def _months(start: dt.date, count: int) -> list[dt.date]:
    days = []
    year, month = start.year, start.month
    for _ in range(count):
        days.append(dt.date(year, month, 25))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return days


def _point(code: str, rng: random.Random) -> tuple[float, float]:
    """A point inside the district (near its representative point)."""
    from shapely.geometry import shape

    polygon = shape(District.objects.get(code=code).boundary)
    for _ in range(50):
        middle = polygon.representative_point()
        lon, lat = middle.x + rng.uniform(-0.004, 0.004), middle.y + rng.uniform(-0.004, 0.004)
        if polygon.contains(type(middle)(lon, lat)):
            return round(lat, 5), round(lon, 5)
    middle = polygon.representative_point()
    return round(middle.y, 5), round(middle.x, 5)


def _record(official, programme, code, day, value, note, **extra) -> Measurement:
    made = services.record_measurement(
        actor=official,
        programme=programme,
        district_code=code,
        date=day,
        value=value,
        note=note,
        origin=Measurement.Origin.DEMO,
        **extra,
    )
    Measurement.objects.filter(pk=made.pk).update(is_demo=True)
    return made


@transaction.atomic
def load_programme_demo() -> None:
    User = get_user_model()
    programmes = {p.code: p for p in Programme.objects.filter(district__isnull=True)}
    if "million_trees" not in programmes:
        return  # reference data not loaded
    for code in DEMO_DISTRICTS:
        if Measurement.objects.filter(is_demo=True, district_id=code).exists():
            continue
        rng = random.Random(int(code))  # noqa: S311 (demo figures, not secrets)
        official = User.objects.get(username=f"demo-{code}-works")
        secretary = User.objects.get(username=f"demo-{code}-secretary")
        made = []
        for day in _months(dt.date(2025, 10, 1), 12):
            trees = round(TREES[code] * rng.uniform(0.6, 1.4))
            made.append(
                _record(official, programmes["million_trees"], code, day, trees, rng.choice(NOTES))
            )
            if code in EAST:
                made.append(
                    _record(
                        official,
                        programmes["million_trees_east"],
                        code,
                        day,
                        round(trees * 1.5),
                        "แผนปลูกต้นไม้ระยะที่ 2 กลุ่มเขตกรุงเทพตะวันออก (ตัวอย่าง)",
                    )
                )
        for n, day in enumerate(_months(dt.date(2025, 11, 1), 10)[::3], start=1):
            lat, lon = _point(code, rng)
            made.append(
                _record(
                    official,
                    programmes["parks_15min"],
                    code,
                    day,
                    1,
                    f"เปิดสวน 15 นาทีแห่งที่ {n} ของเขต (ตัวอย่าง)",
                    lat=lat,
                    lon=lon,
                )
            )
        for n, day in enumerate(_months(dt.date(2026, 1, 1), 9)[::2], start=1):
            lat, lon = _point(code, rng)
            made.append(
                _record(
                    official,
                    programmes["flood_risk_points"],
                    code,
                    day,
                    1,
                    f"แก้ไขจุดเสี่ยงน้ำท่วมจุดที่ {n}: ลอกท่อและยกระดับผิวถนน (ตัวอย่าง)",
                    lat=lat,
                    lon=lon,
                )
            )
        # The older figures are verified by the secretary; the last months wait.
        for measurement in made[: len(made) * 2 // 3]:
            services.verify_measurement(measurement, actor=secretary)
        # One figure typed wrong and corrected: both stay on the record.
        wrong = made[-1] if made[-1].status == Measurement.Status.RECORDED else made[-2]
        services.correct_measurement(
            wrong,
            actor=official,
            value=wrong.value,
            note="แก้ไขวันที่ตามใบรับงาน (ตัวอย่าง)",
            date=wrong.date - dt.timedelta(days=3),
            origin=Measurement.Origin.DEMO,
        )
        Measurement.objects.filter(programme=wrong.programme, corrects=wrong).update(is_demo=True)
    _partner_and_own()
    indicators.recompute_all()


def _partner_and_own() -> None:
    """A cycling volunteer group working with คลองสามวา, and a programme of the district's own."""
    partner, _ = Body.objects.get_or_create(
        code="partner-1046-bike-volunteers",
        defaults={
            "kind": Body.Kind.PARTNER,
            "name_th": "กลุ่มอาสาจักรยานคลองสามวา (ตัวอย่าง)",
            "name_en": "Khlong Sam Wa cycling volunteers (demo)",
            "district_id": "1046",
            "contact_name": "ผู้ประสานงานกลุ่ม (ตัวอย่าง)",
            "contact_phone": "0000000000",
            "is_demo": True,
        },
    )
    User = get_user_model()
    volunteer = User.objects.filter(username="demo-1046-member6").first()
    if volunteer is not None:
        appoint(person=volunteer, body=partner, role=Role.MEMBER, start=dt.date(2025, 10, 1))
    district = District.objects.get(code="1046")
    if Programme.objects.filter(district=district).exists():
        return
    chair = User.objects.get(username="demo-1046-chair")
    own = services.add_district_programme(
        actor=chair,
        district=district,
        name_th="เส้นทางจักรยานริมคลองแสนแสบ ร่วมกับอาสาจักรยาน (ตัวอย่าง)",
        name_en="Canal-side bike route with the cycling volunteers (demo)",
        unit_th="กม.",
        unit_en="km",
        starts="2025-10-01",
        ends="2026-09-30",
        description="โครงการของเขตในด้านที่ 6 (ตัวอย่าง)",
    )
    Programme.objects.filter(pk=own.pk).update(is_demo=True)
    director = User.objects.get(username="demo-1046-director")
    services.set_target(
        actor=director,
        programme=own,
        district_code="1046",
        year=2026,
        value=12,
        note="เป้าหมายของเขต (ตัวอย่าง)",
    )
    for day, km in [(dt.date(2026, 2, 14), 3), (dt.date(2026, 5, 9), 4), (dt.date(2026, 8, 22), 2)]:
        made = services.record_measurement(
            actor=volunteer or User.objects.get(username="demo-1046-works"),
            programme=own,
            district_code="1046",
            date=day,
            value=km,
            note="อาสาจักรยานสำรวจและติดป้ายเส้นทาง (ตัวอย่าง)",
            origin=Measurement.Origin.DEMO,
        )
        Measurement.objects.filter(pk=made.pk).update(is_demo=True)
    issue_links()


def issue_links() -> None:
    """The demo's committee issues name the programmes they move."""
    from ruam.issues.models import Issue

    for title, code in [("สวน 15 นาที", "parks_15min"), ("น้ำท่วมขัง", "flood_risk_points")]:
        programme = Programme.objects.filter(code=code).first()
        for issue in Issue.objects.filter(district_id="1046", title__contains=title):
            if programme is not None:
                programme.issues.add(issue)
