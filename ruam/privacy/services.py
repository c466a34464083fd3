"""A person's rights over their data (PDPA): see it, take it away, correct it, have it erased.

Erasure anonymises, it does not delete what others rely on: a report stays (its problem is
still a problem) without its reporter's contact details or account; a comment stays in the
discussion under an anonymised account. Every erasure is recorded (``Erasure``) without saying
whose it was. Contact details of closed reports are erased after the retention period.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from ruam.core.errors import Bilingual, InvalidInput
from ruam.core.permissions import require
from ruam.issues.models import Comment, Follower, Issue, Support
from ruam.privacy.models import Erasure
from ruam.reports import validation
from ruam.reports.models import Report, Supporter
from ruam.reports.rules import Presented
from ruam.reports.statuses import CLOSED

NOT_YOURS = Bilingual(
    "เฉพาะเจ้าของข้อมูลเท่านั้นที่ทำรายการนี้ได้", "Only the person the data is about can do that."
)
CONFIRM = Bilingual(
    "โปรดพิมพ์ชื่อผู้ใช้ของคุณเพื่อยืนยันการลบข้อมูล",
    "Please type your user name to confirm the erasure.",
)
ERASED_NAME = "(ลบข้อมูลแล้ว / erased)"


def _contact(report: Report) -> dict:
    return {
        "name": report.contact_name,
        "email": report.contact_email,
        "phone": report.contact_phone,
        "line_user_id": report.contact_line_id,
        "consent_given": report.consent_at,
        "consent_notice_version": report.consent_version,
    }


def _report(report: Report) -> dict:
    return {
        "code": report.display_code,
        "description": report.description,
        "address": report.address,
        "lat": report.lat,
        "lon": report.lon,
        "district_code": report.district_id,
        "status": report.status,
        "created": report.created,
        "contact_given": _contact(report),
    }


def account_data(user) -> dict:
    """Everything Ruam holds about a signed-in person, as one JSON-ready document."""
    require(user, "privacy.manage_own_data", None, NOT_YOURS)
    return {
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
            "joined": user.date_joined,
            "last_sign_in": user.last_login,
        },
        "reports": [_report(r) for r in Report.objects.filter(reporter=user).order_by("created")],
        "reports_supported": sorted(
            Supporter.objects.filter(user=user).values_list("report__code", flat=True)
        ),
        "issues_proposed": [
            {"id": i.pk, "title": i.title, "created": i.created}
            for i in Issue.objects.filter(proposer=user).order_by("created")
        ],
        "issues_supported": sorted(
            Support.objects.filter(user=user).values_list("issue_id", flat=True)
        ),
        "issues_followed": sorted(
            Follower.objects.filter(user=user).values_list("issue_id", flat=True)
        ),
        "comments": [
            {"issue": c.issue_id, "text": c.text, "created": c.created, "hidden": c.hidden}
            for c in Comment.objects.filter(author=user).order_by("created")
        ],
        "seats": [
            {
                "body": m.body.name_th,
                "role": m.role,
                "title": m.title_th,
                "start": m.start,
                "end": m.end,
            }
            for m in user.memberships.select_related("body").order_by("start")
        ],
    }


def report_contact_data(report: Report, *, actor=None, reporter_key: str | None = None) -> dict:
    require(actor, "privacy.manage_report_contact", Presented(report, reporter_key), NOT_YOURS)
    return _report(report)


def _check_contact(name: str, email: str, phone: str, consent: bool) -> None:
    errors: dict[str, Bilingual] = {}
    validation.contact(errors, name, email, phone, consent)
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def correct_account(user, *, display_name: str, email: str, phone: str) -> None:
    require(user, "privacy.manage_own_data", None, NOT_YOURS)
    display_name, email, phone = display_name.strip(), email.strip(), phone.strip()
    _check_contact(display_name, email, phone, consent=True)
    user.display_name, user.email, user.phone = display_name, email, phone
    user.save(update_fields=["display_name", "email", "phone"])


@transaction.atomic
def correct_report_contact(
    report: Report,
    *,
    actor=None,
    reporter_key: str | None = None,
    name: str,
    email: str,
    phone: str,
    consent: bool,
) -> None:
    """New contact details for a report, used only with the consent given with them."""
    require(actor, "privacy.manage_report_contact", Presented(report, reporter_key), NOT_YOURS)
    name, email, phone = name.strip(), email.strip(), phone.strip()
    _check_contact(name, email, phone, consent)
    given = bool(name or email or phone)
    Report.objects.filter(pk=report.pk).update(
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        consent_at=timezone.now() if given else None,
        consent_version=validation.CONSENT_VERSION if given else "",
    )
    report.refresh_from_db()


_NO_CONTACT = {
    "contact_name": "",
    "contact_email": "",
    "contact_phone": "",
    "contact_line_id": "",
    "consent_at": None,
    "consent_version": "",
    "consent_taken_by": None,
}


@transaction.atomic
def erase_report_contact(report: Report, *, actor=None, reporter_key: str | None = None) -> Erasure:
    require(actor, "privacy.manage_report_contact", Presented(report, reporter_key), NOT_YOURS)
    Report.objects.filter(pk=report.pk).update(**_NO_CONTACT)
    report.refresh_from_db()
    return Erasure.objects.create(
        kind=Erasure.Kind.REPORT, subject=report.code, details={"reports": 1}
    )


@transaction.atomic
def erase_account(user, *, confirm: str) -> Erasure:
    """Anonymise the account and everything that names its owner; what others rely on stays."""
    require(user, "privacy.manage_own_data", None, NOT_YOURS)
    if confirm.strip() != user.username:
        raise InvalidInput({"confirm": CONFIRM})
    pk = user.pk
    reports = Report.objects.filter(reporter=user)
    counts = {
        "reports": reports.update(reporter=None, **_NO_CONTACT),
        "issues_proposed": Issue.objects.filter(proposer=user).update(proposer=None),
        "comments": Comment.objects.filter(author=user).count(),
        "issue_supports": Support.objects.filter(user=user).delete()[0],
        "follows": Follower.objects.filter(user=user).delete()[0],
        "report_supports": 0,
    }
    for supporter in Supporter.objects.filter(user=user):
        supporter.user, supporter.fingerprint = None, f"erased-{supporter.pk}"
        supporter.save(update_fields=["user", "fingerprint"])
        counts["report_supports"] += 1
    User = get_user_model()
    User.objects.filter(pk=pk).update(
        username=f"erased-{secrets.token_hex(6)}",
        first_name="",
        last_name="",
        display_name=ERASED_NAME,
        email="",
        phone="",
        password="!" + secrets.token_urlsafe(20),  # unusable, as set_unusable_password makes
        is_active=False,
        is_staff=False,
        is_superuser=False,
    )
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(pk):
            session.delete()
    return Erasure.objects.create(
        kind=Erasure.Kind.ACCOUNT, subject=f"account #{pk}", details=counts
    )


def record_line_erasure(sender=None, *, counts: dict, **kwargs) -> Erasure:
    """A LINE user had their data erased from the chat ("ลบข้อมูลของฉัน",
    ``ruam.integrations.line.services.forget``): recorded like every erasure, naming no one."""
    return Erasure.objects.create(kind=Erasure.Kind.REPORT, subject="LINE", details=counts)


def erase_expired_contacts(*, now: dt.datetime | None = None) -> int:
    """Contact details of reports closed longer ago than the retention period are erased."""
    days = settings.RUAM_CONTACT_RETENTION_DAYS
    if not days:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    expired = (
        Report.objects.filter(status__in=CLOSED, status_changed__lt=cutoff)
        .exclude(
            contact_name="", contact_email="", contact_phone="", contact_line_id="", consent_at=None
        )
        .values_list("pk", flat=True)
    )
    pks = list(expired)
    with transaction.atomic():
        for i in range(0, len(pks), 900):
            Report.objects.filter(pk__in=pks[i : i + 900]).update(**_NO_CONTACT)
        if pks:
            Erasure.objects.create(
                kind=Erasure.Kind.RETENTION, details={"reports": len(pks), "days": days}
            )
    return len(pks)
