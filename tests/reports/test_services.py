"""Intake, routing, staff moves and the reporter's confirm/reopen — through the services."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.core.errors import InvalidInput, NotAllowed
from ruam.reports import services
from ruam.reports.models import Channel, Report, ReportEvent, ReportPhoto, Supporter
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db

# A point in คลองสามวา (1046), one in พระนคร (1001).
KHLONG_SAM_WA = (13.8596, 100.7046)
PHRA_NAKHON = (13.7553, 100.4930)


def submit(**extra):
    values = {
        "description": "น้ำท่วมขังหน้าซอย รถผ่านไม่ได้",
        "channel": Channel.WEB,
        "lat": KHLONG_SAM_WA[0],
        "lon": KHLONG_SAM_WA[1],
        "categories": ["น้ำท่วม"],
    }
    values.update(extra)
    return services.submit_report(**values)


@pytest.fixture
def official(seat):
    return seat("division-1046-works", Role.OFFICIAL)


def test_a_report_is_located_routed_and_recorded():
    result = submit()
    report = result.report
    assert result.created and len(report.code) == 8
    assert report.district_id == "1046"
    assert report.subdistrict is not None and report.subdistrict.district_id == "1046"
    assert report.responsible.code == "division-1046-works"
    assert report.department.name_th == "สำนักการระบายน้ำ"
    assert report.area.number == 4
    # น้ำท่วม has a 3-day deadline by default.
    assert abs((report.deadline - report.created) - dt.timedelta(days=3)) < dt.timedelta(seconds=5)
    event = report.events.get()
    assert event.kind == ReportEvent.Kind.CREATED and event.to_status == Status.WAITING
    assert result.reporter_key and report.reporter_key_matches(result.reporter_key)


def test_a_report_without_category_goes_to_the_district_office():
    report = submit(categories=[]).report
    assert report.responsible.code == "office-1046"


def test_address_only_needs_a_district():
    report = submit(lat=None, lon=None, district_code="1001", address="หน้าวัดโพธิ์").report
    assert report.district_id == "1001" and report.lat is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "ก" * 4001}, "description"),
        ({"lat": 14.5, "lon": 100.5}, "lat"),  # outside Bangkok
        ({"lat": "abc"}, "lat"),
        ({"lat": 95.0}, "lat"),
        ({"lat": None, "lon": None}, "location"),
        ({"lat": None, "lon": None, "district_code": "9999", "address": "x"}, "district"),
        ({"lat": None, "lon": None, "district_code": "1001"}, "address"),
        ({"categories": ["ไม่มีประเภทนี้"]}, "categories"),
        ({"contact_email": "a@b.co"}, "consent"),
        ({"contact_email": "not an email", "consent": True}, "contact_email"),
        ({"contact_phone": "call me", "consent": True}, "contact_phone"),
        ({"photos": [b"not an image"]}, "photos"),
        ({"photos": [b"x"] * 6}, "photos"),
    ],
)
def test_bad_input_is_refused_with_both_languages_and_nothing_is_written(changes, field):
    before = (Report.objects.count(), ReportEvent.objects.count(), ReportPhoto.objects.count())
    with pytest.raises(InvalidInput) as caught:
        submit(**changes)
    assert field in caught.value.errors
    message = caught.value.errors[field]
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in message.th) and message.en
    assert (
        Report.objects.count(),
        ReportEvent.objects.count(),
        ReportPhoto.objects.count(),
    ) == before


def test_the_same_submission_twice_makes_one_report():
    first = submit(idempotency_scope="web", idempotency_key="abc")
    second = submit(idempotency_scope="web", idempotency_key="abc")
    assert first.created and not second.created
    assert first.report.pk == second.report.pk
    assert Report.objects.count() == 1


def test_photos_are_stored_resized_and_without_metadata(photo):
    report = submit(photos=[photo, photo]).report
    photos = list(report.photos.all())
    assert len(photos) == 2
    stored = photos[0].image.read()
    assert stored[:3] == b"\xff\xd8\xff" and b"Exif" not in stored[:200]
    assert photos[0].thumbnail.size < len(stored)


def test_staff_accept_forward_and_resolve(official, photo):
    report = submit().report
    services.change_status(report, actor=official, to=Status.IN_PROGRESS)
    assert report.status == Status.IN_PROGRESS
    drainage = Body.objects.get(code="dept-drainage")
    services.change_status(
        report, actor=official, to=Status.FORWARDED, target_body=drainage, note="ต้องลอกท่อสายหลัก"
    )
    report.refresh_from_db()
    assert report.responsible == drainage and report.status == Status.FORWARDED
    # The district's official may still act (the report is in their district).
    with pytest.raises(InvalidInput) as caught:
        services.change_status(report, actor=official, to=Status.FINISHED)
    assert "photos" in caught.value.errors
    services.change_status(report, actor=official, to=Status.FINISHED, photos=[photo])
    report.refresh_from_db()
    assert report.status == Status.FINISHED
    assert report.photos.filter(kind=ReportPhoto.Kind.AFTER).count() == 1
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["created", "status", "forwarded", "status"]


def test_rejecting_needs_a_reason(official):
    report = submit().report
    with pytest.raises(InvalidInput) as caught:
        services.change_status(report, actor=official, to=Status.NOT_RELEVANT)
    assert "note" in caught.value.errors
    services.change_status(report, actor=official, to=Status.NOT_RELEVANT, note="เป็นที่ดินเอกชน")
    assert report.status == Status.NOT_RELEVANT


def test_moves_outside_the_table_are_refused(official):
    report = submit().report
    with pytest.raises(InvalidInput):
        services.change_status(report, actor=official, to=Status.CONFIRMED)


def test_officials_of_another_district_cannot_act(seat):
    other = seat("division-1001-works", Role.OFFICIAL)
    report = submit().report
    with pytest.raises(NotAllowed):
        services.change_status(report, actor=other, to=Status.IN_PROGRESS)


def test_a_department_member_can_act_once_forwarded_to_it(official, seat):
    drainage_staff = seat("dept-drainage", Role.OFFICIAL)
    report = submit().report
    with pytest.raises(NotAllowed):
        services.change_status(report, actor=drainage_staff, to=Status.IN_PROGRESS)
    services.change_status(
        report,
        actor=official,
        to=Status.FORWARDED,
        target_body=Body.objects.get(code="dept-drainage"),
        note="ท่อหลัก",
    )
    services.change_status(report, actor=drainage_staff, to=Status.IN_PROGRESS)
    assert report.status == Status.IN_PROGRESS


def test_reporter_confirms_or_reopens_back_to_the_division(official, photo):
    result = submit()
    report = result.report
    services.change_status(report, actor=official, to=Status.FINISHED, photos=[photo])
    with pytest.raises(NotAllowed):
        services.reopen(report, reason="ยังท่วม", reporter_key="wrong")
    services.reopen(report, reason="ยังท่วมอยู่", reporter_key=result.reporter_key)
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.reopen_count == 1
    assert report.responsible.code == "division-1046-works"
    services.change_status(report, actor=official, to=Status.FINISHED, photos=[photo])
    services.confirm_fix(report, reporter_key=result.reporter_key)
    services.rate(report, stars=4, reporter_key=result.reporter_key)
    report.refresh_from_db()
    assert report.status == Status.CONFIRMED and report.rating == 4


def test_a_committee_member_may_confirm(official, seat, photo):
    member = seat("committee-1046", Role.MEMBER)
    report = submit().report
    services.change_status(report, actor=official, to=Status.FINISHED, photos=[photo])
    services.confirm_fix(report, actor=member)
    assert report.status == Status.CONFIRMED


def test_support_counts_once_per_person(make_user):
    report = submit().report
    resident = make_user()
    services.support(report, user=resident)
    with pytest.raises(InvalidInput):
        services.support(report, user=resident)
    services.support(report, fingerprint="abc")
    report.refresh_from_db()
    assert report.supporter_count == 2 == Supporter.objects.filter(report=report).count()


def test_reporter_and_division_are_notified(
    official, make_user, django_capture_on_commit_callbacks
):
    official.email = "works@district.example"
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(contact_email="resident@example.com", consent=True)
    assert [m.to for m in mail.outbox] == [["works@district.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(result.report, actor=official, to=Status.IN_PROGRESS)
    assert mail.outbox[-1].to == ["resident@example.com"]
    assert result.report.display_code in mail.outbox[-1].body
    assert "กำลังดำเนินการ" in mail.outbox[-1].subject or "In progress" in mail.outbox[-1].subject


def test_nothing_is_sent_without_consent(official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit().report
        services.change_status(report, actor=official, to=Status.IN_PROGRESS)
    assert all("resident" not in " ".join(m.to) for m in mail.outbox)


def test_overdue_reports_are_told_to_their_division_once(official):
    from ruam.reports.tasks import notify_overdue

    official.email = "works@district.example"
    official.save()
    report = submit().report
    Report.objects.filter(pk=report.pk).update(deadline=timezone.now() - dt.timedelta(days=1))
    assert notify_overdue.call() == 1
    assert report.display_code in mail.outbox[-1].body
    assert notify_overdue.call() == 0
