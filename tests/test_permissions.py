"""The permission matrix: every declared rule × every role, through the pages people reach.

Each row names a permission of an app's ``rules.py`` and does what a person does to use it — a
request to the page or form that needs it (a service call where no page exists) — on a target
in district 1046 (คลองสามวา, group 4). Each role holds its seat either in that district
("own") or in 1001 (พระนคร, group 1: "other"). An allowed attempt must succeed and change what
it should; a refused one must answer 403 (or send the person to sign in) and change nothing in
the database. A rule declared without a row here fails the suite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import timezone
from rules.permissions import permissions

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint
from ruam.issues import services as issues
from ruam.issues.models import Issue
from ruam.meetings.models import Meeting, Section
from ruam.reports import services as reports
from ruam.reports.models import Channel, Report
from ruam.reports.statuses import Status

from .conftest import jpeg

pytestmark = pytest.mark.django_db

TARGET = "1046"  # every target is in คลองสามวา
DISTRICT = {"own": "1046", "other": "1001"}
GROUP = {"1046": "4", "1001": "1"}
# Every Ruam app's rules, whatever the app: a new app's rules need rows too.
APPS = tuple(
    f"{config.label}."
    for config in django_apps.get_app_configs()
    if config.name.startswith("ruam.")
)

# role: the seats it holds, by body code ({d}: the district, {g}: its group); None = anonymous.
ROLES: dict[str, list[tuple[str, str]] | None] = {
    "anonymous": None,
    "resident": [],
    "author": [],  # the resident who reported the target report / proposed the target issue
    "superuser": [],  # an administrator without a seat: no power in a district
    "committee_member": [("committee-{d}", Role.MEMBER)],
    "committee_chair": [("committee-{d}", Role.CHAIR)],
    "committee_secretary": [("committee-{d}", Role.SECRETARY)],
    "working_group_member": [("wg-{d}-test", Role.MEMBER)],
    "working_group_chair": [("wg-{d}-test", Role.CHAIR)],
    "division_official": [("division-{d}-works", Role.OFFICIAL)],
    "other_division_official": [("division-{d}-revenue", Role.OFFICIAL)],
    "district_director": [("office-{d}", Role.DIRECTOR)],
    "department_official": [("dept-drainage", Role.OFFICIAL)],
    "group_committee_member": [("group-{g}", Role.MEMBER)],
    "city_staff": [("city", Role.OFFICIAL)],
    "former_committee_chair": [("committee-{d}", "expired")],
}
SIGNED_IN = set(ROLES) - {"anonymous"}
OFFICE = {"division_official", "other_division_official", "district_director"}
COMMITTEE = {
    "committee_member",
    "committee_chair",
    "committee_secretary",
    "working_group_member",
    "working_group_chair",
}
OFFICERS = {"committee_chair", "committee_secretary"}
HANDLERS = OFFICE | {"department_official"}


@dataclass(frozen=True)
class Row:
    """How a permission is used, and who may: roles seated in the target's district ("own"),
    and roles seated in the other district ("other")."""

    attempt: Callable  # (client, person, world) -> bool: did the person get it done
    own: set[str]
    other: set[str]
    gate: bool = True  # False: the rule decides how something is done, not whether


class World:
    """The targets in district 1046, made on first use by the row that needs them."""

    def __init__(self, author) -> None:
        self.author = author
        self._cache: dict[str, object] = {}

    def _once(self, name: str, make: Callable[[], object]):
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    def report(self, status: str = Status.WAITING) -> Report:
        def make() -> Report:
            made = reports.submit_report(
                description="น้ำท่วมขังหน้าซอยวัด",
                channel=Channel.WEB,
                lat=13.8596,
                lon=100.7046,
                categories=["น้ำท่วม"],
                reporter=self.author,
            ).report
            Report.objects.filter(pk=made.pk).update(status=status)
            made.refresh_from_db()
            return made

        return self._once(f"report-{status}", make)

    def issue(self) -> Issue:
        return self._once(
            "issue",
            lambda: issues.create_issue(
                actor=self.author,
                district_code=TARGET,
                title="สวน 15 นาที",
                description="ที่ดินว่างริมคลอง",
                kind=Issue.Kind.DEVELOPMENT,
            ),
        )

    def committee(self) -> Body:
        return Body.objects.get(code=f"committee-{TARGET}")

    def meeting(self) -> Meeting:
        return self._once(
            "meeting",
            lambda: Meeting.objects.create(
                body=self.committee(),
                number=1,
                year=2569,
                title="การประชุม",
                starts_at=timezone.now(),
                place="สำนักงานเขต",
            ),
        )

    def item(self):
        return self._once(
            "item",
            lambda: self.meeting().items.create(section=Section.FOR_DECISION, title="เรื่อง"),
        )

    def action(self):
        def make():
            return (
                self.item()
                .resolutions.create(text="มติ")
                .actions.create(
                    title="ลอกท่อ",
                    owner=Body.objects.get(code=f"division-{TARGET}-works"),
                    due=timezone.localdate() + dt.timedelta(days=7),
                )
            )

        return self._once("action", make)


def _posted(response, ok: int = 302) -> bool:
    """A form post: a redirect after success; 403, or the sign-in page, when refused."""
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return False
    assert response.status_code in {ok, 403}, response.status_code
    return response.status_code == ok


def _shown(response) -> bool:
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
        return False
    assert response.status_code in {200, 403}, response.status_code
    return response.status_code == 200


def handle_report(client, person, world) -> bool:
    report = world.report()
    _posted(client.post(f"/inbox/{report.code}/", {"to": Status.COORDINATING}))
    report.refresh_from_db()
    return report.status == Status.COORDINATING


def _reporter_move(path: str, data: dict, expected: str):
    def attempt(client, person, world) -> bool:
        report = world.report(Status.FINISHED)
        client.post(f"/reports/{report.code}/{path}/", data)
        report.refresh_from_db()
        return report.status == expected

    return attempt


def rate(client, person, world) -> bool:
    report = world.report(Status.FINISHED)
    client.post(f"/reports/{report.code}/rate/", {"stars": "4"})
    report.refresh_from_db()
    return report.rating == 4


def post_update(client, person, world) -> bool:
    """Only the program that sent a report speaks for its reporter: no person, whatever seat."""
    from ruam.core.errors import NotAllowed
    from ruam.integrations.open311.updates import post_update as post

    report = world.report(Status.FINISHED)
    try:
        post(key=person, report=report, description="ยังไม่ได้แก้")
    except NotAllowed:
        return False
    return True


def enter_report(client, person, world) -> bool:
    """A walk-in's report recorded at the desk, pinned in the target district."""
    data = {"description": "ไฟทางดับหน้าตลาด", "lat": "13.8596", "lon": "100.7046"}
    _posted(client.post("/inbox/enter/", data))
    return Report.objects.filter(channel=Channel.ASSISTED, district_id=TARGET).exists()


def view_inbox(client, person, world) -> bool:
    return _shown(client.get("/inbox/"))


def propose_issue(client, person, world) -> bool:
    data = {"title": "ทางเท้าชำรุด", "description": "หน้าตลาด", "kind": "problem"}
    return _posted(client.post(f"/districts/{TARGET}/issues/new/", data))


def create_issue(client, person, world) -> bool:
    """Only a member's issue counts as the committee's own (the rule decides its source)."""
    if not person.is_authenticated:
        return False
    made = issues.create_issue(
        actor=person,
        district_code=TARGET,
        title="ไฟดับ",
        description="ทั้งซอย",
        kind=Issue.Kind.PROBLEM,
    )
    return made.source == Issue.Source.MEMBER


def support_issue(client, person, world) -> bool:
    issue = world.issue()
    client.post(f"/issues/{issue.pk}/support/")
    return issue.supports.filter(user_id=person.pk).exists()


def comment_issue(client, person, world) -> bool:
    issue = world.issue()
    client.post(f"/issues/{issue.pk}/comment/", {"text": "เห็นด้วย"})
    return issue.comments.filter(text="เห็นด้วย").exists()


def manage_issue(client, person, world) -> bool:
    issue = world.issue()
    _posted(client.post(f"/issues/{issue.pk}/status/", {"to": "screening"}))
    issue.refresh_from_db()
    return issue.status == "screening"


def attach_document(client, person, world) -> bool:
    from django.core.files.uploadedfile import SimpleUploadedFile

    issue = world.issue()
    upload = SimpleUploadedFile("plan.jpg", jpeg(), content_type="image/jpeg")
    _posted(client.post(f"/issues/{issue.pk}/attachments/", {"file": upload, "title": "แผน"}))
    return issue.attachments.exists()


def manage_meetings(client, person, world) -> bool:
    data = {"starts_at": "2026-12-20T09:00", "place": "ห้องประชุมเขต"}
    _posted(client.post(f"/districts/{TARGET}/meetings/new/", data))
    return Meeting.objects.filter(place="ห้องประชุมเขต").exists()


def table_issue(client, person, world) -> bool:
    meeting, issue = world.meeting(), world.issue()
    data = {"issue": issue.pk, "section": Section.FOR_DECISION}
    _posted(client.post(f"/meetings/{meeting.pk}/items/", data))
    return meeting.items.filter(issue=issue).exists()


def assign_action(client, person, world) -> bool:
    item = world.item()
    owner = Body.objects.get(code=f"division-{TARGET}-works")
    data = {
        "minutes": "",
        "resolution": "มอบฝ่ายโยธา",
        "action_title": "ซ่อมทางเท้า",
        "action_owner": owner.pk,
        "action_due": "2026-12-31",
    }
    _posted(client.post(f"/meetings/{item.meeting_id}/items/{item.pk}/", data))
    return item.resolutions.filter(actions__owner=owner).exists()


def update_action(client, person, world) -> bool:
    action = world.action()
    _posted(client.post(f"/actions/{action.pk}/", {"progress": "40", "note": "เริ่มแล้ว"}))
    action.refresh_from_db()
    return action.progress == 40


def view_minutes(client, person, world) -> bool:
    return _shown(client.get(f"/meetings/{world.meeting().pk}/minutes/"))


def view_hotspots(client, person, world) -> bool:
    return _shown(client.get(f"/districts/{TARGET}/hotspots/"))


def view_dashboard(client, person, world) -> bool:
    return _shown(client.get(f"/dashboards/?district={TARGET}"))


# Programmes: flood-risk points, owned by the drainage department (the department_official's).
PROGRAMME = "flood_risk_points"


def _programme():
    from ruam.programmes.models import Programme

    return Programme.objects.get(code=PROGRAMME)


def _figure(world):
    """A figure recorded in the target district by one of its division officials."""

    def make():
        from ruam.programmes import services as programmes

        official = world.author.__class__.objects.create_user("works-recorder", password="pw-1!x")
        appoint(
            person=official,
            body=Body.objects.get(code=f"division-{TARGET}-works"),
            role=Role.OFFICIAL,
            start=dt.date(2024, 1, 1),
        )
        return programmes.record_measurement(
            actor=official,
            programme=_programme(),
            district_code=TARGET,
            date=timezone.localdate() - dt.timedelta(days=2),
            value="1",
            note="ลอกท่อจุดเสี่ยงหน้าตลาด",
        )

    return world._once("figure", make)


def record_measurement(client, person, world) -> bool:
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    data = {"form": "measurement", "date": day, "value": "2", "note": "แก้จุดเสี่ยงซอยวัด"}
    _posted(client.post(f"/programmes/{PROGRAMME}/districts/{TARGET}/", data))
    return _programme().measurements.filter(district_id=TARGET, note="แก้จุดเสี่ยงซอยวัด").exists()


def verify_measurement(client, person, world) -> bool:
    figure = _figure(world)
    _posted(client.post(f"/measurements/{figure.pk}/verify/"))
    figure.refresh_from_db()
    return figure.status == "verified"


def manage_targets(client, person, world) -> bool:
    data = {"form": "target", "year": "2027", "target": "12", "note": ""}
    _posted(client.post(f"/programmes/{PROGRAMME}/districts/{TARGET}/", data))
    return _programme().targets.filter(district_id=TARGET, year=2027).exists()


def add_programme(client, person, world) -> bool:
    data = {"name_th": "ตลาดนัดชุมชนริมคลอง", "unit_th": "ครั้ง", "direction": "more"}
    _posted(client.post(f"/districts/{TARGET}/programmes/", data))
    return _programme().__class__.objects.filter(district_id=TARGET).exists()


def own_data(client, person, world) -> bool:
    return _shown(client.get("/my-data/"))


def report_contact(client, person, world) -> bool:
    return _shown(client.get(f"/reports/{world.report().code}/my-data/"))


MATRIX: dict[str, Row] = {
    "reports.handle_report": Row(handle_report, {"division_official", "district_director",
                                                 "other_division_official"}, set()),
    "reports.confirm_fix": Row(_reporter_move("confirm", {}, Status.CONFIRMED),
                               {"author"} | COMMITTEE, {"author"}),
    "reports.reopen": Row(_reporter_move("reopen", {"reason": "ยังไม่ได้แก้"}, Status.REOPENED),
                          {"author"} | COMMITTEE, {"author"}),
    "reports.rate": Row(rate, {"author"}, {"author"}),
    "reports.view_inbox": Row(view_inbox, HANDLERS, HANDLERS),
    "reports.post_update": Row(post_update, set(), set()),
    "reports.enter_report": Row(enter_report, OFFICE | COMMITTEE | {"department_official",
                                "city_staff"}, {"department_official", "city_staff"}),
    "issues.propose_issue": Row(propose_issue, SIGNED_IN, SIGNED_IN),
    "issues.create_issue": Row(create_issue, COMMITTEE, set(), gate=False),
    "issues.support_issue": Row(support_issue, SIGNED_IN, SIGNED_IN),
    "issues.comment_issue": Row(comment_issue, SIGNED_IN, SIGNED_IN),
    "issues.manage_issue": Row(manage_issue, COMMITTEE, set()),
    "issues.attach_document": Row(attach_document, COMMITTEE | {"author"}, {"author"}),
    "meetings.manage_meetings": Row(manage_meetings, OFFICERS, set()),
    "meetings.table_issue": Row(table_issue, OFFICERS, set()),
    "meetings.assign_action": Row(assign_action, OFFICERS, set()),
    "meetings.update_action": Row(update_action, {"division_official", "district_director",
                                                  "other_division_official"}, set()),
    "meetings.view_minutes": Row(view_minutes, OFFICERS, set()),
    "insights.view_hotspots": Row(view_hotspots, COMMITTEE | OFFICE | {"group_committee_member",
                                  "city_staff"}, {"city_staff"}),
    "insights.view_dashboard": Row(view_dashboard, COMMITTEE | OFFICE | {"group_committee_member",
                                   "city_staff"}, {"city_staff"}),
    "programmes.record_measurement": Row(record_measurement, OFFICE | {"department_official"},
                                         {"department_official"}),
    "programmes.verify_measurement": Row(verify_measurement, {"committee_secretary",
                                         "department_official"}, {"department_official"}),
    "programmes.manage_targets": Row(manage_targets, {"city_staff", "department_official"},
                                     {"city_staff", "department_official"}),
    "programmes.add_programme": Row(add_programme, OFFICERS, set()),
    "privacy.manage_own_data": Row(own_data, SIGNED_IN, SIGNED_IN),
    "privacy.manage_report_contact": Row(report_contact, {"author"}, {"author"}),
}  # fmt: skip


def seat_person(role: str, where: str, make_user):
    from django.contrib.auth.models import AnonymousUser

    seats = ROLES[role]
    if seats is None:
        return AnonymousUser()
    user = make_user(is_superuser=role == "superuser", is_staff=role == "superuser")
    district = DISTRICT[where]
    for code, seat_role in seats:
        code = code.format(d=district, g=GROUP[district])
        if code.startswith("wg-"):
            Body.objects.get_or_create(
                code=code,
                defaults={
                    "kind": Body.Kind.WORKING_GROUP,
                    "name_th": "คณะทำงานฯ ทดสอบ",
                    "parent": Body.objects.get(code=f"committee-{district}"),
                },
            )
        start, end = dt.date(2024, 1, 1), None
        if seat_role == "expired":
            seat_role, end = Role.CHAIR, dt.date(2024, 12, 31)
        appoint(person=user, body=Body.objects.get(code=code), role=seat_role, start=start, end=end)
    return user


def snapshot() -> dict[str, list]:
    """Every row of the tables people change (reference data aside)."""
    from django.apps import apps

    labels = ["reports", "issues", "meetings", "search", "programmes", "django_tasks_database"]
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for label in labels
        for model in apps.get_app_config(label).get_models()
    }


def test_every_declared_rule_has_a_row():
    declared = {name for name in permissions if name.startswith(APPS)}
    assert declared - set(MATRIX) == set(), "a rule without a matrix row"
    assert set(MATRIX) - declared == set(), "a matrix row for a rule that is not declared"


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("rule", list(MATRIX))
def test_permission_matrix(rule, role, where, make_user):
    row = MATRIX[rule]
    person = seat_person(role, where, make_user)
    # The author of the targets is the "author" role itself, else another resident.
    world = World(person if role == "author" else make_user())
    client = Client()
    if person.is_authenticated:
        client.force_login(person)
    expected = role in (row.own if where == "own" else row.other)
    _prepare(rule, world)  # the targets first: a refusal must then change nothing at all
    before = snapshot()
    done = row.attempt(client, person, world)
    assert done is expected, f"{role} ({where}) {'may' if expected else 'may not'} use {rule}"
    if row.gate and not expected:
        assert snapshot() == before, f"refused {rule} for {role} ({where}) but the data changed"


def _prepare(rule: str, world: World) -> None:
    """The targets a row's attempt will use, made before the snapshot."""
    needs = {
        "reports.handle_report": lambda: world.report(),
        "reports.confirm_fix": lambda: world.report(Status.FINISHED),
        "reports.reopen": lambda: world.report(Status.FINISHED),
        "reports.rate": lambda: world.report(Status.FINISHED),
        "reports.post_update": lambda: world.report(Status.FINISHED),
        "privacy.manage_report_contact": lambda: world.report(),
        "issues.support_issue": world.issue,
        "issues.comment_issue": world.issue,
        "issues.manage_issue": world.issue,
        "issues.attach_document": world.issue,
        "meetings.table_issue": lambda: (world.meeting(), world.issue()),
        "meetings.assign_action": world.item,
        "meetings.update_action": world.action,
        "meetings.view_minutes": world.meeting,
        "programmes.verify_measurement": lambda: _figure(world),
    }
    if rule in needs:
        needs[rule]()
