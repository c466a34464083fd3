"""Reports in คลองสามวา (1046) made and moved through the services, with their background
work (the tallies' recounts) run as the worker would, after each commit."""

from __future__ import annotations

import datetime as dt

import pytest

from ruam.bodies.models import Role
from ruam.reports import services
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

from ..conftest import jpeg

KHLONG_SAM_WA = (13.8596, 100.7046)


@pytest.fixture
def official(seat):
    return seat("division-1046-works", Role.OFFICIAL)


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Runs what a change queued once it commits (recounts, notifications), as the worker."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def make_report(worker):
    counter = {"n": 0}

    def make(text="ไฟถนนดับ มืดมาก", category="แสงสว่าง", point=KHLONG_SAM_WA, **extra):
        counter["n"] += 1
        result = worker(
            services.submit_report,
            description=text,
            channel=extra.pop("channel", Channel.WEB),
            lat=point[0],
            lon=point[1],
            categories=[category],
            idempotency_scope="test",
            idempotency_key=f"k{counter['n']}",
            **extra,
        )
        return result.report

    return make


@pytest.fixture
def fix(worker, official):
    def done(report: Report, *, after: dt.timedelta | None = None) -> Report:
        if after is not None:  # the report came in that long before its fix
            Report.objects.filter(pk=report.pk).update(
                created=report.created - after, deadline=report.deadline - after
            )
            report.refresh_from_db()
        worker(services.change_status, report, actor=official, to=Status.IN_PROGRESS)
        worker(services.change_status, report, actor=official, to=Status.FINISHED, photos=[jpeg()])
        report.refresh_from_db()
        return report

    return done
