"""Following up: overdue actions are told to their owner, the chair and the secretary."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from ruam.bodies.models import Role
from ruam.bodies.selectors import members_of
from ruam.core.notify import Message, deliver
from ruam.meetings.models import Action


@task()
def notify_overdue_actions() -> int:
    """Each overdue action once: its owner body, and the officers of the committee it came from."""
    today = timezone.localdate()
    overdue = list(
        Action.objects.filter(
            status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS],
            due__lt=today,
            overdue_notified__isnull=True,
        ).select_related("owner", "issue", "issue__body", "resolution__item__meeting__body")
    )
    sent = 0
    for action in overdue:
        committee = action.issue.body if action.issue_id else action.resolution.item.meeting.body
        officers = [Role.CHAIR, Role.SECRETARY, Role.ASSISTANT_SECRETARY]
        recipients = members_of([action.owner_id]) + members_of([committee.pk], officers)
        link = settings.RUAM_SITE_URL.rstrip("/") + f"/actions/{action.pk}/"
        days = (today - action.due).days
        message = Message(
            f"[ร่วม] งานเกินกำหนด {days} วัน / action {days} days overdue: {action.title}",
            f"งานที่มอบหมาย: {action.title}\nผู้รับผิดชอบ: {action.owner.name_th}\n"
            f"กำหนดเสร็จ: {action.due:%Y-%m-%d} "
            f"(เกินกำหนด {days} วัน, คืบหน้า {action.progress}%)\n{link}\n\n"
            f"Action: {action.title}\nOwner: {action.owner.name_en or action.owner.name_th}\n"
            f"Due: {action.due:%Y-%m-%d} ({days} days overdue, {action.progress}% done)\n{link}\n",
            key=f"action-overdue:{action.pk}",
        )
        sent += deliver(list({r.email or r.phone: r for r in recipients}.values()), message)
    Action.objects.filter(pk__in=[a.pk for a in overdue]).update(overdue_notified=timezone.now())
    return sent
