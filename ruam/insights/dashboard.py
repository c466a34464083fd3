"""The staff dashboard: what it shows for a scope (a district, a group, the city) and filters.

Every chart is a table first (``Table``): the page draws the chart from the same rows, shows the
table beside it, and exports it. Reports' figures come from the tallies, the map's hexagons
from ``HexTally``, the committees' from their tables (``insights.selectors``).
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, replace

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from ruam.core.errors import Bilingual, InvalidInput
from ruam.core.exports import Column, Table
from ruam.core.web import whole_number
from ruam.insights import tables
from ruam.insights.cube import H3_RESOLUTION
from ruam.insights.models import HexTally, HexTotal
from ruam.insights.periods import KEYS, LABELS, period
from ruam.insights.present import issue_stages
from ruam.insights.rules import Scope
from ruam.insights.selectors import (
    Figures,
    Filters,
    by_category,
    by_day,
    by_key,
    by_month,
    figures,
)

BAD = {
    "period": Bilingual("ช่วงเวลาที่เลือกไม่ถูกต้อง", "Unknown period."),
    "district": Bilingual("ไม่พบเขตที่เลือก", "Unknown district."),
    "group": Bilingual("ไม่พบกลุ่มเขตที่เลือก", "Unknown district group."),
    "subdistrict": Bilingual("แขวงที่เลือกไม่อยู่ในเขตนี้", "That subdistrict is not in the district."),
    "category": Bilingual("ไม่พบประเภทปัญหาที่เลือก", "Unknown category."),
    "area": Bilingual("ไม่พบด้านที่เลือก", "Unknown area."),
    "status": Bilingual("สถานะที่เลือกไม่ถูกต้อง", "Unknown status."),
    "channel": Bilingual("ช่องทางที่เลือกไม่ถูกต้อง", "Unknown channel."),
}


@dataclass(frozen=True)
class Choice:
    scope: Scope
    filters: Filters
    described: list[tuple[object, object]]


def read(query, default: Scope) -> Choice:
    """The dashboard's filters from a query string; anything unknown is refused (all of it
    at once, each field named)."""
    from ruam.framework.models import Area, Category
    from ruam.geo.models import District, DistrictGroup, Subdistrict
    from ruam.reports.models import Channel
    from ruam.reports.statuses import Status

    errors = {}
    key = query.get("period") or "fy"
    if key not in KEYS:
        errors["period"] = BAD["period"]
    described: list[tuple[object, object]] = []
    scope = default
    district = group = None
    if query.get("district"):
        district = District.objects.filter(code=str(query["district"])[:8]).first()
        if district is None:
            errors["district"] = BAD["district"]
        else:
            scope = Scope(district.code, district.group_id)
    elif query.get("group"):
        group = DistrictGroup.objects.filter(code=str(query["group"])[:8]).first()
        if group is None:
            errors["group"] = BAD["group"]
        else:
            scope = Scope(None, group.code)
    elif "district" in query or "group" in query:
        scope = Scope()  # the whole city, asked for by leaving both empty
    subdistrict = str(query.get("subdistrict", ""))[:8]
    if subdistrict and not (
        scope.district_id
        and Subdistrict.objects.filter(code=subdistrict, district_id=scope.district_id).exists()
    ):
        errors["subdistrict"] = BAD["subdistrict"]
    numbers = {}
    for name, model in (("category", Category), ("area", Area)):
        raw = query.get(name, "")
        value = whole_number(raw, maximum=2**31) if raw else 0
        if raw and not (value and model.objects.filter(pk=value).exists()):
            errors[name] = BAD[name]
        numbers[name] = value or 0
    status = query.get("status", "")
    if status and status not in {"open", "closed", *Status.values}:
        errors["status"] = BAD["status"]
    channel = query.get("channel", "")
    if channel and channel not in Channel.values:
        errors["channel"] = BAD["channel"]
    if errors:
        raise InvalidInput(errors)
    if scope.district_id:
        districts = (scope.district_id,)
        described.append((_("District"), District.objects.get(code=scope.district_id).name_th))
    elif scope.group_id:
        districts = tuple(
            District.objects.filter(group_id=scope.group_id).values_list("code", flat=True)
        )
        described.append(
            (_("District group"), DistrictGroup.objects.get(code=scope.group_id).name_th)
        )
    else:
        districts = None
        described.append((_("District"), _("all 50 districts")))
    chosen = period(key)
    described.insert(0, (_("Period"), LABELS[chosen.key]))
    if subdistrict:
        described.append((_("Subdistrict"), subdistrict))
    if numbers["category"]:
        described.append((_("Category"), Category.objects.get(pk=numbers["category"]).name_th))
    if numbers["area"]:
        described.append((_("Area"), Area.objects.get(pk=numbers["area"]).name_th))
    if status:
        described.append((_("Status"), status))
    if channel:
        described.append((_("Channel"), channel))
    return Choice(
        scope,
        Filters(
            chosen,
            districts,
            subdistrict=subdistrict,
            category=numbers["category"],
            area=numbers["area"],
            status=status,
            channel=channel,
        ),
        described,
    )


@functools.cache
def _h3():
    import h3.api.basic_int as h3

    return h3


def hexes(f: Filters, limit: int = 3000) -> dict:
    """The hotspots map: reports per H3 hexagon (resolution 8; 7 for the whole city), as
    GeoJSON with a shade class 0–4 by rank. Status narrows to open or closed reports only."""
    detailed = bool(f.subdistrict or f.category or f.area)
    qs = (HexTally if detailed else HexTotal).objects.all()
    if f.period.first is not None:
        qs = qs.filter(day__gte=f.period.first)
    if f.districts is not None:
        qs = qs.filter(district__in=f.districts)
    if f.subdistrict:
        qs = qs.filter(subdistrict=f.subdistrict)
    if f.category:
        qs = qs.filter(category=f.category)
    elif f.area:
        from ruam.framework.models import Category

        qs = qs.filter(
            category__in=list(Category.objects.filter(area_id=f.area).values_list("pk", flat=True))
        )
    if f.status == "open" or f.status in {
        "waiting",
        "coordinating",
        "in_progress",
        "forwarded",
        "invited",
        "reopened",
    }:
        qs = qs.filter(is_open=True)
    elif f.status:
        qs = qs.filter(is_open=False)
    counts: dict[int, int] = {}
    h3 = _h3()
    coarse = f.districts is None
    for cell, n in qs.values_list("hex").annotate(n=Sum("received")).values_list("hex", "n"):
        if coarse:
            cell = h3.cell_to_parent(cell, H3_RESOLUTION - 1)
        counts[cell] = counts.get(cell, 0) + (n or 0)
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:limit]
    values = sorted(n for _, n in top)
    features = []
    for cell, n in top:
        rank = bisect.bisect_left(values, n)  # how many hold fewer
        boundary = [[lon, lat] for lat, lon in h3.cell_to_boundary(cell)]
        boundary.append(boundary[0])
        features.append(
            {
                "type": "Feature",
                "properties": {"n": n, "shade": min(4, rank * 5 // max(1, len(values)))},
                "geometry": {"type": "Polygon", "coordinates": [boundary]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def hex_table(geo: dict) -> Table:
    rows = []
    for feature in geo["features"][:200]:
        ring = feature["geometry"]["coordinates"][0][:-1]
        lat = sum(p[1] for p in ring) / len(ring)
        lon = sum(p[0] for p in ring) / len(ring)
        rows.append((f"{lat:.4f}, {lon:.4f}", feature["properties"]["n"]))
    return Table(
        "hotspots",
        _("Reports per hexagon (about 0.7 km²)"),
        [Column("centre", _("Centre (lat, lon)")), Column("reports", _("Reports"), "int")],
        rows,
    )


def over_time(f: Filters) -> Table:
    daily = f.period.key == "30d"
    rows = by_day(f) if daily else by_month(f)
    return Table(
        "over_time",
        _("Reports received per day") if daily else _("Reports received per month"),
        [
            Column("day", _("Day") if daily else _("Month"), "date"),
            Column("reports", _("Reports"), "int"),
        ],
        rows,
    )


def committee_table(f: Filters, per: dict) -> Table:
    from ruam.geo.models import District

    names = dict(District.objects.filter(code__in=list(per)).values_list("code", "name_th"))
    rows = []
    for code in sorted(c for c in per if c):
        x: Figures = per[code]
        rows.append(
            (
                code,
                names.get(code, code),
                x.issues,
                x.meetings_held,
                x.attendance_rate,
                x.actions_due,
                x.actions_done_on_time,
                x.actions_overdue,
            )
        )
    return Table(
        "committees",
        _("Committee activity"),
        [
            Column("code", _("Code")),
            Column("district", _("District")),
            Column("issues", _("Committee issues"), "int"),
            Column("meetings", _("Meetings held"), "int"),
            Column("attendance", _("Attendance"), "share"),
            Column("actions_due", _("Actions due"), "int"),
            Column("on_time", _("Done on time"), "int"),
            Column("overdue", _("Overdue"), "int"),
        ],
        rows,
    )


def channel_table(f: Filters) -> Table:
    from ruam.reports.models import Channel

    labels = dict(Channel.choices)
    return Table(
        "channels",
        _("Reports by channel"),
        [Column("channel", _("Channel")), Column("reports", _("Reports"), "int")],
        [(str(labels.get(k, k)), n) for k, n in by_key(f, "channel")],
    )


def build(choice: Choice) -> dict:
    """Everything the page shows and exports."""
    from ruam.framework.models import Category

    f = choice.filters
    total = figures(f)[None]
    per = figures(replace(f, status="", channel=""), by_district=True)
    categories = Category.objects.in_bulk()
    category_rows = [(categories.get(pk), pk, n, o) for pk, n, o in by_category(f, limit=15)]
    found = {
        "over_time": over_time(f),
        "status": tables.status_table(total),
        "categories": tables.categories_table(category_rows),
        "time_to_fix": tables.fix_table(total),
        "backlog": tables.backlog_table(total),
        "channels": channel_table(f),
        "issues": tables.issues_table(issue_stages(total)),
        "committees": committee_table(f, per),
    }
    geo = hexes(f)
    found["hotspots"] = hex_table(geo)
    for table in found.values():
        table.rows = list(table.rows)
    return {"figures": total, "tables": found, "hexes": geo}
