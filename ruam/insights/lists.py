"""The list behind a figure: a district's reports, filtered as the figure was counted, newest
first, in pages read by position (no count, no OFFSET: the first page of a big district is as
fast as any). Public fields only — never the reporter or their contact details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruam.core.errors import Bilingual, InvalidInput
from ruam.core.exports import Column, Table
from ruam.core.web import whole_number
from ruam.insights.cube import FIXED, OPEN, today
from ruam.insights.periods import KEYS, Period, period
from ruam.insights.selectors import BACKLOG_EDGES, BACKLOG_KEYS

PAGE = 50
STATUS_CHOICES = [
    ("", _("all")),
    ("open", _("still open")),
    ("fixed", _("fixed")),
    ("confirmed", _("fix confirmed")),
    ("reopened", _("reopened at least once")),
]
BAD_STATUS = Bilingual("สถานะที่เลือกไม่ถูกต้อง", "Unknown status.")
BAD_PERIOD = Bilingual("ช่วงเวลาที่เลือกไม่ถูกต้อง", "Unknown period.")
BAD_AGE = Bilingual("อายุเรื่องที่เลือกไม่ถูกต้อง", "Unknown age range.")
BAD_CATEGORY = Bilingual("ประเภทปัญหาต้องเป็นตัวเลข", "The category must be a number.")
BAD_PAGE = Bilingual("หน้าที่ขอไม่ถูกต้อง", "The page asked for is not valid.")


@dataclass(frozen=True)
class ReportFilters:
    district: object
    period: Period
    status: str = ""
    category: int = 0
    age: str = ""
    subdistrict: str = ""

    @classmethod
    def read(cls, query, district) -> ReportFilters:
        errors = {}
        key = query.get("period") or ("all" if query.get("age") else "fy")
        if key not in KEYS:
            errors["period"] = BAD_PERIOD
        status = query.get("status", "")
        from ruam.reports.statuses import Status

        if status not in {s for s, _ in STATUS_CHOICES} | set(Status.values):
            errors["status"] = BAD_STATUS
        age = query.get("age", "")
        if age and age not in BACKLOG_KEYS:
            errors["age"] = BAD_AGE
        category = 0
        if query.get("category"):
            category = whole_number(query.get("category"), maximum=2**31) or 0
            if not category:
                errors["category"] = BAD_CATEGORY
        if errors:
            raise InvalidInput(errors)
        return cls(
            district,
            period(key),
            status,
            category,
            age,
            str(query.get("subdistrict", ""))[:8],
        )

    def queryset(self):
        from ruam.reports.models import Report

        qs = Report.objects.filter(district_id=self.district.code)
        if self.period.first is not None:
            qs = qs.filter(created__gte=_start(self.period.first))
        if self.status == "open":
            qs = qs.filter(status__in=sorted(OPEN))
        elif self.status == "fixed":
            qs = qs.filter(status__in=sorted(FIXED))
        elif self.status == "reopened":
            qs = qs.filter(reopen_count__gt=0)
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.category:
            qs = qs.filter(first_category_is(self.category))
        if self.age:
            i = BACKLOG_KEYS.index(self.age)
            newest = [0, *BACKLOG_EDGES][i]
            oldest = BACKLOG_EDGES[i] if i < len(BACKLOG_EDGES) else None
            qs = qs.filter(created__lt=_start(today() - dt.timedelta(days=newest - 1)))
            if oldest is not None:
                qs = qs.filter(created__gte=_start(today() - dt.timedelta(days=oldest)))
        if self.subdistrict:
            qs = qs.filter(subdistrict_id=self.subdistrict)
        return qs.order_by("-created", "-pk")

    def query(self) -> str:
        parts = [f"period={self.period.key}"]
        for name in ("status", "category", "age", "subdistrict"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name}={value}")
        return "&".join(parts)

    def described(self) -> list[tuple[object, object]]:
        out: list[tuple[object, object]] = [
            (_("District"), self.district.name_th),
            (_("Period"), self.period.label),
        ]
        if self.status:
            out.append((_("Status"), dict(STATUS_CHOICES).get(self.status, self.status)))
        if self.category:
            from ruam.framework.models import Category

            category = Category.objects.filter(pk=self.category).first()
            out.append((_("Category"), category.name_th if category else self.category))
        if self.age:
            out.append((_("Days open"), self.age))
        if self.subdistrict:
            out.append((_("Subdistrict"), self.subdistrict))
        return out


def first_category_is(category: int):
    """The report's first category (the one figures count it under) is this one."""
    from django.db.models import Exists, OuterRef

    from ruam.reports.models import Report

    through = Report.categories.through
    earlier = through.objects.filter(report_id=OuterRef("report_id"), pk__lt=OuterRef("pk"))
    return Exists(
        through.objects.filter(report_id=OuterRef("pk"), category_id=category).exclude(
            Exists(earlier)
        )
    )


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class Page:
    reports: list
    next_after: str | None


def page(qs, after: str | None) -> Page:
    """A page of reports older than the one named by ``after`` ("<timestamp>_<id>")."""
    if after:
        try:
            stamp, _, pk = after.partition("_")
            moment = dt.datetime.fromisoformat(stamp)
            pk = int(pk)
        except ValueError:
            raise InvalidInput({"after": BAD_PAGE}) from None
        if timezone.is_naive(moment):
            raise InvalidInput({"after": BAD_PAGE})
        qs = qs.filter(Q(created__lt=moment) | Q(created=moment, pk__lt=pk))
    # Public fields only: a list never reads a reporter's contact details.
    found = list(
        qs.select_related("subdistrict")
        .only(
            "pk",
            "code",
            "created",
            "status",
            "description",
            "subdistrict__name_th",
            "subdistrict__name_en",
        )
        .prefetch_related("categories")[: PAGE + 1]
    )
    more = len(found) > PAGE
    found = found[:PAGE]
    last = found[-1] if found and more else None
    return Page(found, f"{last.created.isoformat()}_{last.pk}" if last else None)


REPORT_COLUMNS = [
    Column("code", _("Tracking code")),
    Column("created", _("Received"), "datetime"),
    Column("subdistrict", _("Subdistrict")),
    Column("category", _("Category")),
    Column("status", _("Status")),
    Column("status_changed", _("Status changed"), "datetime"),
    Column("deadline", _("Deadline"), "datetime"),
    Column("reopened", _("Times reopened"), "int"),
    Column("rating", _("Rating"), "int"),
    Column("summary", _("Report")),
    Column("url", _("Link")),
]


def report_rows(qs):
    """The public fields of each report, read in chunks (a long list streams)."""
    from django.conf import settings

    from ruam.framework.models import Category
    from ruam.geo.models import Subdistrict
    from ruam.reports.statuses import Status
    from ruam.thai.redact import redact

    subdistricts = dict(Subdistrict.objects.values_list("code", "name_th"))
    categories = dict(Category.objects.values_list("pk", "name_th"))
    labels = {}
    site = settings.RUAM_SITE_URL.rstrip("/")
    through = qs.model.categories.through
    chunk: list = []

    def flush(rows):
        firsts: dict[int, int] = {}
        for report_id, category_id in (
            through.objects.filter(report_id__in=[r[0] for r in rows])
            .order_by("pk")
            .values_list("report_id", "category_id")
        ):
            firsts.setdefault(report_id, category_id)
        for pk, code, created, sub, status, changed, deadline, reopened, rating, text in rows:
            if status not in labels:
                from django.utils import translation

                with translation.override("th"):
                    labels[status] = str(Status(status).label)
            summary = redact(" ".join(text.split()))[:200]
            yield (
                f"{code[:4]}-{code[4:]}",
                created,
                subdistricts.get(sub, ""),
                categories.get(firsts.get(pk), ""),
                labels[status],
                changed,
                deadline,
                reopened,
                rating,
                summary,
                f"{site}/reports/{code}/",
            )

    fields = (
        "pk",
        "code",
        "created",
        "subdistrict_id",
        "status",
        "status_changed",
        "deadline",
        "reopen_count",
        "rating",
        "description",
    )
    for row in qs.values_list(*fields).iterator(chunk_size=2000):
        chunk.append(row)
        if len(chunk) == 2000:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def report_table(qs) -> Table:
    return Table("reports", _("Reports"), REPORT_COLUMNS, report_rows(qs))
