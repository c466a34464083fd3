"""Background work for reports: telling reporters and divisions, from the database queue.

Run the worker with ``ruam db_worker``. Tasks are enqueued with ``ruam.core.queue.after_commit``:
they exist exactly when the change that called for them does, so a rolled-back change never
notifies anyone.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from ruam.bodies.selectors import members_of
from ruam.core.notify import Message, Recipient, deliver
from ruam.reports.duplicates import suggest
from ruam.reports.labelling import suggest_in_background
from ruam.reports.models import Report, ReportEvent
from ruam.reports.signals import report_received
from ruam.reports.statuses import OPEN, Status


def _link(report: Report) -> str:
    return settings.RUAM_SITE_URL.rstrip("/") + report.get_absolute_url()


def _status_label(status: str, lang: str) -> str:
    with translation.override(lang):
        return str(Status(status).label)


def reporter_of(report: Report) -> Recipient | None:
    """How to reach the person who reported it. Contact details given with a report are used
    only with the consent recorded with them (PDPA); a signed-in reporter is also reached at
    their account's e-mail address."""
    consented = report.consent_at is not None
    name = report.contact_name if consented else ""
    email = report.contact_email if consented else ""
    phone = report.contact_phone if consented else ""
    line = report.contact_line_id if consented else ""
    if not email and report.reporter_id and report.reporter.email:
        email, name = report.reporter.email, name or str(report.reporter)
    if not (email or phone or line):
        return None
    return Recipient(name, email, phone, line)


@task()
def notify_status_change(event_id: int) -> int:
    event = (
        ReportEvent.objects.select_related("report", "report__reporter", "target_body")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    report = event.report
    sent = 0
    recipient = reporter_of(report)
    if recipient and event.actor_id != report.reporter_id:
        th, en = _status_label(event.to_status, "th"), _status_label(event.to_status, "en")
        body = (
            f"เรื่อง {report.display_code} ของคุณ: {th}\n"
            + (f"หมายเหตุ: {event.note}\n" if event.note else "")
            + f"ติดตามเรื่อง: {_link(report)}\n\n"
            f"Your report {report.display_code}: {en}\n"
            + (f"Note: {event.note}\n" if event.note else "")
            + f"Follow it: {_link(report)}\n"
        )
        subject = f"[ร่วม] {report.display_code}: {th} / {en}"
        sent += deliver([recipient], Message(subject, body, key=f"report-event:{event.pk}"))
    # A reopened report comes back to the responsible body: tell it too.
    if event.to_status == Status.REOPENED and report.responsible_id:
        sent += _tell_body(
            report,
            [report.responsible_id],
            "เรื่องถูกเปิดใหม่",
            "Report reopened",
            key=f"report-event-body:{event.pk}",
        )
    if event.kind == ReportEvent.Kind.FORWARDED and event.target_body_id:
        sent += _tell_body(
            report,
            [event.target_body_id],
            "ได้รับเรื่องส่งต่อ",
            "Report forwarded to you",
            key=f"report-event-body:{event.pk}",
        )
    return sent


def _tell_body(report: Report, body_ids: list[int], th: str, en: str, *, key: str) -> int:
    recipients = members_of(body_ids)
    link = _link(report)
    body = (
        f"{th}: {report.display_code} — {report.summary}\n{link}\n\n"
        f"{en}: {report.display_code}\n{link}\n"
    )
    subject = f"[ร่วม] {th} / {en}: {report.display_code}"
    return deliver(recipients, Message(subject, body, key=key))


@task()
def notify_overdue() -> int:
    """Each overdue open report once: its responsible body hears of it in one message."""
    now = timezone.now()
    overdue = list(
        Report.objects.filter(status__in=OPEN, deadline__lt=now, overdue_notified__isnull=True)
        .exclude(responsible__isnull=True)
        .only("pk", "code", "description", "responsible_id", "deadline")
    )
    by_body: dict[int, list[Report]] = defaultdict(list)
    for report in overdue:
        by_body[report.responsible_id].append(report)
    sent = 0
    for body_id, reports in by_body.items():
        lines = "\n".join(f"- {r.display_code} {r.summary} {_link(r)}" for r in reports)
        message = Message(
            f"[ร่วม] เรื่องเกินกำหนด {len(reports)} เรื่อง / {len(reports)} overdue reports",
            f"เรื่องที่เกินกำหนดเวลา / Reports past their deadline:\n{lines}\n",
            key=f"reports-overdue:{body_id}:{now:%Y-%m-%dT%H}",
        )
        sent += deliver(members_of([body_id]), message)
    Report.objects.filter(pk__in=[r.pk for r in overdue]).update(overdue_notified=now)
    return sent


# What the work on a new report reads of it (here, in ``duplicates`` and in the receivers of
# ``report_received``: search, insights, programmes): a query over the whole row costs several
# times more to build than to run. A field left out is still read, by a query of its own.
RECEIVED_FIELDS = (
    "pk",
    "code",
    "channel",
    "description",
    "address",
    "lat",
    "lon",
    "district_id",
    "status",
    "created",
    "responsible_id",
)


def _received(code: str) -> Report | None:
    # Its categories are read where they are needed (a prefetch costs more than those reads).
    return next(iter(Report.objects.filter(code=code).only(*RECEIVED_FIELDS).order_by()[:1]), None)


@task()
def after_intake(code: str) -> int:
    """A new report's background work: categories suggested for a report sent without one
    (marked for the division to confirm), search index (through ``report_received``),
    probable duplicates, the division told.

    Called with the report's tracking code, which exists before the report's row does, so that
    intake writes this task in the same statement as the report.
    """
    report = _received(code)
    if report is None:
        return 0
    suggest_in_background(report)
    report_received.send(sender=Report, report=report)  # the search index adds it
    suggest(report)
    if not report.responsible_id:
        return 0
    return _tell_body(
        report, [report.responsible_id], "เรื่องใหม่", "New report", key=f"report-new:{report.code}"
    )
