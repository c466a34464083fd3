"""Residents' rights over their data (PDPA): see, download, correct, erase; every staff view of
contact details is logged; contact details are erased after the retention period."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ruam.bodies.models import Role
from ruam.issues import services as issues
from ruam.issues.models import Comment, Support
from ruam.privacy.models import Erasure
from ruam.reports import services as reports
from ruam.reports.models import Channel, ContactAccess, Report
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db
EMAIL, PHONE = "somsri@example.com", "0812345678"


def submit(**extra) -> reports.Submitted:
    return reports.submit_report(
        description="ไฟดับทั้งซอย",
        channel=Channel.WEB,
        lat=13.8596,
        lon=100.7046,
        categories=["แสงสว่าง"],
        **extra,
    )


@pytest.fixture
def resident(make_user):
    return make_user("somsri", email="somsri.account@example.com", phone="0899999999")


@pytest.fixture
def their_report(resident):
    return submit(reporter=resident, contact_email=EMAIL, contact_phone=PHONE, consent=True).report


def test_a_resident_sees_and_downloads_their_data(client, resident, their_report, make_user):
    issue = issues.create_issue(
        actor=resident, district_code="1046", title="สวน", description="ที่ว่าง", kind="development"
    )
    issues.comment(issue, author=resident, text="อยากให้มีต้นไม้")
    client.force_login(resident)
    page = client.get("/my-data/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert "somsri.account@example.com" in page.content.decode()
    data = json.loads(client.get("/my-data/export.json").content)
    assert data["account"]["phone"] == "0899999999"
    assert data["reports"][0]["code"] == their_report.display_code
    assert data["reports"][0]["contact_given"]["email"] == EMAIL
    assert data["comments"][0]["text"] == "อยากให้มีต้นไม้"
    # Only one's own: another person sees their own data, never hers.
    client.force_login(make_user())
    assert EMAIL not in client.get("/my-data/export.json").content.decode()
    assert Client().get("/my-data/").status_code == 302


def test_correcting_account_details_checks_them_and_writes_nothing_when_wrong(client, resident):
    client.force_login(resident)
    bad = client.post("/my-data/", {"display_name": "สมศรี", "email": "not-an-email", "phone": ""})
    assert bad.status_code == 422
    resident.refresh_from_db()
    assert resident.email == "somsri.account@example.com" and resident.display_name == ""
    client.post("/my-data/", {"display_name": "สมศรี", "email": "new@example.com", "phone": ""})
    resident.refresh_from_db()
    assert (resident.display_name, resident.email, resident.phone) == (
        "สมศรี",
        "new@example.com",
        "",
    )


def test_erasing_an_account_anonymises_it_and_keeps_the_reports(client, resident, their_report):
    issue = issues.create_issue(
        actor=resident, district_code="1046", title="สวน", description="ที่ว่าง", kind="development"
    )
    issues.comment(issue, author=resident, text="เห็นด้วย")
    other = submit().report
    reports.support(other, user=resident)
    client.force_login(resident)
    refused = client.post("/my-data/erase/", {"confirm": "someone-else"})
    assert refused.status_code == 422
    resident.refresh_from_db()
    assert resident.is_active and resident.email
    client.post("/my-data/erase/", {"confirm": "somsri"})
    resident.refresh_from_db()
    assert not resident.is_active and resident.username.startswith("erased-")
    assert (resident.email, resident.phone, resident.first_name) == ("", "", "")
    report = Report.objects.get(pk=their_report.pk)
    assert report.reporter is None and not (report.contact_email or report.contact_phone)
    assert report.description == "ไฟดับทั้งซอย"  # the problem is still a problem
    assert Comment.objects.get().text == "เห็นด้วย" and not Support.objects.exists()
    Report.objects.get(pk=other.pk).supporters.get(user=None)  # the support still counts
    erasure = Erasure.objects.get()
    assert erasure.kind == "account" and "somsri" not in json.dumps(erasure.details)
    assert "somsri" not in erasure.subject
    # Signed out, and the old password no longer signs in.
    assert client.get("/my-data/").status_code == 302
    assert not Client().login(username="somsri", password="pw-12345!")


def test_the_private_link_holder_corrects_and_erases_the_contact_details(client):
    sent = submit(contact_name="สมชาย", contact_email=EMAIL, consent=True)
    report, key = sent.report, sent.reporter_key
    assert client.get(f"/reports/{report.code}/my-data/").status_code == 403
    page = client.get(f"/reports/{report.code}/my-data/?key={key}")
    assert page.status_code == 200 and EMAIL in page.content.decode()
    no_consent = client.post(
        f"/reports/{report.code}/my-data/?key={key}", {"name": "", "email": "x@example.com"}
    )
    assert no_consent.status_code == 422
    report.refresh_from_db()
    assert report.contact_email == EMAIL
    client.post(
        f"/reports/{report.code}/my-data/?key={key}",
        {"name": "สมชาย", "email": "new@example.com", "phone": PHONE, "consent": "on"},
    )
    report.refresh_from_db()
    assert (report.contact_email, report.contact_phone) == ("new@example.com", PHONE)
    data = json.loads(client.get(f"/reports/{report.code}/my-data.json?key={key}").content)
    assert data["contact_given"]["phone"] == PHONE
    client.post(f"/reports/{report.code}/my-data/erase/?key={key}")
    report.refresh_from_db()
    assert not (report.contact_name or report.contact_email or report.contact_phone)
    assert report.consent_at is None
    assert Erasure.objects.get().subject == report.code
    # A stranger with no key can neither read nor erase.
    assert Client().post(f"/reports/{report.code}/my-data/erase/").status_code == 403


def test_every_staff_view_of_contact_details_is_logged(client, seat, their_report, admin_client):
    official = seat("division-1046-works", Role.OFFICIAL)
    client.force_login(official)
    client.get(f"/inbox/{their_report.code}/")
    client.get(f"/inbox/{their_report.code}/")
    seen = ContactAccess.objects.filter(report=their_report)
    assert [(a.viewer, a.where) for a in seen] == [(official, "inbox")] * 2
    without_contact = submit().report
    client.get(f"/inbox/{without_contact.code}/")
    assert not ContactAccess.objects.filter(report=without_contact).exists()
    admin_client.get(f"/admin/reports/report/{their_report.pk}/change/")
    assert ContactAccess.objects.filter(report=their_report, where="admin").count() == 1
    assert admin_client.get("/admin/reports/contactaccess/").status_code == 200


def test_contact_details_are_erased_after_the_retention_period(settings):
    settings.RUAM_CONTACT_RETENTION_DAYS = 365
    old_closed = submit(contact_email=EMAIL, consent=True).report
    recent_closed = submit(contact_email=EMAIL, consent=True).report
    old_open = submit(contact_email=EMAIL, consent=True).report
    long_ago = timezone.now() - dt.timedelta(days=400)
    Report.objects.filter(pk=old_closed.pk).update(status=Status.CONFIRMED, status_changed=long_ago)
    Report.objects.filter(pk=recent_closed.pk).update(status=Status.CONFIRMED)
    Report.objects.filter(pk=old_open.pk).update(status_changed=long_ago)
    call_command("apply_retention", verbosity=0)
    emails = dict(Report.objects.values_list("pk", "contact_email"))
    assert emails == {old_closed.pk: "", recent_closed.pk: EMAIL, old_open.pk: EMAIL}
    assert Erasure.objects.get().details == {"reports": 1, "days": 365}
    call_command("apply_retention", verbosity=0)  # nothing left to erase: nothing recorded
    assert Erasure.objects.count() == 1
