"""ruam.core.rows: the same rows as save() writes, in fewer statements, all or none."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from ruam.core.rows import insert, insert_together
from ruam.framework.models import Category
from ruam.geo.models import District
from ruam.reports.models import IdempotencyKey, Report, ReportEvent, grid_cell

pytestmark = pytest.mark.django_db


def new_report(**extra) -> Report:
    district = District.objects.get(code="1001")
    values = dict(
        description="ไฟดับทั้งซอย",
        lat=13.75,
        lon=100.50,
        district=district,
        channel="api",
        contact_email="somchai@example.com",
    )
    return Report(**(values | extra))


def stored(obj) -> dict:
    """The row as read back, less what differs between two rows by design (keys, codes)."""
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    return {k: v for k, v in row.items() if k not in ("id", "code", "modified")}


def test_insert_stores_what_save_stores():
    by_save = new_report()
    by_save.save()
    by_insert = new_report(created=by_save.created, status_changed=by_save.status_changed)
    by_insert.cell = grid_cell(by_insert.lat, by_insert.lon)
    insert(by_insert)
    assert by_insert.pk and by_insert.pk != by_save.pk and not by_insert._state.adding
    a, b = stored(by_save), stored(by_insert)
    assert a["cell"] is not None and a["contact_email"] == "somchai@example.com"
    assert a == b


def test_insert_refuses_a_model_whose_saves_are_listened_to():
    # Reference data clears the per-process caches from its save signals.
    with pytest.raises(TypeError, match="signal receivers"):
        insert(Category(name_th="ทดสอบ", name_en="test"))


def test_insert_together_writes_a_report_with_the_rows_that_point_to_it():
    report = new_report()
    report.cell = grid_cell(report.lat, report.lon)
    category = Category.objects.first()
    link = Report.categories.through(report=report, category=category)
    event = ReportEvent(report=report, kind=ReportEvent.Kind.CREATED, to_status="waiting")
    with CaptureQueriesContext(connection) as queries:
        insert_together(report, link, event)
    if connection.vendor == "postgresql":
        assert len(queries) == 1
    assert report.pk and link.pk and event.pk
    assert event.report_id == report.pk == link.report_id
    saved = Report.objects.get(pk=report.pk)
    assert list(saved.categories.all()) == [category]
    assert list(saved.events.values_list("pk", flat=True)) == [event.pk]


def test_insert_together_writes_nothing_when_one_row_fails():
    first = new_report()
    first.save()
    IdempotencyKey.objects.create(scope="api", key="k", report=first)
    before = Report.objects.count()
    report = new_report()
    report.cell = grid_cell(report.lat, report.lon)
    again = IdempotencyKey(scope="api", key="k", report=report)
    event = ReportEvent(report=report, kind=ReportEvent.Kind.CREATED, to_status="waiting")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(report, event, again)
    assert Report.objects.count() == before
    assert not ReportEvent.objects.filter(report__description="ไฟดับทั้งซอย").exclude(report=first)
