"""Programmes computed from residents' reports instead of typed.

Each is defined by a category, the report statuses that count and an aggregation: the number
of such reports (street-light reports fixed and confirmed), or the median days from the report
to its last move for those in the statuses (how long drain reports take to fix). A count follows
each report's move in the move's own transaction (+1 or −1 on the district's row and the
city's); a median is recounted for the district and the city by the worker once the move
commits (``core.queue``). Pages read the stored ``Progress`` rows and never count reports.
``ruam recompute-indicators`` recounts everything (after a bulk import, which sends no
signals, or a change of categories; run it nightly to be sure).
"""

from __future__ import annotations

import statistics
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, Sum
from django_tasks import task

from ruam.core import queue
from ruam.core.refcache import ttl_cache
from ruam.programmes.models import Programme, Progress
from ruam.programmes.progress import ratio


@ttl_cache(seconds=30)
def _definitions() -> tuple[tuple[int, int, frozenset[str], str], ...]:
    """(programme, category, statuses, aggregation) of every computed programme: read on each
    move of a report."""
    return tuple(
        (pk, category, frozenset(statuses or ()), aggregation)
        for pk, category, statuses, aggregation in Programme.objects.filter(
            source=Programme.Source.COMPUTED, category__isnull=False
        ).values_list("pk", "category_id", "statuses", "aggregation")
    )


def _matching(report, statuses_seen: set[str]) -> list[tuple[int, frozenset[str], str]]:
    definitions = [d for d in _definitions() if d[2] & statuses_seen]
    if not definitions:
        return []
    categories = set(report.categories.values_list("pk", flat=True))
    return [
        (pk, statuses, how) for pk, category, statuses, how in definitions if category in categories
    ]


def _add(programme_id: int, district: str, delta: int) -> None:
    """A count moved by one report: the district's row and the city's, locked and updated in
    the move's own transaction (a rolled-back move changes nothing)."""
    direction = Programme.objects.values_list("direction", flat=True).get(pk=programme_id)
    for place in (district, None):
        row, _ = Progress.objects.select_for_update().get_or_create(
            programme_id=programme_id, district_id=place
        )
        row.achieved = max((row.achieved or Decimal(0)) + delta, Decimal(0))
        row.measurements = max(row.measurements + delta, 0)
        row.progress = ratio(direction, row.target, row.achieved)
        row.save(update_fields=["achieved", "measurements", "progress", "updated"])


def on_report_moved(sender, instance, event, **kwargs) -> None:
    """In the move's transaction: a count takes the report in or out at once; a median is
    recounted for the district (and the city) by the worker once the move commits."""
    for pk, statuses, how in _matching(instance, {event.from_status, event.to_status}):
        if how == Programme.Aggregation.COUNT:
            delta = (event.to_status in statuses) - (event.from_status in statuses)
            if delta:
                _add(pk, instance.district_id, delta)
        else:
            queue.after_commit(recount, pk, instance.district_id)


def on_report_received(sender, report, **kwargs) -> None:
    """A new report already in a counted status (sent by the worker after intake)."""
    for pk, _statuses, how in _matching(report, {report.status}):
        if how == Programme.Aggregation.COUNT:
            _add(pk, report.district_id, 1)
        else:
            queue.after_commit(recount, pk, report.district_id)


def _reports(programme: Programme, district: str | None = None):
    """The reports that count: in the statuses, of the category (an EXISTS on the category link,
    so a district's recount walks that district's reports in those statuses only)."""
    from ruam.reports.models import Report

    linked = Report.categories.through.objects.filter(
        report_id=OuterRef("pk"), category_id=programme.category_id
    )
    qs = Report.objects.filter(status__in=programme.statuses).filter(Exists(linked))
    if district is not None:
        qs = qs.filter(district_id=district)
    if programme.starts:
        qs = qs.filter(created__date__gte=programme.starts)
    if programme.ends:
        qs = qs.filter(created__date__lte=programme.ends)
    return qs


def _value(programme: Programme, reports) -> tuple[Decimal | None, int]:
    """The figure and the number of reports it comes from, in one query."""
    if programme.aggregation == Programme.Aggregation.MEDIAN_DAYS:
        spans = [
            span.total_seconds() / 86400
            for span in reports.annotate(span=F("status_changed") - F("created")).values_list(
                "span", flat=True
            )
            # An imported ticket's last move is not known (its time is its report's): only
            # reports whose fix Ruam saw count.
            if span is not None and span.total_seconds() > 0
        ]
        return (Decimal(f"{statistics.median(spans):.2f}") if spans else None), len(spans)
    count = reports.count()
    return Decimal(count), count


def _store(programme: Programme, district: str | None, value: Decimal | None, count: int) -> None:
    target = programme.city_target if district is None else None
    Progress.objects.update_or_create(
        programme=programme,
        district_id=district,
        defaults={
            "target": target,
            "achieved": value,
            "progress": ratio(programme.direction, target, value),
            "measurements": count,
            "unverified": 0,
        },
    )


def recount_now(programme: Programme, districts: list[str], *, city: bool = True) -> None:
    for district in districts:
        _store(programme, district, *_value(programme, _reports(programme, district)))
    if not city:
        return
    if programme.aggregation == Programme.Aggregation.MEDIAN_DAYS:
        # A median is not a sum of the districts': the city's is counted over all of them.
        _store(programme, None, *_value(programme, _reports(programme)))
    else:
        # A count is: the city's is the sum of the districts' rows, which recompute_all made
        # for every district with a matching report and each recount keeps.
        rows = Progress.objects.filter(programme=programme, district__isnull=False)
        total = rows.aggregate(n=Sum("achieved"))["n"] or Decimal(0)
        _store(programme, None, total, int(total))


@task()
def recount(programme_id: int, district: str | None) -> None:
    programme = Programme.objects.filter(pk=programme_id, source=Programme.Source.COMPUTED).first()
    if programme is not None:
        recount_now(programme, [district] if district else [])


def recompute_all() -> int:
    """Every computed programme, every district with a matching report (and the city)."""
    done = 0
    for programme in Programme.objects.filter(source=Programme.Source.COMPUTED):
        districts = sorted(set(_reports(programme).values_list("district_id", flat=True)))
        Progress.objects.filter(programme=programme).exclude(
            Q(district__isnull=True) | Q(district_id__in=districts)
        ).delete()
        recount_now(programme, districts)
        done += 1
    return done
