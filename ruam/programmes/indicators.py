"""Programmes computed from residents' reports instead of typed.

Each is defined by a category, the report statuses that count and an aggregation: the number
of such reports (street-light reports fixed and confirmed), or the median days from the report
to its last move for those in the statuses (how long drain reports take to fix). A report's move
or a new report that may change one queues the recount of its district in the worker, after
the change commits (``core.queue``); the city figure is recounted with it. Pages read the
stored ``Progress`` rows and never count reports. ``ruam recompute-indicators`` recounts
everything (after a bulk import, which sends no signals).
"""

from __future__ import annotations

import statistics
from decimal import Decimal

from django.db.models import F, Q
from django_tasks import task

from ruam.core import queue
from ruam.core.refcache import ttl_cache
from ruam.programmes.models import Programme, Progress
from ruam.programmes.progress import ratio


@ttl_cache(seconds=30)
def _definitions() -> tuple[tuple[int, int, frozenset[str]], ...]:
    """(programme, category, statuses) of every computed programme: read on each move."""
    return tuple(
        (pk, category, frozenset(statuses or ()))
        for pk, category, statuses in Programme.objects.filter(
            source=Programme.Source.COMPUTED, category__isnull=False
        ).values_list("pk", "category_id", "statuses")
    )


def _matching(report, statuses_seen: set[str]) -> list[int]:
    definitions = [d for d in _definitions() if d[2] & statuses_seen]
    if not definitions:
        return []
    categories = set(report.categories.values_list("pk", flat=True))
    return [pk for pk, category, _ in definitions if category in categories]


def on_report_moved(sender, instance, event, **kwargs) -> None:
    """In the move's transaction: queue a recount where the move enters or leaves a status
    that counts."""
    for pk in _matching(instance, {event.from_status, event.to_status}):
        queue.after_commit(recount, pk, instance.district_id)


def on_report_received(sender, report, **kwargs) -> None:
    for pk in _matching(report, {report.status}):
        queue.after_commit(recount, pk, report.district_id)


def _reports(programme: Programme):
    from ruam.reports.models import Report

    qs = Report.objects.filter(categories=programme.category_id, status__in=programme.statuses)
    if programme.starts:
        qs = qs.filter(created__date__gte=programme.starts)
    if programme.ends:
        qs = qs.filter(created__date__lte=programme.ends)
    return qs


def _value(programme: Programme, reports) -> Decimal | None:
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
        return Decimal(f"{statistics.median(spans):.2f}") if spans else None
    return Decimal(reports.count())


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


def recount_now(programme: Programme, districts: list[str]) -> None:
    reports = _reports(programme)
    for district in districts:
        mine = reports.filter(district_id=district)
        _store(programme, district, _value(programme, mine), mine.count())
    _store(programme, None, _value(programme, reports), reports.count())


@task()
def recount(programme_id: int, district: str | None) -> None:
    programme = Programme.objects.filter(pk=programme_id, source=Programme.Source.COMPUTED).first()
    if programme is not None:
        recount_now(programme, [district] if district else [])


def recompute_all() -> int:
    """Every computed programme, every district with a matching report (and the city)."""
    done = 0
    for programme in Programme.objects.filter(source=Programme.Source.COMPUTED):
        districts = sorted(
            set(_reports(programme).values_list("district_id", flat=True).distinct())
        )
        Progress.objects.filter(programme=programme).exclude(
            Q(district__isnull=True) | Q(district_id__in=districts)
        ).delete()
        recount_now(programme, districts)
        done += 1
    return done
