"""The tallies follow every report move, agree with a full rebuild, and count fixes only when
their time is known."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ruam.insights import cube
from ruam.insights.models import DistrictTally, HexTally, HexTotal, ReportTally
from ruam.insights.periods import period
from ruam.insights.selectors import Filters, place_figures, quantile, scope
from ruam.reports import services
from ruam.reports.models import Report
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db


def rows() -> dict[str, list]:
    return {
        model.__name__: sorted(
            tuple(v for k, v in r.items() if k != "id") for r in model.objects.values()
        )
        for model in (DistrictTally, ReportTally, HexTally, HexTotal)
    }


def test_moves_keep_the_tallies_as_a_rebuild_would_make_them(make_report, fix, worker, official):
    fix(make_report(), after=dt.timedelta(days=2))
    fix(make_report(category="น้ำท่วม"), after=dt.timedelta(days=9))  # deadline 3 days
    make_report(text="ทางเท้าชำรุด", category="ทางเท้า")
    rejected = make_report(text="ขอถนนใหม่", category="ถนน")
    worker(services.change_status, rejected, actor=official, to=Status.NOT_RELEVANT, note="ไม่ใช่")
    followed = rows()
    assert sum(r.received for r in DistrictTally.objects.all()) == 4
    cube.rebuild()
    assert rows() == followed

    figures = place_figures(scope("1046", "all"))
    assert (figures.received, figures.open, figures.fixed) == (4, 1, 2)
    assert figures.fix_known == 2 and figures.fix_deadline_known == 2
    assert figures.fix_on_time == 1  # 2 days for street lights (7), 9 days for a flood (3)
    assert figures.median_days == pytest.approx(5.5, abs=2.5)
    assert figures.on_time_share == 0.5


def test_a_fix_imported_without_its_time_is_not_timed(make_report):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(
        status=Status.FINISHED, status_changed=report.created
    )
    cube.rebuild()
    figures = place_figures(scope("1046", "all"))
    assert figures.fixed == 1 and figures.fix_known == 0 and figures.median_days is None


def test_confirming_keeps_the_time_of_the_fix(make_report, fix, seat, worker):
    report = fix(make_report(), after=dt.timedelta(days=3))
    chair = seat("committee-1046", "chair")
    worker(services.confirm_fix, report, actor=chair)
    figures = place_figures(scope("1046", "all"))
    assert figures.confirmed == 1 and figures.fix_known == 1
    # From the fix (3 days), not from the confirmation (now): the 3–5 day bucket, and the mean.
    assert 3 <= figures.median_days <= 5 and 2.9 <= figures.mean_days <= 3.1


def test_ratings_and_reopenings(make_report, fix, worker, seat):
    report = fix(make_report(), after=dt.timedelta(days=1))
    chair = seat("committee-1046", "chair")
    worker(services.reopen, report, reason="ยังดับอยู่", actor=chair)
    other = fix(make_report(text="ไฟดับอีกต้น"), after=dt.timedelta(days=1))
    Report.objects.filter(pk=other.pk).update(rating=4)  # rate() records no move: the refresh
    assert cube.refresh() >= 1
    figures = place_figures(scope("1046", "all"))
    assert figures.reopened == 1 and figures.reopen_rate == 0.5
    assert (figures.rated, figures.rating) == (1, 4.0)


def test_days_before_the_horizon_are_kept_by_month(make_report):
    today = timezone.localdate()
    old = timezone.now() - dt.timedelta(days=120)
    for i in range(3):
        report = make_report(text=f"ขยะล้น {i}", category="ความสะอาด")
        Report.objects.filter(pk=report.pk).update(created=old + dt.timedelta(days=i))
    cube.rebuild()
    days = set(DistrictTally.objects.values_list("day", flat=True))
    assert all(d.day == 1 for d in days if d < cube.horizon(today))
    # A day row left from before the horizon moved is folded into its month.
    DistrictTally.objects.update(day=cube.horizon(today) - dt.timedelta(days=3))
    cube.refresh()
    assert all(d.day == 1 for d in DistrictTally.objects.values_list("day", flat=True))
    assert sum(DistrictTally.objects.values_list("received", flat=True)) == 3


def test_backlog_is_open_reports_by_age(make_report):
    make_report()
    old = make_report(text="ทางเท้าชำรุด", category="ทางเท้า")
    Report.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(days=45))
    cube.rebuild()
    figures = place_figures(Filters(period("30d"), ("1046",)))
    assert figures.received == 1  # the period counts what came in
    assert figures.backlog["0-7"] == 1 and figures.backlog["31-90"] == 1  # the backlog all


def test_quantiles_from_the_histogram():
    assert quantile([0] * 15, 0.5) is None
    assert quantile([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.5) == 0.5
    # 10 fixes in 0–1 day and 10 in 7–10 days: the median is at the end of the first bucket.
    assert quantile([10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.5) == 1.0
    assert quantile([10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.9) == 9.4
