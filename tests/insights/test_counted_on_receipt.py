"""A new report is counted by the worker as it receives the report, without a task of its own;
a count that fails is queued instead, and the division is still told."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from ruam.bodies.models import Role
from ruam.insights import cube
from ruam.insights.models import DistrictTally
from ruam.reports import services
from ruam.reports.models import Channel
from ruam.reports.tasks import after_intake

pytestmark = pytest.mark.django_db
RECOUNT = "ruam.insights.cube.recount"


@pytest.fixture
def received(settings, seat, make_user):
    """A report queued by intake on the database queue, then received as the worker would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seat("division-1046-works", Role.OFFICIAL, make_user(email="works@example.com"))
    report = services.submit_report(
        description="ไฟดับทั้งซอย", channel=Channel.WEB, lat=13.8596, lon=100.7046,
        categories=["แสงสว่าง"],
    ).report  # fmt: skip

    def receive() -> int:
        return after_intake.call(report.code)

    return receive


def test_the_worker_counts_a_new_report_as_it_receives_it(received):
    assert received() == 1
    assert (
        sum(DistrictTally.objects.filter(district="1046").values_list("received", flat=True)) == 1
    )
    assert not DBTaskResult.objects.filter(task_path=RECOUNT).exists()


def test_a_count_that_fails_is_queued_and_the_division_is_still_told(received, monkeypatch):
    def broken(district, day):
        raise ValueError("a bug in the count")

    monkeypatch.setattr(cube, "recount_now", broken)
    assert received() == 1
    assert [m.to for m in mail.outbox] == [["works@example.com"]]
    [task] = DBTaskResult.objects.filter(task_path=RECOUNT)
    assert task.args_kwargs["args"][0] == "1046"
