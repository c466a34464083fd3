"""Every page the browser journeys visit is sent with the strict Content-Security-Policy, and
what it sends could run under it: inline blocks carry that response's nonce, nothing else is
inline. (The journeys in tests/e2e check the same header in a real browser, page by page, and
fail on any violation the browser reports.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from ruam.bodies.models import Role

pytestmark = pytest.mark.django_db

REQUIRED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def check_page(response, path: str) -> None:
    assert response.status_code == 200, path
    directives = policy(response)
    for name, value in REQUIRED.items():
        assert directives.get(name) == value, (path, name, directives.get(name))
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name], path
        assert "'unsafe-eval'" not in directives[name], path
    html = response.content.decode()
    nonces = set(re.findall(r'\snonce="([^"]*)"', html))
    if nonces:
        assert len(nonces) == 1, path
        (nonce,) = nonces
        assert f"'nonce-{nonce}'" in directives["script-src"], path
    for tag, attributes in re.findall(r"<(script|style)\b([^>]*)>", html, re.IGNORECASE):
        if tag.lower() == "script" and ("src=" in attributes or "application/json" in attributes):
            continue
        assert "nonce=" in attributes, (path, tag, attributes)
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html, re.IGNORECASE), path
    assert not re.search(r"<[a-z][^>]*\sstyle\s*=", html, re.IGNORECASE), path


@pytest.fixture
def journey_world(seat, make_user, photo):
    """What the journeys make: a report, a hotspot, an issue, a meeting with minutes."""
    from ruam.issues import services as issues
    from ruam.meetings import services as meetings
    from ruam.reports import services as reports
    from ruam.reports.models import Channel

    chair = seat("committee-1046", Role.CHAIR)
    official = seat("division-1046-works", Role.OFFICIAL)
    sent = [
        reports.submit_report(
            description=f"น้ำท่วมขังซอยวัด ครั้งที่ {i}",
            channel=Channel.WEB,
            lat=13.8596 + i * 0.0001,
            lon=100.7046,
            categories=["น้ำท่วม"],
            photos=[photo] if i == 0 else [],
        )
        for i in range(6)
    ]
    issue = issues.create_issue(
        actor=chair, district_code="1046", title="น้ำท่วมซ้ำซาก", description="ซอยวัด", kind="problem"
    )
    meeting = meetings.schedule_meeting(
        actor=chair,
        body=issue.body,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="ห้องประชุมเขต",
    )
    meetings.add_item(meeting, actor=chair, section=4, issue=issue)
    return {
        "chair": chair,
        "official": official,
        "report": sent[0].report,
        "key": sent[0].reporter_key,
        "issue": issue,
        "meeting": meeting,
    }


PUBLIC = [
    "/",
    "/districts/",
    "/districts/1046/",
    "/districts/1046/committee/",
    "/districts/1046/issues/",
    "/districts/1046/meetings/",
    "/districts/1046/figures/",
    "/districts/1046/reports/",
    "/groups/4/",
    "/figures/",
    "/open-data/",
    "/reports/new/",
    "/reports/track/",
    "/search/?q=ท่วม",
    "/privacy/",
    "/accounts/login/",
    "/accounts/signup/",
    "/programmes/",
]


def test_every_journey_page_carries_the_policy(client, journey_world, settings):
    w = journey_world
    report, issue, meeting = w["report"], w["issue"], w["meeting"]
    public = [
        *PUBLIC,
        f"/reports/{report.code}/",
        f"/reports/{report.code}/?key={w['key']}",
        f"/issues/{issue.pk}/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/invitation/",
    ]
    for path in public:
        check_page(client.get(path), path)
    client.force_login(w["official"])
    for path in ["/inbox/", f"/inbox/{report.code}/", "/inbox/enter/", "/reports/mine/"]:
        check_page(client.get(path), path)
    client.force_login(w["chair"])
    for path in [
        "/districts/1046/hotspots/",
        "/districts/1046/issues/new/",
        "/districts/1046/meetings/new/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/minutes/",
        f"/meetings/{meeting.pk}/briefing/",
        "/dashboards/",
        "/groups/4/print/",
    ]:
        check_page(client.get(path), path)


def test_the_tile_server_is_allowed_for_images_and_nothing_else(client, settings):
    settings.RUAM_MAP_TILE_URL = "https://{s}.tiles.example.go.th/{z}/{x}/{y}.png"
    directives = policy(client.get("/reports/new/"))
    assert "https://*.tiles.example.go.th" in directives["img-src"].split()
    assert "tiles.example.go.th" not in directives["script-src"]
    assert "tiles.example.go.th" not in directives["connect-src"]
    settings.RUAM_MAP_TILE_URL = ""
    directives = policy(client.get("/reports/new/"))
    assert directives["img-src"].split() == ["'self'", "data:", "blob:"]


def test_printable_documents_carry_a_nonce_for_their_style(client, journey_world):
    meeting = journey_world["meeting"]
    client.force_login(journey_world["chair"])
    response = client.get(f"/meetings/{meeting.pk}/minutes/")
    nonce = re.search(r'<style nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]
    # The PDF is made from the same template without a request: it still renders.
    pdf = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
