"""Telling the reporter when staff move their report, and only with their consent (PDPA)."""

import pytest
from django.core import mail

from ruam.bodies.models import Role
from ruam.reports import services
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db

EMAIL = "resident@example.com"
PHONE = "0812345678"


@pytest.fixture
def official(seat):
    return seat("division-1046-works", Role.OFFICIAL)


def submit(**extra) -> Report:
    values = {
        "description": "น้ำท่วมขังหน้าซอย รถผ่านไม่ได้",
        "channel": Channel.WEB,
        "lat": 13.8596,
        "lon": 100.7046,
        "categories": ["น้ำท่วม"],
    }
    values.update(extra)
    return services.submit_report(**values).report


def with_contact(**extra) -> Report:
    return submit(contact_name="สมศรี ใจดี", contact_email=EMAIL, contact_phone=PHONE, **extra)


def without_consent(report: Report) -> Report:
    """Contact details on file but no consent on record (e.g. consent withdrawn): intake
    refuses contact details without consent, so the record is changed directly."""
    Report.objects.filter(pk=report.pk).update(consent_at=None, consent_version="")
    return Report.objects.get(pk=report.pk)


def accept(report: Report, official, capture) -> None:
    """Staff take the report on; the tasks queued by the change run when it commits."""
    with capture(execute=True):
        services.change_status(report, actor=official, to=Status.IN_PROGRESS)


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_contact_details_without_consent_are_never_used(
    official, django_capture_on_commit_callbacks
):
    report = without_consent(with_contact(consent=True))
    assert report.contact_email == EMAIL and report.contact_phone == PHONE
    accept(report, official, django_capture_on_commit_callbacks)
    assert sent_to(EMAIL) == []
    assert mail.outbox == []


def test_with_consent_the_reporter_gets_one_message_in_thai_and_english(
    official, django_capture_on_commit_callbacks
):
    report = with_contact(consent=True)
    accept(report, official, django_capture_on_commit_callbacks)
    (message,) = sent_to(EMAIL)
    assert len(mail.outbox) == 1
    assert "กำลังดำเนินการ" in message.subject and "In progress" in message.subject
    assert f"เรื่อง {report.display_code} ของคุณ: กำลังดำเนินการ" in message.body
    assert f"Your report {report.display_code}: In progress" in message.body
    assert f"https://ruam.test/reports/{report.code}/" in message.body


def test_a_signed_in_reporter_is_told_at_their_account_email(
    official, make_user, django_capture_on_commit_callbacks
):
    resident = make_user(email="somsri.account@example.com")
    report = submit(reporter=resident)
    assert report.reporter == resident and not report.contact_email
    accept(report, official, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["somsri.account@example.com"]]
    assert report.display_code in mail.outbox[0].body


def test_nobody_is_told_of_a_report_without_any_contact(
    official, django_capture_on_commit_callbacks
):
    report = submit()
    accept(report, official, django_capture_on_commit_callbacks)
    assert mail.outbox == []


# -- known gaps: the consent guard looks at the e-mail address of anonymous reports only --------


class TextMessages:
    """A second channel, as notify.py means them to be added: it reaches phone numbers."""

    name = "sms"
    sent: list[tuple[str, str]] = []

    def can_reach(self, recipient) -> bool:
        return bool(recipient.phone)

    def send(self, recipient, message) -> None:
        self.sent.append((recipient.phone, message.subject))


@pytest.fixture
def text_messages(settings):
    from ruam.core import notify

    settings.RUAM_NOTIFICATION_CHANNELS = [
        "ruam.core.notify.EmailChannel",
        f"{__name__}.TextMessages",
    ]
    notify.channels.cache_clear()
    TextMessages.sent = []
    yield TextMessages.sent
    notify.channels.cache_clear()


def test_with_consent_a_phone_number_alone_is_reached_by_text_message(
    official, text_messages, django_capture_on_commit_callbacks
):
    report = submit(contact_phone=PHONE, consent=True)
    accept(report, official, django_capture_on_commit_callbacks)
    assert [phone for phone, _subject in text_messages] == [PHONE]


def test_a_phone_number_without_consent_is_never_used(
    official, text_messages, django_capture_on_commit_callbacks
):
    report = without_consent(submit(contact_phone=PHONE, consent=True))
    accept(report, official, django_capture_on_commit_callbacks)
    assert text_messages == []


def test_a_signed_in_reporters_contact_email_without_consent_is_not_used(
    official, make_user, django_capture_on_commit_callbacks
):
    resident = make_user(email="somsri.account@example.com")
    report = without_consent(submit(reporter=resident, contact_email=EMAIL, consent=True))
    accept(report, official, django_capture_on_commit_callbacks)
    assert sent_to(EMAIL) == []
    assert [m.to for m in mail.outbox] == [["somsri.account@example.com"]]
