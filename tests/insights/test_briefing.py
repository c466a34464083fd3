"""The briefing pack of a district-group meeting: one Thai PDF whose text copies out as written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ruam.bodies.models import Body
from ruam.meetings.models import Meeting, Section

from ..printing.pdftext import pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_meeting():
    return Meeting.objects.create(
        body=Body.objects.get(code="group-4"),
        number=2,
        year=2569,
        title="ประชุมกลุ่มเขตกรุงเทพตะวันออก",
        starts_at=timezone.make_aware(dt.datetime(2026, 6, 19, 9, 30)),
        place="ศาลาว่าการกรุงเทพมหานคร",
    )


def overdue_action():
    meeting = Meeting.objects.create(
        body=Body.objects.get(code="committee-1046"),
        number=1,
        year=2569,
        title="ประชุมคณะขับเคลื่อนฯ",
        starts_at=timezone.now() - dt.timedelta(days=30),
        place="สำนักงานเขต",
    )
    item = meeting.items.create(section=Section.FOR_DECISION, title="น้ำท่วมขัง")
    return item.resolutions.create(text="มอบฝ่ายโยธา").actions.create(
        title="ลอกท่อระบายน้ำถนนหทัยราษฎร์",
        owner=Body.objects.get(code="division-1046-works"),
        due=timezone.localdate() - dt.timedelta(days=5),
    )


def test_the_briefing_pack_is_thai_with_a_true_text_layer(
    client, group_meeting, make_report, tmp_path
):
    make_report()
    overdue_action()
    page = client.get(f"/meetings/{group_meeting.pk}/").content.decode()
    assert f"/meetings/{group_meeting.pk}/briefing.pdf" in page
    response = client.get(f"/meetings/{group_meeting.pk}/briefing.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content, tmp_path, mode="-raw")
    flat = "".join(text.split())  # lines wrap between words; Thai writes none between them
    assert "เอกสารประกอบการประชุม" in flat
    assert "กลุ่มเขตกรุงเทพตะวันออก" in flat
    assert "วันศุกร์ที่19มิถุนายนพ.ศ.2569" in flat  # Buddhist Era
    for name in ("เขตคลองสามวา", "เขตลาดกระบัง", "เขตมีนบุรี"):  # each district has a section
        assert name in flat
    assert "งานที่มอบหมายที่เกินกำหนด" in flat
    assert "ลอกท่อระบายน้ำถนนหทัยราษฎร์" in flat
    assert "ค่ากลางทั้งกรุงเทพฯ" in flat


def test_a_district_committee_meeting_has_its_districts_pack(client, tmp_path):
    meeting = Meeting.objects.create(
        body=Body.objects.get(code="committee-1046"),
        number=3,
        year=2569,
        title="ประชุม",
        starts_at=timezone.now(),
        place="สำนักงานเขต",
    )
    pdf = client.get(f"/meetings/{meeting.pk}/briefing.pdf").content
    text = "".join(pdftotext(pdf, tmp_path).split())
    assert "เขตคลองสามวา" in text and "เขตลาดกระบัง" not in text


def test_other_bodies_have_no_pack(client):
    meeting = Meeting.objects.create(
        body=Body.objects.get(code="dept-drainage"),
        number=1,
        year=2569,
        title="ประชุม",
        starts_at=timezone.now(),
        place="สำนัก",
    )
    assert client.get(f"/meetings/{meeting.pk}/briefing.pdf").status_code == 404
    assert "briefing.pdf" not in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_the_invitation_encloses_the_pack(client, group_meeting, tmp_path):
    page = client.get(f"/meetings/{group_meeting.pk}/invitation/").content.decode()
    assert "สิ่งที่ส่งมาด้วย" in page and "เอกสารประกอบการประชุม" in page
    pdf = client.get(f"/meetings/{group_meeting.pk}/invitation.pdf").content
    text = "".join(pdftotext(pdf, tmp_path, mode="-raw").split())
    assert text.index("หนังสือเชิญประชุม") < text.index("เอกสารประกอบการประชุมคณะ")
    assert "เขตคลองสามวา" in text and "เขตหนองจอก" in text
