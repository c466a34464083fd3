"""Reading figures: sums over the tallies, and counts over the committees' small tables.

Reports are never counted here: their figures are sums of tally rows (``insights.cube``). The
committees' issues, actions and meetings are counted from their own tables, which stay small
(a district has tens of issues a year, not thousands) and are read through their indexes.
``docs/FIGURES.md`` says what each figure means and how it is computed.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ruam.insights.cube import FIXED, OPEN, today
from ruam.insights.models import FIX_EDGES, HISTOGRAM, MEASURES, DistrictTally, ReportTally
from ruam.insights.periods import Period, period

BACKLOG_EDGES = (7, 30, 90, 365)  # ages in days: ≤7, 8–30, 31–90, 91–365, over a year
BACKLOG_KEYS = ("0-7", "8-30", "31-90", "91-365", "365+")


@dataclass(frozen=True)
class Filters:
    """What a figure is about. ``districts`` None: the whole city."""

    period: Period
    districts: tuple[str, ...] | None = None
    subdistrict: str = ""
    category: int = 0
    area: int = 0
    status: str = ""  # a status, "open" or "closed"
    channel: str = ""

    @property
    def fine(self) -> bool:
        """Whether only the detailed tally can answer."""
        return bool(self.subdistrict or self.category or self.area or self.channel)

    def statuses(self) -> set[str] | None:
        if self.status == "open":
            return set(OPEN)
        if self.status == "closed":
            from ruam.reports.statuses import CLOSED

            return {str(s) for s in CLOSED}
        return {self.status} if self.status else None


def scope(districts=None, key: str | None = None, **more) -> Filters:
    if isinstance(districts, str):
        districts = (districts,)
    return Filters(period(key), tuple(districts) if districts is not None else None, **more)


def tallies(f: Filters, *, fine: bool | None = None):
    """The tally rows these filters select (the district tally when it can answer)."""
    fine = f.fine if fine is None else fine
    qs = (ReportTally if fine else DistrictTally).objects.all()
    if f.period.first is not None:
        qs = qs.filter(day__gte=f.period.first)
    if f.districts is not None:
        qs = (
            qs.filter(district=f.districts[0])
            if len(f.districts) == 1
            else qs.filter(district__in=f.districts)
        )
    if f.subdistrict:
        qs = qs.filter(subdistrict=f.subdistrict)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.area:
        qs = qs.filter(area=f.area)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    statuses = f.statuses()
    if statuses is not None:
        qs = qs.filter(status__in=sorted(statuses))
    return qs


SUMS = {name: Sum(name) for name in MEASURES}


def quantile(histogram: list[int], share: float) -> float | None:
    """The days under which ``share`` of the fixes fall, read from the histogram (straight
    line within a bucket; a bucket is 1 day wide up to 3 days, and widens after)."""
    total = sum(histogram)
    if not total:
        return None
    target = share * total
    seen = 0
    lower = 0.0
    for i, count in enumerate(histogram):
        upper = float(FIX_EDGES[i]) if i < len(FIX_EDGES) else lower
        if count and seen + count >= target:
            return round(lower + (target - seen) / count * (upper - lower), 1)
        seen += count
        lower = upper
    return round(lower, 1)


@dataclass
class Figures:
    """The figures of one place (a district, a group, the city) for one period."""

    received: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    open: int = 0
    fixed: int = 0
    confirmed: int = 0
    fix_known: int = 0
    fix_deadline_known: int = 0
    fix_on_time: int = 0
    fix_seconds: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * len(HISTOGRAM))
    reopened: int = 0
    reopened_not_fixed: int = 0
    rated: int = 0
    stars: int = 0
    backlog: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BACKLOG_KEYS, 0))
    # committees
    issues_by_status: dict[str, int] = field(default_factory=dict)
    actions_due: int = 0
    actions_done_on_time: int = 0
    actions_done_late: int = 0
    actions_overdue: int = 0
    meetings_held: int = 0
    attendance_present: int = 0
    attendance_expected: int = 0
    programme_progress: float | None = None
    programmes: int = 0

    def add_row(self, status: str, row: dict) -> None:
        n = row["received"] or 0
        self.received += n
        self.by_status[status] = self.by_status.get(status, 0) + n
        if status in OPEN:
            self.open += n
        if status in FIXED:
            self.fixed += n
        if status == "confirmed":
            self.confirmed += n
        for name in ("fix_known", "fix_deadline_known", "fix_on_time", "fix_seconds"):
            setattr(self, name, getattr(self, name) + (row[name] or 0))
        for i, name in enumerate(HISTOGRAM):
            self.histogram[i] += row[name] or 0
        self.reopened += row["reopened"] or 0
        if status not in FIXED:
            self.reopened_not_fixed += row["reopened"] or 0
        self.rated += row["rated"] or 0
        self.stars += row["stars"] or 0

    # -- what pages show --

    @property
    def median_days(self) -> float | None:
        return quantile(self.histogram, 0.5)

    @property
    def p90_days(self) -> float | None:
        return quantile(self.histogram, 0.9)

    @property
    def mean_days(self) -> float | None:
        return round(self.fix_seconds / self.fix_known / 86400, 1) if self.fix_known else None

    @property
    def on_time_share(self) -> float | None:
        return self.fix_on_time / self.fix_deadline_known if self.fix_deadline_known else None

    @property
    def reopen_rate(self) -> float | None:
        base = self.fixed + self.reopened_not_fixed
        return self.reopened / base if base else None

    @property
    def fixed_share(self) -> float | None:
        return self.fixed / self.received if self.received else None

    @property
    def rating(self) -> float | None:
        return round(self.stars / self.rated, 2) if self.rated else None

    @property
    def issues(self) -> int:
        return sum(self.issues_by_status.values())

    @property
    def attendance_rate(self) -> float | None:
        if not self.attendance_expected:
            return None
        return self.attendance_present / self.attendance_expected

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog.values())


def _age_key(age: int) -> str:
    for edge, key in zip(BACKLOG_EDGES, BACKLOG_KEYS, strict=False):
        if age <= edge:
            return key
    return BACKLOG_KEYS[-1]


def _backlog_age(day: dt.date, on: dt.date) -> int:
    """Days since a row's reports came in; a month's row is dated to its middle."""
    if day.day == 1 and (on - day).days > 35:
        day = day + dt.timedelta(days=14)
    return (on - day).days


def report_figures(f: Filters, *, by_district: bool = False) -> dict[str | None, Figures]:
    """Report figures for the filters: one ``Figures`` (key None), or one per district."""
    group = ["district", "status"] if by_district else ["status"]
    out: dict[str | None, Figures] = defaultdict(Figures)
    for row in tallies(f).values(*group).annotate(**SUMS).order_by():
        out[row["district"] if by_district else None].add_row(row["status"], row)
    # Backlog: reports open now, by how long ago they came in (the period does not apply).
    backlog = replace(f, period=period("all"), status="open")
    on = today()
    group = ["district", "day"] if by_district else ["day"]
    for row in tallies(backlog).values(*group).annotate(n=Sum("received")).order_by():
        key = row["district"] if by_district else None
        out[key].backlog[_age_key(_backlog_age(row["day"], on))] += row["n"] or 0
    if not by_district:
        out.setdefault(None, Figures())
    return dict(out)


def by_day(f: Filters) -> list[tuple[dt.date, int]]:
    rows = tallies(f).values("day").annotate(n=Sum("received")).order_by("day")
    return [(row["day"], row["n"] or 0) for row in rows]


def by_month(f: Filters) -> list[tuple[dt.date, int]]:
    months: dict[dt.date, int] = defaultdict(int)
    for day, n in by_day(f):
        months[day.replace(day=1)] += n
    return sorted(months.items())


def by_category(f: Filters, limit: int | None = None) -> list[tuple[int, int, int]]:
    """(category id, reports, open) most reported first; 0 is "no category"."""
    rows = (
        tallies(f, fine=True)
        .values("category")
        .annotate(n=Sum("received"), open=Sum("received", filter=Q(status__in=sorted(OPEN))))
        .order_by("-n", "category")
    )
    found = [(row["category"], row["n"] or 0, row["open"] or 0) for row in rows]
    return found[:limit] if limit else found


def by_key(f: Filters, key: str) -> list[tuple[str, int]]:
    rows = tallies(f, fine=True).values(key).annotate(n=Sum("received")).order_by("-n")
    return [(row[key], row["n"] or 0) for row in rows]


# -- committees ------------------------------------------------------------------------------


def _within(f: Filters, name: str) -> Q:
    if f.period.first is None:
        return Q()
    start = timezone.make_aware(dt.datetime.combine(f.period.first, dt.time.min))
    return Q(**{f"{name}__gte": start})


def committee_figures(f: Filters, out: dict[str | None, Figures], *, by_district: bool) -> None:
    """Issues by stage, actions due and how they ended, meetings held and attendance."""
    from ruam.issues.models import Issue
    from ruam.meetings.models import Action, Attendance, Meeting

    def key(district: str | None) -> str | None:
        return district if by_district else None

    def wanted(district: str | None) -> bool:
        return district is not None and (f.districts is None or district in f.districts)

    issues = Issue.objects.filter(_within(f, "created"), district__isnull=False)
    if f.districts is not None:
        issues = issues.filter(district__in=f.districts)
    if f.area:
        issues = issues.filter(area_id=f.area)
    for row in issues.values("district", "status").annotate(n=Count("pk")).order_by():
        figures = out.setdefault(key(row["district"]), Figures())
        figures.issues_by_status[row["status"]] = row["n"]

    on = today()
    actions = Action.objects.exclude(status=Action.Status.CANCELLED).filter(due__lte=on)
    if f.period.first is not None:
        actions = actions.filter(due__gte=f.period.first)
    # Overdue actions count whatever their due date: they are still owed.
    actions = actions | Action.objects.filter(
        status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS], due__lt=on
    )
    for row in actions.values_list(
        "status",
        "due",
        "done_at",
        "resolution__item__meeting__body__district_id",
        "resolution__item__meeting__body__parent__district_id",
        "issue__district_id",
        "owner__district_id",
    ).distinct():
        status, due, done_at, meeting_d, parent_d, issue_d, owner_d = row
        district = meeting_d or parent_d or issue_d or owner_d
        if not wanted(district):
            continue
        figures = out.setdefault(key(district), Figures())
        in_period = f.period.first is None or due >= f.period.first
        if in_period:
            figures.actions_due += 1
        if status == Action.Status.DONE and in_period:
            if done_at is not None and timezone.localtime(done_at).date() <= due:
                figures.actions_done_on_time += 1
            else:
                figures.actions_done_late += 1
        elif status != Action.Status.DONE and due < on:
            figures.actions_overdue += 1

    meetings = Meeting.objects.filter(status=Meeting.Status.HELD).filter(_within(f, "starts_at"))
    district_of = {}
    for pk, own, parent in meetings.values_list(
        "pk", "body__district_id", "body__parent__district_id"
    ):
        district = own or parent
        if wanted(district):
            district_of[pk] = district
            out.setdefault(key(district), Figures()).meetings_held += 1
    if district_of:
        for row in (
            Attendance.objects.filter(
                meeting_id__in=list(district_of), replaced__isnull=True, is_member=True
            )
            .values("meeting_id")
            .annotate(
                n=Count("pk"), present=Count("pk", filter=Q(status=Attendance.Status.PRESENT))
            )
            .order_by()
        ):
            figures = out[key(district_of[row["meeting_id"]])]
            figures.attendance_expected += row["n"]
            figures.attendance_present += row["present"]


def programme_figures(f: Filters, out: dict[str | None, Figures], *, by_district: bool) -> None:
    """Mean progress of the programmes each district has a target for (0–1)."""
    from ruam.programmes.models import Progress

    rows = Progress.objects.filter(district__isnull=False, progress__isnull=False)
    if f.districts is not None:
        rows = rows.filter(district_id__in=f.districts)
    values: dict[str | None, list[float]] = defaultdict(list)
    for district, progress in rows.values_list("district_id", "progress"):
        values[district if by_district else None].append(progress)
    for key, found in values.items():
        figures = out.setdefault(key, Figures())
        figures.programme_progress = statistics.fmean(found)
        figures.programmes = len(found)


def figures(f: Filters, *, by_district: bool = False) -> dict[str | None, Figures]:
    """Everything a district page or a comparison shows, in a handful of queries."""
    out = report_figures(f, by_district=by_district)
    committee_figures(f, out, by_district=by_district)
    programme_figures(f, out, by_district=by_district)
    return out


def place_figures(f: Filters) -> Figures:
    return figures(f)[None]
