"""Every list as a file: ?format=csv (streamed) or ?format=xlsx on the inbox, a district's
committee issues and its actions — Thai headers, typed cells, the filters written in, and never
a reporter's contact details."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.issues import services as issues
from ruam.meetings import services as meetings
from ruam.meetings.models import Section
from ruam.reports import services as reports
from ruam.reports.models import Channel

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_the_inbox_as_csv_and_xlsx(client, seat):
    reports.submit_report(
        description="ไฟดับทั้งซอย",
        channel=Channel.WEB,
        lat=13.8596,
        lon=100.7046,
        categories=["แสงสว่าง"],
        contact_email="private@example.com",
        consent=True,
    )
    client.force_login(seat("division-1046-works", Role.OFFICIAL))
    answer = client.get("/inbox/?view=all&format=csv&status=waiting")
    assert answer["Content-Type"].startswith("text/csv")
    rows = read_csv(answer)
    text = "\n".join(",".join(r) for r in rows)
    assert "ไฟดับทั้งซอย" in text and "private@example.com" not in text
    assert any("waiting" in cell for row in rows[:2] for cell in row)  # the filters, written
    assert "รหัสติดตาม" in text or "Tracking code" in text
    sheet = read_xlsx(client.get("/inbox/?view=all&format=xlsx"))
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "ไฟดับทั้งซอย" in values
    assert any(isinstance(v, dt.datetime) for v in values)  # dates as dates
    assert client.get("/inbox/?view=all&format=pdf").status_code == 200  # refused on the page


def test_a_committees_issues_and_actions_as_files(client, seat):
    secretary = seat("committee-1046", Role.SECRETARY)
    issue = issues.create_issue(
        actor=secretary, district_code="1046", title="ลอกท่อซอยวัด", description="ท่อตัน",
        kind="problem",
    )  # fmt: skip
    meeting = meetings.schedule_meeting(
        actor=secretary,
        body=Body.objects.get(code="committee-1046"),
        starts_at=timezone.now(),
        place="สำนักงานเขต",
    )
    item = meetings.add_item(meeting, actor=secretary, section=Section.FOR_DECISION, issue=issue)
    meetings.resolve(
        item,
        actor=secretary,
        text="มอบฝ่ายโยธา",
        actions=[
            {
                "title": "ลอกท่อทั้งสาย",
                "owner": Body.objects.get(code="division-1046-works"),
                "due": timezone.localdate(),
            }
        ],
    )
    rows = read_csv(client.get("/districts/1046/issues/?format=csv"))
    assert any("ลอกท่อซอยวัด" in cell for row in rows for cell in row)
    sheet = read_xlsx(client.get("/districts/1046/meetings/?format=xlsx"))
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "ลอกท่อทั้งสาย" in values and timezone.localdate() in [
        v.date() if isinstance(v, dt.datetime) else v for v in values
    ]
