"""The contact details the new channels keep (a LINE user id, who took an assisted entry's
consent) are shown to their owner and erased with the rest: on request and after retention."""

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Role
from ruam.privacy import services as privacy
from ruam.reports import services as reports
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db

LINE_USER = "U0123456789abcdef0123456789abcdef"


def line_report() -> tuple[Report, str]:
    made = reports.submit_report(
        description="ไฟทางดับ",
        channel=Channel.LINE,
        lat=13.8596,
        lon=100.7046,
        contact_line_id=LINE_USER,
        consent=True,
        consent_version="2026-12-line",
    )
    return made.report, made.reporter_key


def test_a_line_id_without_consent_is_refused():
    with pytest.raises(reports.InvalidInput) as caught:
        reports.submit_report(
            description="ไฟทางดับ", channel=Channel.LINE, lat=13.8596, lon=100.7046,
            contact_line_id=LINE_USER,
        )  # fmt: skip
    assert "consent" in caught.value.errors
    assert Report.objects.count() == 0


def test_the_holder_of_the_private_link_sees_and_erases_the_line_id():
    report, key = line_report()
    assert (
        privacy.report_contact_data(report, reporter_key=key)["contact_given"]["line_user_id"]
        == LINE_USER
    )
    privacy.erase_report_contact(report, reporter_key=key)
    report.refresh_from_db()
    assert report.contact_line_id == "" and report.consent_at is None


def test_who_took_an_assisted_consent_is_erased_with_the_contact(seat):
    from ruam.reports.assisted import enter_report

    official = seat("office-1046", Role.OFFICIAL)
    made = enter_report(
        actor=official, description="ท่อตัน", lat=13.8596, lon=100.7046,
        contact_phone="0891234567", consent=True,
    )  # fmt: skip
    report = made.report
    assert report.consent_taken_by == official
    privacy.erase_report_contact(report, reporter_key=made.reporter_key)
    report.refresh_from_db()
    assert report.consent_taken_by is None and report.contact_phone == ""


def test_a_line_id_is_erased_after_the_retention_period(settings):
    settings.RUAM_CONTACT_RETENTION_DAYS = 30
    report, _ = line_report()
    long_ago = timezone.now() - dt.timedelta(days=31)
    Report.objects.filter(pk=report.pk).update(status=Status.FINISHED, status_changed=long_ago)
    assert privacy.erase_expired_contacts() == 1
    report.refresh_from_db()
    assert report.contact_line_id == "" and report.consent_at is None
