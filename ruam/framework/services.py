"""Loading the six areas, the plan tree, Traffy's categories and default routing."""

from __future__ import annotations

import json
from pathlib import Path

from ruam.bodies.models import Body, DivisionType
from ruam.core.sync import SyncResult, sync_rows
from ruam.framework.models import Area, Category, PlanItem, PlanKind, RoutingRule
from ruam.geo.services import read_csv

# The six areas of PRODUCT.md, from the seed document; administrators edit them in the admin.
AREAS = [
    {
        "number": 1,
        "name_th": "เศรษฐกิจ สังคม และคุณภาพชีวิต",
        "name_en": "Economy, society and quality of life",
        "slogan_th": "เมืองเศรษฐกิจ โอกาส และความหวัง",
        "slogan_en": "A city of economy, opportunity and hope",
        "examples_th": "ผลิตภัณฑ์ชุมชน กิจกรรมส่งเสริมอัตลักษณ์ท้องถิ่น ศูนย์บริการสาธารณสุขและโรงพยาบาล "
        "Hawker Center สำหรับผู้ค้าหาบเร่",
        "examples_en": "Local products, local identity events, health centres and hospitals, "
        "Hawker Centers for street vendors",
    },
    {
        "number": 2,
        "name_th": "สิ่งแวดล้อมและเพิ่มพื้นที่สีเขียว",
        "name_en": "Environment and green space",
        "slogan_th": "เมืองยั่งยืน พลังงานและสิ่งแวดล้อม",
        "slogan_en": "A sustainable city of energy and environment",
        "examples_th": "ปลูกต้นไม้ล้านต้น สวน 15 นาที รถเก็บขยะไฟฟ้า รถอัดฟางข้าวแทนการเผา (PM2.5)",
        "examples_en": "The Million Trees programme, 15-minute parks, EV garbage trucks, "
        "straw balers instead of burning (PM2.5)",
    },
    {
        "number": 3,
        "name_th": "การศึกษาและเทคโนโลยี",
        "name_en": "Education and technology",
        "slogan_th": "เมืองสร้างสรรค์การศึกษาและเรียนรู้ตลอดชีวิต",
        "slogan_en": "A creative city of education and lifelong learning",
        "examples_th": "แพลตฟอร์มแก้ปัญหาเมือง (Traffy Fondue) ระบบบริหารจัดการแผนพัฒนา BMA OSS "
        "การปรับปรุงกายภาพโรงเรียน",
        "examples_en": "The city-problem platform (Traffy Fondue), the development-plan system, "
        "BMA OSS services, school improvements",
    },
    {
        "number": 4,
        "name_th": "สาธารณูปโภค โครงสร้างพื้นฐาน และการจราจร",
        "name_en": "Utilities, infrastructure and traffic",
        "slogan_th": "เมืองเดินทาง เส้นทางและสายน้ำ",
        "slogan_en": "A city of journeys, roads and waterways",
        "examples_th": "เส้นทางจักรยานร่วมกับอาสาจักรยาน การลอกท่อระบายน้ำ การแก้ไขจุดเสี่ยงน้ำท่วม",
        "examples_en": "Bike lanes with bicycle volunteers, drain dredging and cleaning, "
        "flood-risk points",
    },
    {
        "number": 5,
        "name_th": "ความสะอาด ความเป็นระเบียบเรียบร้อย และความปลอดภัย",
        "name_en": "Cleanliness, order and safety",
        "slogan_th": "เมืองปลอดภัย สุขภาพ ชีวิต ทรัพย์สิน",
        "slogan_en": "A safe city for health, life and property",
        "examples_th": "ไม่เทรวม (แยกขยะร่วมกับภาคเอกชน) ติดตั้งและซ่อมไฟฟ้าส่องสว่าง ถนนสวย",
        "examples_en": "'Don't mix' waste separation with the private sector, street lights "
        "installed and repaired, beautiful roads",
    },
    {
        "number": 6,
        "name_th": "ด้านอื่น ๆ ตามบริบทของแต่ละพื้นที่เขต",
        "name_en": "Other, by the district's own context",
        "slogan_th": "",
        "slogan_en": "",
        "examples_th": "แต่ละเขตกำหนดเองได้",
        "examples_en": "Each district may define its own",
    },
]

# Plan levels. Those without items in the reference data are there for administrators to fill.
PLAN_KINDS = [
    ("dimension", "มิติ (9 ด้าน 9 ดี)", "Dimension (9 dimensions, 9 goods)"),
    ("development-issue", "ประเด็นการพัฒนา", "Development issue"),
    ("urgent-goal", "เป้าหมายเร่งด่วน", "Urgent goal"),
    ("bma-20-year-plan", "แผนพัฒนากรุงเทพมหานคร ระยะ 20 ปี", "Bangkok 20-year development plan"),
    ("national-plan", "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ", "National economic and social plan"),
    ("national-strategy", "ยุทธศาสตร์ชาติ", "National strategy"),
    ("campaign-2022", "นโยบาย 9 ดี (ช่วงหาเสียง พ.ศ. 2565)", "The 2022 campaign's 9 goods"),
]


def issue_code(number: int) -> str:
    return f"I{number:02d}"


def load_framework(data_dir: Path) -> dict[str, SyncResult]:
    results = {"areas": sync_rows(Area, "number", AREAS)}
    results["plan_kinds"] = sync_rows(
        PlanKind,
        "code",
        [
            {"code": code, "name_th": th, "name_en": en, "order": order}
            for order, (code, th, en) in enumerate(PLAN_KINDS)
        ],
    )
    results["plan_items"] = _load_plan(data_dir / "policy_framework.json")
    results["categories"], results["routing"] = _load_categories(data_dir / "category_defaults.csv")
    return results


def _upsert_item(kind: PlanKind, code: str, **values) -> tuple[PlanItem, bool]:
    return PlanItem.objects.update_or_create(kind=kind, code=code, defaults=values)


def _load_plan(path: Path) -> SyncResult:
    with open(path, encoding="utf-8") as f:
        framework = json.load(f)
    kinds = {kind.code: kind for kind in PlanKind.objects.all()}
    result = SyncResult()

    def count(created: bool) -> None:
        if created:
            result.created += 1
        else:
            result.unchanged += 1

    for dim in framework["dimensions"]:
        dimension, created = _upsert_item(
            kinds["dimension"],
            dim["code"],
            number=dim["dimension_no"],
            order=dim["dimension_no"],
            name_th=dim["name_th"],
            name_en=dim["name_en"],
            parent=None,
        )
        count(created)
        for issue in dim["development_issues"]:
            _, created = _upsert_item(
                kinds["development-issue"],
                issue_code(issue["issue_no"]),
                number=issue["issue_no"],
                order=issue["issue_no"],
                name_th=issue["name_th"],
                name_en=issue["name_en"],
                description_th="\n".join(issue.get("intended_outcomes_th", [])),
                parent=dimension,
            )
            count(created)
    campaign = framework.get("campaign_2022_dimensions", {})
    for number, (th, en) in enumerate(
        zip(campaign.get("names_th", []), campaign.get("names_en", []), strict=True), start=1
    ):
        _, created = _upsert_item(
            kinds["campaign-2022"],
            f"C{number}",
            number=number,
            order=number,
            name_th=th,
            name_en=en,
        )
        count(created)
    return result


def _load_categories(path: Path) -> tuple[SyncResult, SyncResult]:
    rows = read_csv(path)
    areas = {area.number: area for area in Area.objects.all()}
    issues = {item.number: item for item in PlanItem.objects.filter(kind__code="development-issue")}
    categories = sync_rows(
        Category,
        "name_th",
        [
            {
                "name_th": row["category_th"],
                "name_en": row["category_en"],
                "area_id": areas[int(row["area_no"])].pk,
                "plan_item_id": issues[int(row["plan_issue_no"])].pk
                if row["plan_issue_no"]
                else None,
                "deadline_days": int(row["deadline_days"]),
            }
            for row in rows
        ],
    )
    division_types = {d.name_th: d for d in DivisionType.objects.all()}
    departments = {b.name_th: b for b in Body.objects.filter(kind=Body.Kind.DEPARTMENT)}
    routing = SyncResult()
    for row in rows:
        category = Category.objects.get(name_th=row["category_th"])
        # Only create the city-wide default: an administrator's edit of it is kept.
        _, created = RoutingRule.objects.get_or_create(
            category=category,
            district=None,
            defaults={
                "division_type": division_types[row["division_th"]],
                "department": departments.get(row["department_th"]),
            },
        )
        if created:
            routing.created += 1
        else:
            routing.unchanged += 1
    return categories, routing
