"""Committee issues: proposing, creating, the lifecycle, support, comments and moderation."""

import pytest

from ruam.bodies.models import Role
from ruam.core.errors import InvalidInput, NotAllowed
from ruam.issues import services
from ruam.issues.models import Issue, IssueEvent
from ruam.issues.statuses import IssueStatus as S
from ruam.reports import services as reports
from ruam.reports.models import Channel

pytestmark = pytest.mark.django_db


def new_issue(actor, **extra):
    values = {
        "district_code": "1046",
        "title": "น้ำท่วมซ้ำซากซอยวัด",
        "description": "มีเรื่องแจ้งน้ำท่วมซ้ำหลายครั้ง",
        "kind": "problem",
    }
    values.update(extra)
    return services.create_issue(actor=actor, **values)


def test_a_member_creates_and_a_resident_proposes(seat, make_user):
    member = seat("committee-1046", Role.MEMBER)
    issue = new_issue(member)
    assert issue.status == S.PROPOSED and issue.source == "member"
    assert issue.body.code == "committee-1046"
    resident_issue = new_issue(make_user())
    assert resident_issue.source == "resident"
    assert issue.events.get().kind == IssueEvent.Kind.CREATED


def test_bad_input_is_refused_and_nothing_written(seat):
    member = seat("committee-1046", Role.MEMBER)
    with pytest.raises(InvalidInput) as caught:
        new_issue(member, title="", description="", kind="x")
    assert set(caught.value.errors) == {"title", "description", "kind"}
    assert Issue.objects.count() == 0


def test_linked_reports_must_be_in_the_district(seat):
    member = seat("committee-1046", Role.MEMBER)
    here = reports.submit_report(
        description="น้ำท่วม", channel=Channel.WEB, lat=13.8596, lon=100.7046
    ).report
    there = reports.submit_report(
        description="น้ำท่วม", channel=Channel.WEB, lat=13.7553, lon=100.4930
    ).report
    issue = new_issue(member, reports=[here])
    assert list(issue.reports.all()) == [here]
    with pytest.raises(InvalidInput):
        services.link_reports(issue, actor=member, reports=[there])


def test_the_lifecycle_follows_the_table(seat):
    member = seat("committee-1046", Role.MEMBER)
    issue = new_issue(member)
    for status in [S.SCREENING, S.ON_AGENDA, S.RESOLVED, S.IN_PROGRESS, S.DONE, S.VERIFIED]:
        services.change_status(issue, actor=member, to=status)
    assert issue.status == S.VERIFIED
    with pytest.raises(InvalidInput):
        services.change_status(issue, actor=member, to=S.SCREENING)


def test_declining_and_escalating_need_a_reason(seat):
    member = seat("committee-1046", Role.MEMBER)
    issue = new_issue(member)
    with pytest.raises(InvalidInput):
        services.change_status(issue, actor=member, to=S.DECLINED)
    services.change_status(issue, actor=member, to=S.ESCALATED, note="เกินอำนาจเขต ต้องใช้งบกลุ่มเขต")
    assert issue.escalated_to.code == "group-4"


def test_the_group_committee_it_was_escalated_to_moves_it_on(seat, make_user):
    member = seat("committee-1046", Role.MEMBER)
    issue = new_issue(member)
    group_member = seat("group-4", Role.MEMBER)
    with pytest.raises(NotAllowed):  # not escalated yet: the district's own matter
        services.change_status(issue, actor=group_member, to=S.SCREENING)
    services.change_status(issue, actor=member, to=S.ESCALATED, note="ถนนคร่อมสองเขต")
    for outsider in [make_user(), seat("group-1", Role.CHAIR)]:
        with pytest.raises(NotAllowed):
            services.change_status(issue, actor=outsider, to=S.ON_AGENDA)
    services.change_status(issue, actor=group_member, to=S.ON_AGENDA)
    assert Issue.objects.get(pk=issue.pk).status == S.ON_AGENDA


def test_only_the_districts_members_move_an_issue(seat, make_user):
    issue = new_issue(seat("committee-1046", Role.MEMBER))
    for outsider in [
        make_user(),
        seat("committee-1001", Role.CHAIR),
        seat("division-1046-works", Role.OFFICIAL),
    ]:
        with pytest.raises(NotAllowed):
            services.change_status(issue, actor=outsider, to=S.SCREENING)


def test_support_once_and_withdraw(seat, make_user):
    issue = new_issue(seat("committee-1046", Role.MEMBER))
    resident = make_user()
    services.support(issue, user=resident)
    with pytest.raises(InvalidInput):
        services.support(issue, user=resident)
    issue.refresh_from_db()
    assert issue.support_count == 1
    services.withdraw_support(issue, user=resident)
    issue.refresh_from_db()
    assert issue.support_count == 0


def test_hidden_comments_keep_their_text(seat, make_user):
    member = seat("committee-1046", Role.MEMBER)
    issue = new_issue(member)
    resident = make_user()
    item = services.comment(issue, author=resident, text="ข้อความไม่สุภาพ")
    with pytest.raises(NotAllowed):
        services.hide_comment(item, actor=resident, reason="x")
    with pytest.raises(InvalidInput):
        services.hide_comment(item, actor=member, reason="")
    services.hide_comment(item, actor=member, reason="ใช้ถ้อยคำไม่สุภาพ")
    item.refresh_from_db()
    assert item.hidden and item.text == "ข้อความไม่สุภาพ"
    assert issue.events.filter(kind=IssueEvent.Kind.COMMENT_HIDDEN).exists()


def test_attachments_pdf_and_image_checked(seat, make_user, photo):
    member = seat("committee-1046", Role.MEMBER)
    issue = new_issue(member)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert (
        services.add_attachment(issue, actor=member, data=pdf, title="แผนผัง").content_type
        == "application/pdf"
    )
    image = services.add_attachment(issue, actor=member, data=photo, filename="a.jpg")
    assert image.content_type == "image/jpeg" and image.file.read()[:3] == b"\xff\xd8\xff"
    for bad in [b"#!/bin/sh\nrm -rf /", b"%PDF-1.4 cut off", b"GIF89a" + b"0" * 20]:
        with pytest.raises(InvalidInput):
            services.add_attachment(issue, actor=member, data=bad)
    with pytest.raises(NotAllowed):
        services.add_attachment(issue, actor=make_user(), data=pdf)
    assert issue.attachments.count() == 2


def test_plan_items_and_place_are_kept(seat):
    from ruam.framework.models import PlanItem

    member = seat("committee-1046", Role.MEMBER)
    flooding = PlanItem.objects.get(kind__code="development-issue", number=4)
    issue = new_issue(member, plan_items=[flooding], lat=13.86, lon=100.70, place="ซอยวัด")
    assert list(issue.plan_items.all()) == [flooding] and issue.lat == 13.86
