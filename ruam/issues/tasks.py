"""Telling people about a committee issue: followers, and the residents whose reports it holds."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from ruam.core.notify import Message, Recipient, deliver
from ruam.issues.models import Issue, IssueEvent
from ruam.issues.statuses import IssueStatus
from ruam.reports.tasks import reporter_of


@task()
def notify_issue_status(event_id: int) -> int:
    event = IssueEvent.objects.select_related("issue").filter(pk=event_id).first()
    if event is None or not event.to_status:
        return 0
    issue: Issue = event.issue
    with translation.override("th"):
        th = str(IssueStatus(event.to_status).label)
    with translation.override("en"):
        en = str(IssueStatus(event.to_status).label)
    link = settings.RUAM_SITE_URL.rstrip("/") + issue.get_absolute_url()
    message = Message(
        f"[ร่วม] ประเด็น \u201c{issue.title}\u201d: {th} / {en}",
        f"ประเด็นที่เกี่ยวกับเรื่องที่คุณแจ้งหรือติดตาม: {issue.title}\nสถานะ: {th}\n{link}\n\n"
        f"An issue you reported to or follow: {issue.title}\nStatus: {en}\n{link}\n",
        key=f"issue-event:{event.pk}",
    )
    recipients: dict[str, Recipient] = {}
    for report in issue.reports.select_related("reporter"):
        if (r := reporter_of(report)) is not None:
            recipients.setdefault(r.email or r.phone, r)
    for follower in issue.followers.select_related("user"):
        user = follower.user
        if user.email and user.pk != event.actor_id:
            recipients.setdefault(user.email, Recipient(str(user), user.email))
    return deliver(list(recipients.values()), message)
