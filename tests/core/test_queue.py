"""The database queue: a report's background task is written with it, and the worker runs it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models.signals import pre_save
from django_tasks_db.models import DBTaskResult

from ruam.core.queue import RECEIVERS_DONE
from ruam.reports import services
from ruam.search.models import SearchEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def submit(**extra):
    return services.submit_report(
        description="น้ำท่วมขังหน้าซอย รถผ่านไม่ได้",
        channel="api",
        lat=13.7563,
        lon=100.5018,
        **extra,
    ).report


def test_intake_writes_the_task_and_the_worker_runs_it(database_queue):
    report = submit()
    task = DBTaskResult.objects.get()
    assert task.task_path == "ruam.reports.tasks.after_intake"
    assert task.args_kwargs == {"args": [report.code], "kwargs": {}}
    assert task.status == "READY" and task.run_after.year == 9999  # as soon as possible
    assert not SearchEntry.objects.filter(object_id=report.pk).exists()

    # What the worker does with it (the command itself closes the test's connection): pick the
    # next ready row, resolve its task and call it with the stored arguments.
    picked = DBTaskResult.objects.ready().get_locked()
    assert picked == task
    picked.task.call(*picked.args_kwargs["args"], **picked.args_kwargs["kwargs"])
    assert SearchEntry.objects.filter(kind="report", object_id=report.pk).exists()


def test_a_rolled_back_report_leaves_no_task(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit()
        raise RuntimeError
    assert not DBTaskResult.objects.exists()


def test_the_queue_rows_receivers_are_the_ones_task_row_stands_in_for():
    # task_row() sets run_after as django-tasks-db's pre_save receiver does; a new receiver in
    # an upgrade would be skipped by intake's one-statement insert, so it must be looked at.
    (model,) = RECEIVERS_DONE
    sync_receivers, async_receivers = pre_save._live_receivers(model)
    assert [r.__name__ for r in sync_receivers] == ["set_run_after"] and not async_receivers
