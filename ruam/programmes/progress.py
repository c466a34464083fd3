"""A programme's standing: target, achieved and progress (0–1), per district and for the city.

``refresh`` rewrites the ``Progress`` rows of the districts a change touched and of the city,
in the change's transaction; pages and the API only read those rows.

- A district's target is the sum of its yearly targets; the city's is the programme's explicit
  city target, or else the sum of the districts' targets.
- Achieved, for a programme whose figures add up (trees planted, km cleaned), is the sum of the
  current (not superseded) figures within the period; for a level (rai burned this year, a
  percentage) it is the latest figure. The city's sum starts from the latest figure BMA
  published (a city-wide snapshot that already holds what districts did until its date) and adds
  what was recorded after it. The figures of a district's own programme count toward the city
  programme it is mapped to, and toward no other.
- Progress, when more is better, is achieved ÷ target; when less is better, the way travelled
  from the baseline to the target, or (without a baseline) 1 once at or under the target and
  target ÷ achieved above it. Always within 0–1; None without a target.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, Sum

from ruam.programmes.models import Measurement, Programme, Progress, Target

CURRENT = [Measurement.Status.RECORDED, Measurement.Status.VERIFIED]


def ratio(
    direction: str,
    target: Decimal | None,
    achieved: Decimal | None,
    baseline: Decimal | None = None,
) -> float | None:
    if target is None or achieved is None:
        return None
    target, achieved = float(target), float(achieved)
    if direction == Programme.Direction.LESS:
        if baseline is not None and float(baseline) > target:
            value = (float(baseline) - achieved) / (float(baseline) - target)
        elif achieved <= target:
            value = 1.0
        else:
            value = target / achieved if achieved > 0 else 1.0
    else:
        if target <= 0:
            return None
        value = achieved / target
    return max(0.0, min(1.0, value))


def _in_period(programme: Programme) -> Q:
    q = Q(status__in=CURRENT)
    if programme.starts:
        q &= Q(date__gte=programme.starts)
    if programme.ends:
        q &= Q(date__lte=programme.ends)
    return q


def _figures(programme: Programme):
    """The current figures that count for this programme: its own and those of the district
    programmes mapped to it."""
    return Measurement.objects.filter(
        Q(programme=programme) | Q(programme__counts_toward=programme)
    ).filter(_in_period(programme))


def _achieved(figures, accumulation: str) -> tuple[Decimal | None, object, int, int]:
    rows = list(figures.values_list("value", "date", "status", "pk").order_by("date", "pk"))
    if not rows:
        return None, None, 0, 0
    unverified = sum(1 for row in rows if row[2] == Measurement.Status.RECORDED)
    latest = rows[-1]
    if accumulation == Programme.Accumulation.LATEST:
        return latest[0], latest[1], len(rows), unverified
    return sum((row[0] for row in rows), Decimal(0)), latest[1], len(rows), unverified


def _district_target(programme: Programme, district: str) -> tuple[Decimal | None, bool]:
    targets = Target.objects.filter(programme=programme, district_id=district)
    total = targets.aggregate(s=Sum("value"))["s"]
    return total, targets.filter(is_placeholder=True).exists()


def _city_target(programme: Programme) -> tuple[Decimal | None, bool]:
    if programme.city_target is not None:
        return programme.city_target, False
    targets = Target.objects.filter(programme=programme)
    return targets.aggregate(s=Sum("value"))["s"], targets.filter(is_placeholder=True).exists()


def _city_achieved(programme: Programme) -> tuple[Decimal | None, object, int, int]:
    figures = _figures(programme)
    if programme.accumulation == Programme.Accumulation.LATEST:
        city = figures.filter(district__isnull=True)
        if city.exists():
            return _achieved(city, Programme.Accumulation.LATEST)
        latest_by_district = {}
        for district, value, date in figures.order_by("date", "pk").values_list(
            "district_id", "value", "date"
        ):
            latest_by_district[district] = (value, date)
        if not latest_by_district:
            return None, None, 0, 0
        total = sum((v for v, _ in latest_by_district.values()), Decimal(0))
        return total, max(d for _, d in latest_by_district.values()), figures.count(), 0
    published = (
        figures.filter(district__isnull=True, origin=Measurement.Origin.PUBLISHED)
        .order_by("-date", "-pk")
        .first()
    )
    if published is None:
        return _achieved(figures, Programme.Accumulation.SUM)
    since, more, count, unverified = _achieved(
        figures.filter(date__gt=published.date).exclude(pk=published.pk),
        Programme.Accumulation.SUM,
    )
    return (
        published.value + (since or 0),
        more or published.date,
        count + 1,
        unverified,
    )


def _write(programme: Programme, district: str | None, target, placeholder, achieved) -> None:
    value, measured_on, count, unverified = achieved
    Progress.objects.update_or_create(
        programme=programme,
        district_id=district,
        defaults={
            "target": target,
            "target_is_placeholder": placeholder,
            "achieved": value,
            "progress": ratio(
                programme.direction, target, value, programme.baseline if district is None else None
            ),
            "measured_on": measured_on,
            "measurements": count,
            "unverified": unverified,
        },
    )


def refresh(programme: Programme, districts: Iterable[str | None] = ()) -> None:
    """Rewrite the rows of these districts and of the city (and of the city programme this
    one counts toward). Computed programmes are recounted by ``indicators`` instead."""
    if programme.is_computed:
        return
    for district in {d for d in districts if d}:
        target, placeholder = _district_target(programme, district)
        figures = _figures(programme).filter(district_id=district)
        _write(programme, district, target, placeholder, _achieved(figures, programme.accumulation))
    target, placeholder = _city_target(programme)
    _write(programme, None, target, placeholder, _city_achieved(programme))
    if programme.counts_toward_id:
        refresh(programme.counts_toward, ())


def refresh_all(programme: Programme) -> None:
    """Every district that has a target or a figure, and the city."""
    districts = set(
        Target.objects.filter(programme=programme).values_list("district_id", flat=True)
    ) | set(
        Measurement.objects.filter(programme=programme, district__isnull=False).values_list(
            "district_id", flat=True
        )
    )
    Progress.objects.filter(programme=programme, district__isnull=False).exclude(
        district_id__in=districts
    ).delete()
    refresh(programme, districts)
