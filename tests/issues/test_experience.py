"""A committee member moves, files and makes issues without traps."""

from __future__ import annotations

import pytest

from ruam.bodies.models import Role
from ruam.issues import services as issues
from ruam.issues.models import Issue
from ruam.reports import services as reports
from ruam.reports.models import Channel
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db


def test_the_move_select_defaults_to_no_choice_and_a_blank_move_is_refused(client, seat):
    member = seat("committee-1046", Role.CHAIR)
    issue = issues.create_issue(
        actor=member, district_code="1046", title="ทางเท้า", description="ชำรุด", kind="problem"
    )
    client.force_login(member)
    html = client.get(f"/issues/{issue.pk}/").content.decode()
    select = html[html.index('name="to"') :]
    select = select[: select.index("</select>")]
    options = select.split("<option")[1:]
    assert 'value=""' in options[0] and "selected" in options[0]
    assert "declined" not in options[1]  # declining is never the first offer
    client.post(f"/issues/{issue.pk}/status/", {"to": "", "note": ""})
    issue.refresh_from_db()
    assert issue.status == "proposed"


def test_the_attachment_title_is_not_the_issues_title(client, seat):
    member = seat("committee-1046", Role.CHAIR)
    issue = issues.create_issue(
        actor=member, district_code="1046", title="ทางเท้า", description="ชำรุด", kind="problem"
    )
    client.force_login(member)
    html = client.get(f"/issues/{issue.pk}/").content.decode()
    form = html[html.index("/attachments/") :]
    form = form[: form.index("</form>")]
    assert "ชื่อประเด็น" not in form and "ชื่อเอกสาร" in form


def _flood(n: int):
    return [
        reports.submit_report(
            description=f"น้ำท่วมขังซอยวัด {i}",
            channel=Channel.WEB,
            lat=13.8596 + i * 0.0001,
            lon=100.7046,
            categories=["น้ำท่วม"],
        ).report
        for i in range(n)
    ]


def test_an_issue_from_a_hotspot_starts_filled_in(client, seat):
    member = seat("committee-1046", Role.CHAIR)
    sent = _flood(6)
    client.force_login(member)
    codes = ",".join(r.code for r in sent)
    html = client.get(f"/districts/1046/issues/new/?from=hotspot&reports={codes}").content.decode()
    assert 'name="title"' in html and "น้ำท่วม" in html.split('name="title"')[1].split(">")[0]
    place = html.split('name="place"')[1].split(">")[0]
    assert "value=" in place and sent[0].subdistrict.name_th in place
    lat = html.split('name="lat"')[1].split(">")[0]
    assert 'value="13.8' in lat


def test_an_issue_whose_reports_are_all_fixed_shows_its_progress(client, seat, photo):
    member = seat("committee-1046", Role.CHAIR)
    sent = _flood(10)
    issue = issues.create_issue(
        actor=member,
        district_code="1046",
        title="น้ำท่วมซ้ำซาก",
        description="ซอยวัด",
        kind="problem",
        reports=sent,
    )
    official = seat(sent[0].responsible.code, Role.OFFICIAL)
    for report in sent:
        reports.change_status(report, actor=official, to=Status.IN_PROGRESS)
        reports.change_status(report, actor=official, to=Status.FINISHED, photos=[photo])
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.progress == 100
    html = client.get(f"/issues/{issue.pk}/").content.decode()
    assert "100%" in html
