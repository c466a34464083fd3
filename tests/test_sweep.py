"""The sweep: every URL of the URL conf, as every role, for district B's things.

District B is 1001 (พระนคร): a report with the reporter's contact details and a LINE id, an
issue with a hidden comment, a meeting with draft minutes, an action, a programme figure. The
roles are the people of district A (1046) — a resident, a committee member, an official, the
chair —, B's own official, city staff and an administrator without a seat. For each URL and
role: no answer is a 5xx; no personal data of B's reporter, and no hidden comment or draft
minutes, appear anywhere except where that role is meant to see them (B's official on B's
report staff page; the administrator in the admin); and a POST with plausible data changes
nothing of B's. The URLs come from the URL conf: a new URL without a sample here fails the suite
the day it is added.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.framework.models import Category
from ruam.issues import services as issues
from ruam.meetings import services as meetings
from ruam.meetings.models import Section
from ruam.reports import services as reports
from ruam.reports.models import CategoryLabel, Channel, Report

pytestmark = pytest.mark.django_db

SECRETS = {
    "name": "สมหญิงลับเฉพาะ",
    "email": "secret.reporter.b@example.com",
    "phone": "0899990001",
    "line": "U0123456789abcdef0123456789abcdef",
    "hidden": "ความเห็นที่ซ่อนไว้ห้ามเผยแพร่",
    "draft": "ร่างบันทึกลับยังไม่รับรอง",
}
ROLES = [
    "anonymous",
    "resident",
    "member_a",
    "official_a",
    "chair_a",
    "official_b",
    "city_staff",
    "administrator",
]
SEATS = {
    "member_a": ("committee-1046", Role.MEMBER),
    "official_a": ("division-1046-works", Role.OFFICIAL),
    "chair_a": ("committee-1046", Role.CHAIR),
    "official_b": ("division-1001-works", Role.OFFICIAL),
    "city_staff": ("city", Role.OFFICIAL),
}


class World:
    def __init__(self, make_user, seat) -> None:
        b_secretary = seat("committee-1001", Role.SECRETARY)
        made = reports.submit_report(
            description="ไฟฟ้าดับหน้าวัด พระนคร",
            channel=Channel.WEB,
            lat=13.7525,
            lon=100.4935,
            categories=["แสงสว่าง"],
            contact_name=SECRETS["name"],
            contact_email=SECRETS["email"],
            contact_phone=SECRETS["phone"],
            consent=True,
        )
        self.report, self.key = made.report, made.reporter_key
        Report.objects.filter(pk=self.report.pk).update(
            **({"contact_line_id": SECRETS["line"]} if _has("contact_line_id") else {})
        )
        self.report.refresh_from_db()
        assert self.report.district_id == "1001"
        self.issue = issues.create_issue(
            actor=b_secretary,
            district_code="1001",
            title="ไฟดับซ้ำซากเขตพระนคร",
            description="หลายซอย",
            kind="problem",
            reports=[self.report],
        )
        comment = issues.comment(self.issue, author=make_user(), text=SECRETS["hidden"])
        issues.hide_comment(comment, actor=b_secretary, reason="ข้อมูลส่วนบุคคล")
        self.comment = comment
        self.meeting = meetings.schedule_meeting(
            actor=b_secretary,
            body=Body.objects.get(code="committee-1001"),
            starts_at=timezone.now(),
            place="สำนักงานเขตพระนคร",
        )
        self.item = meetings.add_item(
            self.meeting, actor=b_secretary, section=Section.FOR_DECISION, issue=self.issue
        )
        meetings.record_minutes(self.item, actor=b_secretary, minutes=SECRETS["draft"])
        meetings.resolve(
            self.item,
            actor=b_secretary,
            text="มอบฝ่ายโยธา",
            actions=[
                {
                    "title": "ซ่อมไฟ",
                    "owner": Body.objects.get(code="division-1001-works"),
                    "due": timezone.localdate() + dt.timedelta(days=7),
                }
            ],
        )
        self.action = self.item.resolutions.get().actions.get()
        self.division = Body.objects.get(code="division-1001-works")
        self.measurement = _measurement()
        self.suggestion = None


def _has(field: str) -> bool:
    return any(f.name == field for f in Report._meta.get_fields())


def _measurement():
    from ruam.programmes.models import Measurement

    return Measurement.objects.filter(district_id="1001").first()


def samples(w: World) -> dict[str, list[str]]:
    """Concrete URLs for each pattern of the URL conf, aimed at district B's things."""
    code, key = w.report.code, w.key
    measurement = w.measurement.pk if w.measurement else 999999
    return {
        "": ["/"],
        "^media/(?P<path>.*)$": ["/media/nothing-here.jpg"],
        "accounts/2fa/": ["/accounts/2fa/"],
        "accounts/2fa/setup/": ["/accounts/2fa/setup/"],
        "accounts/login/": ["/accounts/login/"],
        "accounts/logout/": [],  # signs the role out: tried last, separately
        "accounts/signup/": ["/accounts/signup/"],
        "actions/<int:pk>/": [f"/actions/{w.action.pk}/"],
        "api/v1/": [],  # the API's root resolver; its operations are below
        "api/v1/actions": ["/api/v1/actions?district=1001"],
        "api/v1/categories": ["/api/v1/categories"],
        "api/v1/categories/suggest": ["/api/v1/categories/suggest?text=ไฟดับ"],
        "api/v1/districts": ["/api/v1/districts"],
        "api/v1/districts.geojson": ["/api/v1/districts.geojson"],
        "api/v1/subdistricts.geojson": ["/api/v1/subdistricts.geojson"],
        "api/v1/districts/<code>": ["/api/v1/districts/1001"],
        "api/v1/districts/<code>/boundary": ["/api/v1/districts/1001/boundary"],
        "api/v1/docs": ["/api/v1/docs"],
        "api/v1/groups": ["/api/v1/groups"],
        "api/v1/issues": ["/api/v1/issues?district=1001"],
        "api/v1/issues/<pk>": [f"/api/v1/issues/{w.issue.pk}"],
        "api/v1/locate": ["/api/v1/locate?lat=13.75&lon=100.49"],
        "api/v1/meetings": ["/api/v1/meetings?district=1001"],
        "api/v1/meetings/<pk>": [f"/api/v1/meetings/{w.meeting.pk}"],
        "api/v1/openapi.json": ["/api/v1/openapi.json"],
        "api/v1/plan": ["/api/v1/plan"],
        "api/v1/programmes": ["/api/v1/programmes"],
        "api/v1/programmes/<code>": ["/api/v1/programmes/million_trees"],
        "api/v1/programmes/<code>/measurements": ["/api/v1/programmes/million_trees/measurements"],
        "api/v1/reports": ["/api/v1/reports?district=1001"],
        "api/v1/reports/<code>": [f"/api/v1/reports/{code}"],
        "api/v1/reports/<code>/categories": [f"/api/v1/reports/{code}/categories"],
        "api/v1/reports/<code>/events": [f"/api/v1/reports/{code}/events"],
        "api/v1/reports/<code>/status": [f"/api/v1/reports/{code}/status"],
        "api/v1/search": ["/api/v1/search?q=ไฟ"],
        "bodies/<slug:code>/meetings/": ["/bodies/committee-1001/meetings/"],
        "bodies/<slug:code>/meetings/new/": ["/bodies/committee-1001/meetings/new/"],
        "dashboards/": ["/dashboards/?district=1001"],
        "districts/": ["/districts/"],
        "districts/<str:code>/": ["/districts/1001/"],
        "districts/<str:code>/committee/": ["/districts/1001/committee/"],
        "districts/<str:code>/figures/": ["/districts/1001/figures/"],
        "districts/<str:code>/hotspots/": ["/districts/1001/hotspots/"],
        "districts/<str:code>/issues/": ["/districts/1001/issues/"],
        "districts/<str:code>/issues/new/": ["/districts/1001/issues/new/"],
        "districts/<str:code>/meetings/": ["/districts/1001/meetings/"],
        "districts/<str:code>/meetings/new/": ["/districts/1001/meetings/new/"],
        "districts/<str:code>/programmes/": ["/districts/1001/programmes/"],
        "districts/<str:code>/programmes/export.<str:fmt>": [
            "/districts/1001/programmes/export.csv"
        ],
        "districts/<str:code>/programmes/import/": ["/districts/1001/programmes/import/"],
        "districts/<str:code>/reports/": ["/districts/1001/reports/"],
        "exports/<uuid:pk>/": [f"/exports/{uuid.uuid4()}/"],
        "favicon.ico": ["/favicon.ico"],
        "figures/": ["/figures/"],
        "groups/<str:code>/": ["/groups/1/"],
        "groups/<str:code>/figures/": ["/groups/1/figures/"],
        "groups/<str:code>/issues/": ["/groups/1/issues/"],
        "groups/<str:code>/print/": ["/groups/1/print/"],
        "healthz": ["/healthz"],
        "i18n/setlang/": ["/i18n/setlang/"],
        "inbox/": ["/inbox/?view=all"],
        "inbox/<str:code>/": [f"/inbox/{code}/"],
        "inbox/<str:code>/categories/": [f"/inbox/{code}/categories/"],
        "inbox/<str:code>/duplicates/<int:pk>/<str:decision>/": [
            f"/inbox/{code}/duplicates/999999/confirm/"
        ],
        "inbox/<str:code>/slip/": [f"/inbox/{code}/slip/"],
        "inbox/bulk/": ["/inbox/bulk/"],
        "inbox/enter/": ["/inbox/enter/"],
        "integrations/line/webhook": ["/integrations/line/webhook"],
        "issues/<int:pk>/": [f"/issues/{w.issue.pk}/"],
        "issues/<int:pk>/attachments/": [f"/issues/{w.issue.pk}/attachments/"],
        "issues/<int:pk>/comment/": [f"/issues/{w.issue.pk}/comment/"],
        "issues/<int:pk>/comments/<int:comment_pk>/hide/": [
            f"/issues/{w.issue.pk}/comments/{w.comment.pk}/hide/"
        ],
        "issues/<int:pk>/status/": [f"/issues/{w.issue.pk}/status/"],
        "issues/<int:pk>/support/": [f"/issues/{w.issue.pk}/support/"],
        "livez": ["/livez"],
        "measurements/<int:pk>/": [f"/measurements/{measurement}/"],
        "measurements/<int:pk>/verify/": [f"/measurements/{measurement}/verify/"],
        "meetings/<int:pk>/": [f"/meetings/{w.meeting.pk}/"],
        "meetings/<int:pk>/attendance/": [f"/meetings/{w.meeting.pk}/attendance/"],
        "meetings/<int:pk>/briefing.pdf": [],  # a PDF: its text is checked in insights' tests
        "meetings/<int:pk>/briefing/": [f"/meetings/{w.meeting.pk}/briefing/"],
        "meetings/<int:pk>/hold/": [f"/meetings/{w.meeting.pk}/hold/"],
        "meetings/<int:pk>/invitation.pdf": [],  # PDFs: the pages below show the same text
        "meetings/<int:pk>/invitation/": [f"/meetings/{w.meeting.pk}/invitation/"],
        "meetings/<int:pk>/invite/": [f"/meetings/{w.meeting.pk}/invite/"],
        "meetings/<int:pk>/items/": [f"/meetings/{w.meeting.pk}/items/"],
        "meetings/<int:pk>/items/<int:item_pk>/": [f"/meetings/{w.meeting.pk}/items/{w.item.pk}/"],
        "meetings/<int:pk>/minutes.pdf": [],
        "meetings/<int:pk>/minutes/": [f"/meetings/{w.meeting.pk}/minutes/"],
        "metrics": ["/metrics"],
        "my-data/": ["/my-data/"],
        "my-data/erase/": [],  # erases the role's own account: tested in tests/privacy
        "my-data/export.json": ["/my-data/export.json"],
        "open-data/": ["/open-data/"],
        "open-data/<str:name>": [
            "/open-data/reports.csv",
            "/open-data/reports.json",
            "/open-data/issues.csv",
            "/open-data/actions.csv",
        ],
        r"open311/v2/^discovery\.(?P<fmt>\w+)$": ["/open311/v2/discovery.json"],
        r"open311/v2/^requests/(?P<request_id>[^/]+)\.(?P<fmt>\w+)$": [
            f"/open311/v2/requests/{code}.json",
            f"/open311/v2/requests/{code}.xml",
        ],
        r"open311/v2/^requests\.(?P<fmt>\w+)$": ["/open311/v2/requests.json?status=open"],
        r"open311/v2/^servicerequestupdates\.(?P<fmt>\w+)$": [
            "/open311/v2/servicerequestupdates.json"
        ],
        r"open311/v2/^services/(?P<code>[^/]+)\.(?P<fmt>\w+)$": ["/open311/v2/services/1.json"],
        r"open311/v2/^services\.(?P<fmt>\w+)$": ["/open311/v2/services.json"],
        r"open311/v2/^tokens/(?P<token>[^/]+)\.(?P<fmt>\w+)$": [f"/open311/v2/tokens/{code}.json"],
        "plan/": ["/plan/"],
        "privacy/": ["/privacy/"],
        "programmes/": ["/programmes/"],
        "programmes/<slug:code>/": ["/programmes/million_trees/"],
        "programmes/<slug:code>/districts/<str:district>/": [
            "/programmes/million_trees/districts/1001/"
        ],
        "programmes/<slug:code>/export.<str:fmt>": ["/programmes/million_trees/export.csv"],
        "readyz": ["/readyz"],
        "reports/<str:code>/": [f"/reports/{code}/"],
        "reports/<str:code>/confirm/": [f"/reports/{code}/confirm/"],
        "reports/<str:code>/my-data.json": [f"/reports/{code}/my-data.json"],
        "reports/<str:code>/my-data/": [f"/reports/{code}/my-data/"],
        "reports/<str:code>/my-data/erase/": [f"/reports/{code}/my-data/erase/"],
        "reports/<str:code>/rate/": [f"/reports/{code}/rate/"],
        "reports/<str:code>/reopen/": [f"/reports/{code}/reopen/"],
        "reports/<str:code>/support/": [f"/reports/{code}/support/"],
        "reports/mine/": ["/reports/mine/"],
        "reports/nearby/": ["/reports/nearby/?lat=13.7525&lon=100.4935"],
        "reports/new/": ["/reports/new/"],
        "reports/track/": [f"/reports/track/?code={code}"],
        "search/": ["/search/?q=ไฟ"],
    } | {"__private_link__": [f"/reports/{code}/?key={key}"]}


def url_patterns() -> set[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return {u for u in walk(get_resolver().url_patterns) if not u.startswith("admin/")}


def admin_urls(w: World) -> list[str]:
    return [
        "/admin/",
        "/admin/reports/report/",
        f"/admin/reports/report/{w.report.pk}/change/",
        "/admin/issues/comment/",
        "/admin/accounts/user/",
    ]


# Every field a form or an API body here may take, with a plausible value aimed at B.
def payload(w: World) -> dict:
    return {
        "to": "coordinating",
        "status": "coordinating",
        "note": "ย้ายเรื่อง",
        "reason": "ไม่เกี่ยวข้อง",
        "text": "แก้ไข",
        "title": "เรื่องแทรก",
        "description": "รายละเอียด",
        "kind": "problem",
        "progress": "90",
        "stars": "1",
        "minutes": "บันทึกแทรก",
        "resolution": "มติแทรก",
        "action_title": "งานแทรก",
        "action_owner": str(w.division.pk),
        "action_due": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "section": "4",
        "issue": str(w.issue.pk),
        "starts_at": "2026-12-25T09:00",
        "place": "ที่อื่น",
        "name": "ผู้บุกรุก",
        "value": "123",
        "date": timezone.localdate().isoformat(),
        "target_body": "committee-1046",
        "codes": [w.report.code],
        "categories": [str(Category.objects.get(name_th="คลอง").pk)],
        "contact_name": "แก้ชื่อ",
        "contact_email": "changed@example.com",
        "email": "changed@example.com",
        "phone": "0811111111",
        "consent": "on",
        "confirm": "x",
        f"status-{w.meeting.invitations.first().pk if w.meeting.invitations.exists() else 0}": (
            "absent"
        ),
    }


def b_state(w: World) -> dict:
    """What only B's own people may change. Participation open to anyone — supporting,
    commenting, proposing a new issue or sending a new report — is left out."""
    from ruam.issues.models import Comment, Issue
    from ruam.meetings.models import Action, AgendaItem, Attendance, Meeting, Resolution

    def rows(qs, *fields):
        return sorted(map(repr, qs.values_list(*fields)))

    report_fields = [
        f.attname
        for f in Report._meta.concrete_fields
        if f.name not in {"supporter_count", "modified"}
    ]
    state = {
        "report": rows(Report.objects.filter(pk=w.report.pk), *report_fields),
        "invited": rows(Report.invited.through.objects.filter(report__district_id="1001"), "id"),
        "categories": rows(Report.categories.through.objects.filter(report=w.report), "id"),
        "labels": rows(CategoryLabel.objects.filter(report=w.report), "id"),
        "issue": rows(
            Issue.objects.filter(pk=w.issue.pk),
            "status", "status_note", "escalated_to", "title", "description", "progress",
        ),
        "comments": rows(Comment.objects.filter(pk=w.comment.pk), "hidden", "text"),
        "issue_reports": rows(Issue.reports.through.objects.filter(issue=w.issue), "report_id"),
        "meetings": rows(Meeting.objects.filter(body__district_id="1001"), "status", "place"),
        "items": rows(AgendaItem.objects.filter(meeting=w.meeting), "id", "minutes", "issue"),
        "attendance": rows(Attendance.objects.filter(meeting=w.meeting), "id", "status"),
        "resolutions": rows(Resolution.objects.filter(item__meeting=w.meeting), "id", "text"),
        "actions": rows(Action.objects.filter(owner__district_id="1001"), "status", "progress"),
    }  # fmt: skip
    from ruam.programmes.models import Measurement

    state["figures"] = rows(Measurement.objects.filter(district_id="1001"), "id", "value")
    return state


def person(role: str, make_user, seat, django_user_model):
    if role == "anonymous":
        return None
    if role == "administrator":
        return django_user_model.objects.create_superuser(
            f"admin-{uuid.uuid4().hex[:6]}", "admin@example.com", "pw-12345!"
        )
    if role in SEATS:
        return seat(*SEATS[role])
    return make_user()


def may_see_secrets(role: str, url: str) -> bool:
    if role == "administrator" and url.startswith("/admin/"):
        return True  # the admin shows contact details (each view logged)
    return role == "official_b" and url.startswith("/inbox/")


def test_every_url_has_a_sample(make_user, seat):
    w = World(make_user, seat)
    missing = url_patterns() - set(samples(w))
    assert missing == set(), f"URLs with no sample in the sweep: {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES)
def test_the_sweep(role, make_user, seat, django_user_model, settings):
    settings.RUAM_REQUIRE_2FA = False
    w = World(make_user, seat)
    who = person(role, make_user, seat, django_user_model)
    client = Client(raise_request_exception=False)
    if who is not None:
        client.force_login(who)
    urls = [u for pattern, found in samples(w).items() if pattern != "__private_link__"
            for u in found] + admin_urls(w)  # fmt: skip
    secrets = list(SECRETS.values())
    before = b_state(w)
    shown: list[str] = []
    for url in urls:
        answer = client.get(url)
        assert answer.status_code < 500, (role, "GET", url, answer.status_code)
        body = b"".join(answer) if answer.streaming else answer.content
        text = body.decode("utf-8", "replace")
        leaked = [s for s in secrets if s in text]
        if leaked and not may_see_secrets(role, url):
            shown.append(f"GET {url}: {leaked}")
    assert shown == [], f"{role} sees what it must not"
    if role in {"official_b", "administrator"}:
        return  # B's own official may act on B; the admin configures
    data = payload(w)
    for url in urls:
        if url.startswith(("/admin/", "/my-data/erase/", "/accounts/")):
            continue
        answer = client.post(url, data)
        assert answer.status_code < 500, (role, "POST", url, answer.status_code)
        if url.startswith("/api/"):
            body = {k: v for k, v in data.items() if not k.startswith("status-")}
            answer = client.post(url, json.dumps(body), content_type="application/json")
            assert answer.status_code < 500, (role, "POST json", url, answer.status_code)
    after = b_state(w)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed == {}, f"{role} changed district B's things"


def test_the_private_link_shows_only_what_the_reporter_gave(client, make_user, seat):
    """The holder of the private link sees their own contact details on their data page, never
    on the public page."""
    w = World(make_user, seat)
    page = client.get(samples(w)["__private_link__"][0]).content.decode()
    assert not any(s in page for s in (SECRETS["email"], SECRETS["phone"], SECRETS["name"]))
    own = client.get(f"/reports/{w.report.code}/my-data/").content.decode()
    assert SECRETS["email"] in own
    assert re.search("ลับ", own) is None or SECRETS["draft"] not in own
