"""Hotspots and recurrence per district: the raw material for committee issues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Prefetch
from django.utils import timezone

from ruam.framework.models import Category
from ruam.geo.clusters import find_clusters
from ruam.reports.models import Report
from ruam.reports.statuses import Status
from ruam.thai.dates import MONTHS_EN, MONTHS_TH

FIXED = {Status.FINISHED, Status.CONFIRMED}


@dataclass
class Hotspot:
    category: Category
    lat: float
    lon: float
    count: int
    after_fix: int
    reopened: int
    first: dt.datetime
    last: dt.datetime
    radius_m: int
    report_ids: list[int] = field(default_factory=list)

    @property
    def score(self) -> int:
        return self.count + 2 * self.after_fix + self.reopened

    def explain(self, lang: str = "th") -> str:
        """ "17 reports of น้ำท่วม within 150 m of this point since June, 5 after a fix"."""
        first = timezone.localtime(self.first)
        if lang.startswith("th"):
            text = (
                f"แจ้งเรื่อง{self.category.name_th} {self.count} เรื่อง ภายในรัศมี {self.radius_m} "
                f"เมตรจากจุดนี้ ตั้งแต่{MONTHS_TH[first.month - 1]} {first.year + 543}"
            )
            if self.after_fix:
                text += f" โดย {self.after_fix} เรื่องแจ้งหลังจากแก้ไขแล้ว"
            if self.reopened:
                text += f" และเปิดใหม่ {self.reopened} ครั้ง"
            return text
        text = (
            f"{self.count} reports of {self.category.name_en} within {self.radius_m} m of this "
            f"point since {MONTHS_EN[first.month - 1]} {first.year}"
        )
        if self.after_fix:
            text += f", {self.after_fix} after a fix"
        if self.reopened:
            text += f", reopened {self.reopened} times"
        return text


def district_hotspots(
    district_code: str,
    *,
    since: dt.datetime | None = None,
    category: Category | None = None,
    radius_m: int = 150,
    min_reports: int = 5,
    limit: int = 20,
) -> list[Hotspot]:
    """The district's hotspots, strongest first (count, recurrence after fixes, reopenings)."""
    qs = Report.objects.filter(district_id=district_code, lat__isnull=False).exclude(
        status=Status.DUPLICATE
    )
    if since:
        qs = qs.filter(created__gte=since)
    categories = Category.objects.filter(pk=category.pk) if category else Category.objects.all()
    rows = (
        qs.only("pk", "lat", "lon", "created", "status", "status_changed", "reopen_count")
        .prefetch_related(Prefetch("categories", queryset=Category.objects.only("pk")))
        .order_by("pk")
    )
    by_category: dict[int, list[Report]] = {}
    wanted = {c.pk for c in categories}
    for report in rows.iterator(chunk_size=2000):
        for c in report.categories.all():
            if c.pk in wanted:
                by_category.setdefault(c.pk, []).append(report)
    names = {c.pk: c for c in categories}
    found: list[Hotspot] = []
    for category_id, reports in by_category.items():
        found += _hotspots(names[category_id], reports, radius_m, min_reports)
    found.sort(key=lambda h: (-h.score, -h.count))
    return found[:limit]


def _hotspots(category, reports, radius_m, min_reports) -> list[Hotspot]:
    lat = np.array([r.lat for r in reports])
    lon = np.array([r.lon for r in reports])
    created = np.array([r.created.timestamp() for r in reports])
    # A fix is known only when the status changed after the report was made (imports from a
    # dump carry no time of change: their "finished" cannot date a fix).
    fixed = np.array(
        [
            r.status_changed.timestamp()
            if r.status in FIXED and r.status_changed > r.created
            else np.nan
            for r in reports
        ]
    )
    out = []
    for cluster in find_clusters(
        lat, lon, created, fixed, radius_m=radius_m, min_reports=min_reports
    ):
        members = [reports[i] for i in cluster.members]
        out.append(
            Hotspot(
                category=category,
                lat=cluster.lat,
                lon=cluster.lon,
                count=len(members),
                after_fix=cluster.after_fix,
                reopened=sum(r.reopen_count for r in members),
                first=dt.datetime.fromtimestamp(cluster.first, tz=dt.UTC),
                last=dt.datetime.fromtimestamp(cluster.last, tz=dt.UTC),
                radius_m=radius_m,
                report_ids=[r.pk for r in members],
            )
        )
    return out
