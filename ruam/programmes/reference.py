"""Loading the seed's programmes, the governor's FY2024 policy goals and their published figures
(``ruam load-reference``; idempotent).

Every figure loaded comes with its source and date (``ruam/data/SOURCES.md``). Where no official
figure exists nothing is invented: a district's share of a city target is loaded only as a
*placeholder* (an even share of the districts' published total, marked as such and editable),
and plan levels without a source (the "22 urgent goals" under that name, the 20-year plan) stay
empty. Ruam's own computed indicators say that they are Ruam's, not BMA's.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from ruam.bodies.models import Body
from ruam.core.sync import SyncResult, sync_rows
from ruam.framework.models import Area, Category, PlanItem, PlanKind
from ruam.geo.models import District
from ruam.geo.services import read_csv
from ruam.programmes import indicators, progress
from ruam.programmes.models import Measurement, PlanIndicator, Programme, Target

GOAL_KIND = "policy-goal-fy2567"
AREAS = {
    "economy_society": 1,
    "environment_green": 2,
    "education_technology": 3,
    "infrastructure_traffic": 4,
    "cleanliness_safety": 5,
    "other": 6,
}
# The governor took office on 1 June 2022: the start of the term's multi-year programmes.
TERM_START = dt.date(2022, 6, 1)
OKR = re.compile(r"OKR (\d+)\.(\d+)\.(\d+)")
# Programmes the source gives no OKR code for: the development issue (dimension.issue) they
# serve, as Ruam reads the plan (editable in the admin).
ISSUE_OF = {
    "million_trees": "4.1",
    "million_trees_east": "4.1",
    "parks_15min": "4.1",
    "ev_garbage_trucks": "4.2",
    "straw_baler_no_burn": "4.2",
    "flood_risk_points": "1.4",
    "mai_tae_ruam_households": "4.2",
    "street_lights_led": "2.1",
    "health_centres": "5.2",
}
LEVELS = {"straw_baler_no_burn", "mai_tae_ruam_households", "health_centres"}
LESS = {"straw_baler_no_burn": Decimal("5625")}  # baseline: rai burned in 2022
COMPUTED = [
    {
        "code": "reports_street_lights_fixed",
        "name_th": "เรื่องแจ้งไฟฟ้าส่องสว่างที่แก้ไขแล้ว (คำนวณจากเรื่องแจ้งใน Ruam)",
        "name_en": "Street-light reports fixed (computed from reports in Ruam)",
        "category": "แสงสว่าง",
        "statuses": ["finished", "confirmed"],
        "aggregation": Programme.Aggregation.COUNT,
        "direction": Programme.Direction.MORE,
        "unit_th": "เรื่อง",
        "unit_en": "reports",
        "area": 5,
        "issue": "2.1",
    },
    {
        "code": "reports_drains_median_days",
        "name_th": "ค่ามัธยฐานจำนวนวันแก้ไขเรื่องแจ้งท่อระบายน้ำ (คำนวณจากเรื่องแจ้งใน Ruam)",
        "name_en": "Median days to fix drain reports (computed from reports in Ruam)",
        "category": "ท่อระบายน้ำ",
        "statuses": ["finished", "confirmed"],
        "aggregation": Programme.Aggregation.MEDIAN_DAYS,
        "direction": Programme.Direction.LESS,
        "unit_th": "วัน",
        "unit_en": "days",
        "area": 4,
        "issue": "1.4",
    },
]
COMPUTED_NOTE = (
    "Ruam's own indicator, computed from the reports recorded in Ruam (imported Traffy Fondue "
    "tickets included); not a BMA figure and with no official target."
)


def _decimal(text: str) -> Decimal | None:
    text = (text or "").replace(",", "").strip()
    return Decimal(text) if text else None


def _date(text: str) -> dt.date | None:
    """'2024-07-02', '2024-07' (the 1st) or '2024' (31 December)."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return dt.date.fromisoformat(text + "-01")
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31)
    return None


def fiscal_year(day: dt.date) -> int:
    """BMA's fiscal year, by the calendar year it ends in (Oct 2023 – Sep 2024 → 2024)."""
    return day.year + 1 if day.month >= 10 else day.year


def _issues() -> dict[str, PlanItem]:
    """Development issues by "dimension.n-th issue of it" (the OKR codes' first two parts)."""
    found = {}
    for dimension in PlanItem.objects.filter(kind__code="dimension"):
        for n, issue in enumerate(dimension.children.order_by("number"), start=1):
            found[f"{dimension.number}.{n}"] = issue
    return found


def load_programmes(data_dir: Path) -> dict[str, SyncResult]:
    issues = _issues()
    results = {"policy_goals": _load_goals(data_dir / "bma_policy_goals_fy2567.csv", issues)}
    results["programmes"] = _load_programmes(data_dir / "bma_programmes.csv", issues)
    results["district_figures"] = _load_district_figures(data_dir / "bma_programme_districts.csv")
    results["placeholders"] = _placeholders(data_dir / "bma_policy_goals_fy2567.csv")
    for programme in Programme.objects.filter(source=Programme.Source.TYPED):
        progress.refresh_all(programme)
    indicators.recompute_all()
    return results


def _load_goals(path: Path, issues: dict[str, PlanItem]) -> SyncResult:
    kind, _ = PlanKind.objects.update_or_create(
        code=GOAL_KIND,
        defaults={
            "name_th": "เป้าหมายตามนโยบาย ผว.กทม. ปีงบประมาณ 2567",
            "name_en": "The Governor's policy goals, fiscal 2024",
            "order": 2,
        },
    )
    result = SyncResult()
    for order, row in enumerate(read_csv(path), start=1):
        okr = OKR.match("OKR " + row["okr"].split(" ")[0]) if row["okr"] else None
        parent = issues.get(f"{okr.group(1)}.{okr.group(2)}") if okr else None
        item, created = PlanItem.objects.update_or_create(
            kind=kind,
            code=f"G{row['number']}",
            defaults={
                "number": int(row["number"].split(".")[0]),
                "order": order,
                "name_th": row["title_th"],
                "name_en": "",
                "parent": parent,
                "description_th": f"OKR {row['okr']}" if row["okr"] else "",
            },
        )
        result.created += created
        result.unchanged += not created
        PlanIndicator.objects.update_or_create(
            plan_item=item,
            code=row["okr"] or f"G{row['number']}",
            defaults={
                "name_th": row["title_th"],
                "unit_th": row["unit_th"],
                "target": _decimal(row["target_total_snapB"]),
                "achieved": _decimal(row["achieved_snapB"]),
                "achieved_on": _date(row["snapB_date"]),
                "responsible": f"สำนัก {row['target_departments_snapB']} · "
                f"50 เขต {row['target_50_districts_snapB']}",
                "source_url": row["snapB_capture"],
                "note": "Read from the policy tracking page "
                f"({row['original_page']}) as captured on {row['snapB_date']}. {row['note']}",
            },
        )
    return result


def _programme_row(row: dict, areas: dict, departments: list[Body]) -> dict:
    code = row["programme_code"]
    year = int(row["target_year"]) if row["target_year"] else None
    fiscal = "fy2567" in code or "r=site/index" in row["note"]
    owner = next((d for d in departments if d.name_th in row["department_th"]), None)
    return {
        "code": code,
        "name_th": row["name_th"],
        "name_en": row["name_en"],
        "area_id": areas[AREAS[row["area"]]],
        "unit_th": row["unit_th"],
        "unit_en": row["unit_en"],
        "direction": Programme.Direction.LESS if code in LESS else Programme.Direction.MORE,
        "accumulation": Programme.Accumulation.LATEST
        if code in LEVELS
        else Programme.Accumulation.SUM,
        "starts": dt.date(year - 1, 10, 1) if fiscal and year else TERM_START,
        "ends": dt.date(year, 9, 30) if year else None,
        "owner_id": owner.pk if owner else None,
        "owners_text": row["department_th"][:300],
        "city_target": _decimal(row["city_target"]),
        "baseline": LESS.get(code, _decimal("69") if code == "health_centres" else None),
        "baseline_note": "5,625 ไร่ (2565)"
        if code in LESS
        else ("ศูนย์บริการสาธารณสุข 69 แห่ง" if code == "health_centres" else ""),
        "source_url": row["source_url"],
        "source_note": row["note"],
        "source": Programme.Source.TYPED,
    }


def _load_programmes(path: Path, issues: dict[str, PlanItem]) -> SyncResult:
    rows = read_csv(path)
    areas = {a.number: a.pk for a in Area.objects.all()}
    departments = list(Body.objects.filter(kind=Body.Kind.DEPARTMENT))
    result = sync_rows(Programme, "code", [_programme_row(r, areas, departments) for r in rows])
    goals = {
        item.description_th.removeprefix("OKR ").split(" ")[0]: item
        for item in PlanItem.objects.filter(kind__code=GOAL_KIND).exclude(description_th="")
    }
    programmes = {
        p.code: p for p in Programme.objects.filter(code__in=[r["programme_code"] for r in rows])
    }
    for row in rows:
        programme = programmes[row["programme_code"]]
        okr = OKR.search(row["name_th"])
        # Linked to its policy goal where it has one (the goal sits under its development
        # issue: linking both would count the programme twice), else to the issue itself.
        goal = goals.get(".".join(okr.groups())) if okr else None
        links = [goal] if goal else [issues.get(f"{okr[1]}.{okr[2]}") if okr else None]
        links.append(issues.get(ISSUE_OF.get(programme.code, "")))
        programme.plan_items.add(*[item for item in links if item is not None])
        if goal is not None:
            # The goal's indicator follows the programme: its figures are the programme's.
            PlanIndicator.objects.filter(plan_item=goal, programme__isnull=True).update(
                programme=programme
            )
        achieved, day = _decimal(row["achieved"]), _date(row["achieved_date"])
        if achieved is not None and day is not None:
            _published(programme, None, day, achieved, row["source_url"], row["note"])
    result_computed = sync_rows(
        Programme,
        "code",
        [
            {
                "code": c["code"],
                "name_th": c["name_th"],
                "name_en": c["name_en"],
                "area_id": areas[c["area"]],
                "unit_th": c["unit_th"],
                "unit_en": c["unit_en"],
                "direction": c["direction"],
                "source": Programme.Source.COMPUTED,
                "category_id": Category.objects.get(name_th=c["category"]).pk,
                "statuses": c["statuses"],
                "aggregation": c["aggregation"],
                "source_note": COMPUTED_NOTE,
            }
            for c in COMPUTED
        ],
    )
    for c in COMPUTED:
        if c["issue"] in issues:
            Programme.objects.get(code=c["code"]).plan_items.add(issues[c["issue"]])
    result.created += result_computed.created
    result.updated += result_computed.updated
    result.unchanged += result_computed.unchanged
    return result


def _published(programme, district, day, value, url, note) -> bool:
    _, created = Measurement.objects.get_or_create(
        programme=programme,
        district=district,
        origin=Measurement.Origin.PUBLISHED,
        date=day,
        defaults={
            "value": value,
            "status": Measurement.Status.VERIFIED,
            "source_url": url[:500],
            "note": note[:4000],
        },
    )
    return created


def _load_district_figures(path: Path) -> SyncResult:
    result = SyncResult()
    districts = {d.name_th: d for d in District.objects.all()}
    programmes = {p.code: p for p in Programme.objects.all()}
    for row in read_csv(path):
        programme, district = programmes[row["programme_code"]], districts[row["district_name_th"]]
        value = _decimal(row["value"])
        fy = re.match(r"FY(\d{4})", row["date"])
        day = _date(row["date"])
        if row["figure_kind"] == "target":
            year = int(fy[1]) - 543 if fy else (fiscal_year(day) if day else None)
            if year is None:
                result.unchanged += 1
                continue
            _, created = Target.objects.get_or_create(
                programme=programme,
                district=district,
                year=year,
                defaults={"value": value, "source_url": row["source_url"], "note": row["date"]},
            )
        elif day is None:
            # An achieved figure without a date cannot be placed in a period: not loaded.
            result.unchanged += 1
            continue
        else:
            created = _published(programme, district, day, value, row["source_url"], "")
        result.created += created
        result.unchanged += not created
    return result


def _placeholders(goals_path: Path) -> SyncResult:
    """An even share of the districts' published total, where the source gives one and no
    district has a target for that year: a placeholder, marked so, for the district to replace."""
    result = SyncResult()
    share_of = {}
    for row in read_csv(goals_path):
        total = _decimal(row["target_50_districts_snapB"])
        if total:
            share_of[f"OKR {row['okr']}"] = (total, row["unit_th"])
    districts = list(District.objects.values_list("code", flat=True))
    for programme in Programme.objects.filter(district__isnull=True, source="typed"):
        okr = OKR.search(programme.name_th)
        total = share_of.get(okr[0])[0] if okr and okr[0] in share_of else None
        if (
            total is None
            and programme.city_target
            and programme.ends
            and ("เขต" in programme.owners_text and programme.code not in {"million_trees_east"})
        ):
            total = programme.city_target
        if total is None or programme.ends is None:
            continue
        year = fiscal_year(programme.ends)
        if Target.objects.filter(programme=programme, year=year, is_placeholder=False).exists():
            continue
        share = (total / len(districts)).quantize(Decimal("0.01"))
        for code in districts:
            _, created = Target.objects.get_or_create(
                programme=programme,
                district_id=code,
                year=year,
                defaults={
                    "value": share,
                    "is_placeholder": True,
                    "note": f"ค่าชั่วคราว: ส่วนเฉลี่ยเท่ากันของเป้าหมายรวม {total:,} / "
                    f"placeholder: an even share of the published total {total:,}, "
                    "not an official district figure",
                },
            )
            result.created += created
            result.unchanged += not created
    return result
