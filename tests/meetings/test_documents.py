"""The meeting documents: the invitation and the minutes as PDF (read back with poppler's
pdftotext, as a person copying the text would get it) and as printable pages. The PDF rendering
and the Thai font on their own: ``tests/printing``."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ruam.bodies.models import Body, Role
from ruam.meetings import documents
from ruam.meetings import services as meetings
from ruam.meetings.models import SECTION_TH, Meeting, Section

from ..printing.pdftext import pdftotext

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")
WHEN = dt.datetime(2024, 6, 19, 9, 30, tzinfo=BANGKOK)  # วันพุธที่ 19 มิถุนายน พ.ศ. 2567

CHAIR = "นายสมชาย น้ำท่วม"
SECRETARY = "นางสาวสมหญิง ใจดี"
MEMBER = "นายวิชัย ผู้ใหญ่ยิ่ง"
ON_LEAVE = "นางมาลี ศรีสุข"
OFFICIAL = "นายช่าง ท่อระบาย"
GUEST = "นางทองคำ ชุมชนวัด"
EMAILS = [
    "chair@example.com",
    "secretary@example.com",
    "member@example.com",
    "leave@example.com",
    "guest@example.com",
]
RESOLUTION = "มอบฝ่ายโยธาลอกท่อระบายน้ำซอยวัดให้แล้วเสร็จภายใน 30 วัน"
APPROVED = "ที่ประชุมรับรองรายงานการประชุม ครั้งที่ 1/2567 โดยไม่มีการแก้ไข"


def flat(text: str) -> str:
    """Words as a reader sees them: -layout pads columns with spaces."""
    return " ".join(text.split())


def joined(text: str) -> str:
    """Thai wraps between words without a space: compare long phrases without any."""
    return "".join(text.split())


@pytest.fixture
def people(seat, make_user):
    def person(name, email, role):
        return seat("committee-1046", role, person=make_user(display_name=name, email=email))

    return {
        "chair": person(CHAIR, EMAILS[0], Role.CHAIR),
        "secretary": person(SECRETARY, EMAILS[1], Role.SECRETARY),
        "member": person(MEMBER, EMAILS[2], Role.MEMBER),
        "leave": person(ON_LEAVE, EMAILS[3], Role.MEMBER),
    }


def build_meeting(people, *, hold=True) -> Meeting:
    secretary = people["secretary"]
    body = Body.objects.get(code="committee-1046")
    meetings.schedule_meeting(
        actor=secretary, body=body, starts_at=WHEN - dt.timedelta(days=30), place="ห้องประชุม 1"
    )
    meeting = meetings.schedule_meeting(
        actor=secretary, body=body, starts_at=WHEN, place="ห้องประชุมสำนักงานเขตคลองสามวา ชั้น 2"
    )
    meetings.invite_members(meeting, actor=secretary, with_officials=False)
    chair_news = meetings.add_item(
        meeting, actor=secretary, section=Section.CHAIR, title="กำหนดการลงพื้นที่ตรวจจุดน้ำท่วมขัง"
    )
    previous = meeting.items.get(section=Section.PREVIOUS_MINUTES)
    flood = meetings.add_item(
        meeting, actor=secretary, section=Section.FOR_DECISION, title="น้ำท่วมซ้ำซากซอยวัด"
    )
    next_meeting = meetings.add_item(
        meeting, actor=secretary, section=Section.OTHER, title="นัดหมายการประชุมครั้งต่อไป"
    )
    entries = [
        {"person": people["chair"], "name": CHAIR, "role": "ประธาน", "status": "present"},
        {"person": secretary, "name": SECRETARY, "role": "เลขานุการ", "status": "present"},
        {"person": people["member"], "name": MEMBER, "role": "กรรมการ", "status": "present"},
        {"person": people["leave"], "name": ON_LEAVE, "role": "กรรมการ", "status": "leave"},
    ]
    entries = [e | {"is_member": True} for e in entries] + [
        {"name": OFFICIAL, "role": "หัวหน้าฝ่ายโยธา", "status": "present", "is_member": False},
        {
            "name": f"{GUEST} ({EMAILS[4]}) 081-234-5678",
            "role": "ผู้แทนชุมชนวัดสุทธาราม",
            "status": "guest",
            "is_member": False,
        },
    ]
    meetings.record_attendance(meeting, actor=secretary, entries=entries)
    meetings.record_minutes(
        chair_news, actor=secretary, minutes="ประธานแจ้งว่าจะลงพื้นที่ร่วมกับฝ่ายโยธาในสัปดาห์หน้า"
    )
    meetings.resolve(chair_news, actor=secretary, text="ที่ประชุมรับทราบ")
    meetings.resolve(previous, actor=secretary, text=APPROVED)
    meetings.record_minutes(
        flood, actor=secretary, minutes="ฝ่ายโยธาชี้แจงว่าท่อระบายน้ำอุดตันทั้งสาย\n\nที่ประชุมอภิปรายกว้างขวาง"
    )
    meetings.resolve(
        flood,
        actor=secretary,
        text=RESOLUTION,
        actions=[
            {
                "title": "ลอกท่อระบายน้ำซอยวัดทั้งสาย",
                "due": dt.date(2024, 7, 19),
                "owner": Body.objects.get(code="division-1046-works"),
            }
        ],
    )
    meetings.record_minutes(next_meeting, actor=secretary, minutes="จะแจ้งวันประชุมให้ทราบภายหลัง")
    Meeting.objects.filter(pk=meeting.pk).update(
        opened_at=dt.time(9, 35), closed_at=dt.time(12, 5), minutes_by=SECRETARY
    )
    if hold:
        meetings.hold(meeting, actor=secretary)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def held(people) -> Meeting:
    return build_meeting(people)


def url(name: str, meeting: Meeting) -> str:
    return reverse(f"meetings:{name}", args=[meeting.pk])


def test_the_minutes_pdf_reads_back_as_written(client, held, tmp_path):
    response = client.get(url("minutes_pdf", held))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content, tmp_path)
    words, says = flat(text), joined(text)

    assert joined(f"รายงานการประชุม{held.body.name_th}") in says
    assert "ครั้งที่ 2/2567" in words
    assert "เมื่อวันพุธที่ 19 มิถุนายน พ.ศ. 2567 เวลา 09.30 น." in words
    assert re.search(r"พ\.ศ\. 25\d\d", text)
    for number, heading in SECTION_TH.items():
        assert f"ระเบียบวาระที่ {number} {heading}" in words
    for heading in ["ผู้มาประชุม", "ผู้ไม่มาประชุม", "ผู้เข้าร่วมประชุม"]:
        assert heading in words
    for name in [CHAIR, SECRETARY, MEMBER, ON_LEAVE, OFFICIAL, GUEST]:
        assert name in words, name
    assert "ลาประชุม" in words
    assert "เริ่มประชุมเวลา 09.35 น." in words
    assert "เลิกประชุมเวลา 12.05 น." in words
    # Thai copies out exactly: sara am with and without a tone mark, stacked marks.
    for phrase in [
        "รับรองรายงานการประชุม",
        "น้ำท่วม",
        "ฝ่ายโยธาชี้แจงว่าท่อระบายน้ำอุดตันทั้งสาย",
        "มติที่ประชุม " + RESOLUTION,
        APPROVED,
        "ที่ประชุมรับทราบ",
        "มอบหมาย ฝ่ายโยธา สำนักงานเขตคลองสามวา ลอกท่อระบายน้ำซอยวัดทั้งสาย",
        "กำหนดแล้วเสร็จภายในวันที่ 19 กรกฎาคม 2567",
        "ผู้จดรายงานการประชุม",
        "ผู้ตรวจรายงานการประชุม",
    ]:
        assert joined(phrase) in says, phrase
    assert "(ร่าง)" not in words
    # Names and roles only: no contact data, even typed into a name.
    assert "@" not in text
    assert "081" not in text
    for email in EMAILS:
        assert email not in text


def test_the_invitation_pdf(client, held, tmp_path):
    response = client.get(url("invitation_pdf", held))
    assert response.status_code == 200
    text = pdftotext(response.content, tmp_path)
    words, says = flat(text), joined(text)
    assert "หนังสือเชิญประชุม" in words
    assert joined(f"เรื่อง ขอเชิญประชุม{held.body.name_th} ครั้งที่ 2/2567") in says
    assert "เรียน ผู้มีรายนามแนบท้าย" in words
    assert joined("ในวันพุธที่ 19 มิถุนายน พ.ศ. 2567 เวลา 09.30 น.") in says
    assert joined("ณ ห้องประชุมสำนักงานเขตคลองสามวา ชั้น 2") in says
    assert re.search(r"วันที่ \d{1,2} \S+ 25\d\d", words)  # the date line, Buddhist Era
    for number, heading in SECTION_TH.items():
        assert f"ระเบียบวาระที่ {number} {heading}" in words
    for title in ["1.1 กำหนดการลงพื้นที่ตรวจจุดน้ำท่วมขัง", "2.1 รับรองรายงานการประชุม ครั้งที่ 1/2567",
                  "4.1 น้ำท่วมซ้ำซากซอยวัด", "5.1 นัดหมายการประชุมครั้งต่อไป"]:  # fmt: skip
        assert title in words, title
    assert "ขอแสดงความนับถือ" in words
    assert f"({CHAIR})" in words
    assert "รายชื่อผู้ได้รับเชิญประชุม" in words
    for name in [CHAIR, SECRETARY, MEMBER, ON_LEAVE]:
        assert name in words
    assert "@" not in words


def test_thai_numerals_on_request(client, held, tmp_path):
    text = pdftotext(client.get(url("minutes_pdf", held) + "?digits=thai").content, tmp_path)
    words = flat(text)
    assert "ครั้งที่ ๒/๒๕๖๗" in words
    assert "พ.ศ. ๒๕๖๗ เวลา ๐๙.๓๐ น." in words
    assert "ระเบียบวาระที่ ๔ เรื่องเพื่อพิจารณา" in words
    assert "ภายใน๓๐วัน" in joined(text)
    assert not re.search("[0-9]", text)  # page numbers too
    invitation = flat(
        pdftotext(client.get(url("invitation_pdf", held) + "?digits=thai").content, tmp_path)
    )
    assert "ชั้น ๒" in invitation and "๔.๑ น้ำท่วมซ้ำซากซอยวัด" in invitation


def test_draft_minutes_only_for_the_bodys_officers(client, people, make_user, tmp_path):
    draft = build_meeting(people, hold=False)
    assert draft.status == Meeting.Status.PLANNED
    for who in [None, make_user(), people["member"]]:
        client.logout()
        if who is not None:
            client.force_login(who)
        for name in ["minutes_pdf", "minutes_page"]:
            response = client.get(url(name, draft))
            assert response.status_code == 403, (who, name)
            content = response.content.decode()
            assert "ร่าง" in content and "draft" not in content  # the visitor's language
            english = client.get(url(name, draft), HTTP_ACCEPT_LANGUAGE="en")
            assert english.status_code == 403 and "draft" in english.content.decode()
        # The invitation is public all the same.
        assert client.get(url("invitation_pdf", draft)).status_code == 200
    client.force_login(people["secretary"])
    response = client.get(url("minutes_pdf", draft))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = pdftotext(response.content, tmp_path)
    assert "(ร่าง)" in text and joined(RESOLUTION) in joined(text)
    assert client.get(url("minutes_page", draft)).status_code == 200


def test_the_printable_pages(client, held):
    page = client.get(url("minutes_page", held))
    assert page.status_code == 200
    html = page.content.decode()
    for text in [
        "รายงานการประชุม",
        "ระเบียบวาระที่ 1",
        "วันพุธที่ 19 มิถุนายน พ.ศ. 2567",
        CHAIR,
        GUEST,
        RESOLUTION,
        url("minutes_pdf", held),
        "vendor/sarabun",
    ]:
        assert text in html, text
    thai = client.get(url("minutes_page", held) + "?digits=thai").content.decode()
    assert "พ.ศ. ๒๕๖๗" in thai and "ระเบียบวาระที่ ๕" in thai
    assert 'href="?"' in thai  # back to Arabic numerals; the style sheet kept its numbers
    assert "font-size: 13pt" in thai
    invitation = client.get(url("invitation_page", held))
    assert invitation.status_code == 200
    assert "หนังสือเชิญประชุม" in invitation.content.decode()
    for response in [page, invitation]:
        for email in EMAILS:
            assert email not in response.content.decode()
    assert client.get(reverse("meetings:minutes_page", args=[999999])).status_code == 404


def test_contact_data_is_taken_out_of_names():
    clean = documents.clean_person_text
    assert clean("นางทองคำ ชุมชนวัด (guest@example.com) 081-234-5678") == "นางทองคำ ชุมชนวัด"
    assert clean("ผู้แทนชุมชนหมู่ 5") == "ผู้แทนชุมชนหมู่ 5"
    assert clean("กรรมการ วาระ 2567 - 2570") == "กรรมการ วาระ 2567 - 2570"
    assert clean("นายสมศักดิ์ ทดสอบ โทร 02 123 4567") == "นายสมศักดิ์ ทดสอบ"
    assert clean("ครูใหญ่ โรงเรียนวัด, อีเมล: kru@example.org") == "ครูใหญ่ โรงเรียนวัด"
