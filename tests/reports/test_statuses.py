"""Open and closed: what each status means for residents and officials.

``statuses.OPEN`` and ``statuses.CLOSED`` decide where a report shows up: the division inbox,
the similar reports offered nearby, "this is mine too", overdue lists and notices, Open311. The
table below says, independently of them, which statuses mean that work is still expected; a new
status fails ``test_every_status_is_decided_here`` until someone decides.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ruam.bodies.models import Role
from ruam.core.errors import InvalidInput
from ruam.reports import services
from ruam.reports.models import Channel, Report, Supporter
from ruam.reports.selectors import inbox, nearby_open
from ruam.reports.statuses import (
    CLOSED,
    OPEN,
    REPORTER_TRANSITIONS,
    STAFF_TRANSITIONS,
    Status,
    allowed_for_staff,
)

pytestmark = pytest.mark.django_db

KHLONG_SAM_WA = (13.8596, 100.7046)

# Is someone still expected to work on a report in this status?
STILL_EXPECTED = {
    Status.WAITING: True,  # nobody has taken it yet
    Status.COORDINATING: True,
    Status.IN_PROGRESS: True,
    Status.FORWARDED: True,  # another body now has it
    Status.INVITED: True,  # others help; the responsible body still has it
    Status.REOPENED: True,  # the reporter says the fix did not hold
    Status.NOT_RELEVANT: False,
    Status.FINISHED: False,  # awaiting the reporter's confirmation, but the work is done
    Status.DUPLICATE: False,  # followed under the other report
    Status.CLOSED_UNFIXED: False,
    Status.CONFIRMED: False,
}


def open_by_meaning(status: Status) -> bool:
    if status not in STILL_EXPECTED:
        pytest.fail(f"decide in STILL_EXPECTED whether {status!r} is open")
    return STILL_EXPECTED[status]


EVERY_STATUS = pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)


# -- the tables ------------------------------------------------------------------------------


def test_every_status_is_decided_here():
    assert set(STILL_EXPECTED) == set(Status)


def test_open_and_closed_divide_the_statuses():
    assert not OPEN & CLOSED
    assert set(Status) == OPEN | CLOSED


def test_open_is_what_the_product_means_by_open():
    assert {s for s in Status if open_by_meaning(s)} == OPEN


def test_a_report_is_open_exactly_while_staff_can_still_finish_it():
    assert {s for s in Status if Status.FINISHED in allowed_for_staff(s)} == OPEN


def test_every_status_the_transition_tables_name_is_a_status():
    for table in (STAFF_TRANSITIONS, REPORTER_TRANSITIONS):
        named = set(table) | {to for moves in table.values() for to in moves}
        assert named <= set(Status.values), named - set(Status.values)
    assert set(STAFF_TRANSITIONS) == set(Status)


def test_every_status_can_be_reached_from_a_new_report():
    reached, todo = {Status.WAITING}, [Status.WAITING]
    while todo:
        here = todo.pop()
        for to in STAFF_TRANSITIONS.get(here, set()) | REPORTER_TRANSITIONS.get(here, set()):
            if to not in reached:
                reached.add(to)
                todo.append(to)
    assert reached == set(Status)


# -- what depends on it ----------------------------------------------------------------------


@pytest.fixture
def official(seat):
    return seat("division-1046-works", Role.OFFICIAL)


def report_in(status: Status, **changes) -> Report:
    """A flooding report in คลองสามวา (the division-1046-works' own), put in ``status``."""
    report = services.submit_report(
        description="น้ำท่วมขังหน้าซอย รถผ่านไม่ได้",
        channel=Channel.WEB,
        lat=KHLONG_SAM_WA[0],
        lon=KHLONG_SAM_WA[1],
        categories=["น้ำท่วม"],
    ).report
    Report.objects.filter(pk=report.pk).update(status=status, **changes)
    return Report.objects.get(pk=report.pk)


@EVERY_STATUS
def test_the_division_inbox_lists_open_reports_as_open(client, official, status):
    report = report_in(status)
    assert report.responsible.code == "division-1046-works"
    listed = set(inbox(official, view="open").values_list("pk", flat=True))
    assert (report.pk in listed) == open_by_meaning(status)
    client.force_login(official)
    html = client.get("/inbox/", {"view": "open"}).content.decode()
    assert (report.display_code in html) == open_by_meaning(status)
    # Every report is still there under "all".
    assert report.display_code in client.get("/inbox/", {"view": "all"}).content.decode()


@EVERY_STATUS
def test_open_reports_are_offered_as_similar_ones_nearby(client, status):
    report = report_in(status)
    found = [n.report.pk for n in nearby_open(*KHLONG_SAM_WA)]
    assert (report.pk in found) == open_by_meaning(status)
    lat, lon = KHLONG_SAM_WA
    html = client.get("/reports/nearby/", {"lat": lat, "lon": lon}).content.decode()
    assert (report.display_code in html) == open_by_meaning(status)


@EVERY_STATUS
def test_only_an_open_report_can_be_supported(status):
    report = report_in(status)
    if open_by_meaning(status):
        services.support(report, fingerprint="resident-a")
    else:
        with pytest.raises(InvalidInput) as refused:
            services.support(report, fingerprint="resident-a")
        assert set(refused.value.errors) == {"report"}
    expected = 1 if open_by_meaning(status) else 0
    assert Supporter.objects.filter(report=report).count() == expected
    assert Report.objects.get(pk=report.pk).supporter_count == expected


@EVERY_STATUS
def test_the_report_page_offers_support_only_while_open(client, status):
    report = report_in(status)
    response = client.get(f"/reports/{report.code}/")
    assert response.status_code == 200
    assert response.context["can_support"] == open_by_meaning(status)


@EVERY_STATUS
def test_only_an_open_report_is_overdue_past_its_deadline(client, official, status):
    report = report_in(status, deadline=timezone.now() - dt.timedelta(days=1))
    assert report.is_overdue == open_by_meaning(status)
    overdue = set(inbox(official, view="overdue").values_list("pk", flat=True))
    assert (report.pk in overdue) == open_by_meaning(status)
    client.force_login(official)
    html = client.get("/inbox/", {"view": "overdue"}).content.decode()
    assert (report.display_code in html) == open_by_meaning(status)


@EVERY_STATUS
def test_only_an_open_report_is_told_to_its_division_as_overdue(official, status):
    from ruam.reports.tasks import notify_overdue

    official.email = "works@district.example"
    official.save()
    report = report_in(status, deadline=timezone.now() - dt.timedelta(days=1))
    assert notify_overdue.call() == (1 if open_by_meaning(status) else 0)
    told = [m for m in mail.outbox if report.display_code in m.body]
    assert len(told) == (1 if open_by_meaning(status) else 0)
