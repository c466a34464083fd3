"""Importing Traffy Fondue's public dump: every row accounted for, idempotent, restartable."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gc
import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from ruam.bodies.models import Body, DivisionType
from ruam.core.rows import Inserter
from ruam.framework.models import Category, RoutingRule
from ruam.framework.selectors import RouteIds, RoutingTable, route
from ruam.geo.locate import get_locator
from ruam.integrations.traffy import writer as traffy_writer
from ruam.integrations.traffy.importer import ImportFailed, TraffyImporter, import_files
from ruam.integrations.traffy.plan import NOTE
from ruam.integrations.traffy.reader import (
    COLUMNS,
    REASONS,
    clean_url,
    parse_coords,
    parse_labels,
    parse_rating,
    parse_timestamp,
)
from ruam.integrations.traffy.summary import Progress
from ruam.integrations.traffy.writer import new_codes
from ruam.reports.models import Channel, DuplicateSuggestion, Report, ReportEvent
from ruam.reports.statuses import Status
from ruam.search.models import SearchEntry

pytestmark = pytest.mark.django_db

HEADER = [*COLUMNS, "api_type", "api_type_id", "api_status", "api_message_id"]
WATTHANA = "100.56471,13.74036"  # เขตวัฒนา (1039)
KHLONG_SAM_WA = "100.7046,13.8596"  # เขตคลองสามวา (1046)
PHOTO = "https://storage.googleapis.com/traffy_public_bucket/attachment/2022-05/{}.jpg"
DEMO = Path(__file__).resolve().parents[2] / "ruam" / "data" / "demo_traffy_tickets.csv.gz"


def ticket(ticket_id: str, **values) -> list[str]:
    """One dump row: a real-looking Bangkok ticket, with ``values`` changed."""
    row = {
        "ticket_id": ticket_id,
        "type": "{ถนน,ทางเท้า}",
        "organization": "กรุงเทพมหานคร",
        "comment": "ทางเท้าหน้าซอยสุขุมวิท 23 ชำรุด เป็นหลุมลึก คนเดินสะดุดล้มบ่อยครับ",
        "photo": PHOTO.format(ticket_id + "a"),
        "photo_after": "",
        "coords": WATTHANA,
        "address": "164 ซอย สุขุมวิท 21 แขวง คลองเตยเหนือ เขตวัฒนา กรุงเทพมหานคร 10110",
        "subdistrict": "คลองเตยเหนือ",
        "district": "วัฒนา",
        "province": "กรุงเทพมหานคร",
        "timestamp": "2022-05-29 10:09:47.307077+00",
        "state": "รอรับเรื่อง",
        "star": "",
        "count_reopen": "",
        "last_activity": "",
        "api_type": "",
        "api_type_id": "",
        "api_status": "report",
        "api_message_id": "1",
    }
    row.update(values)
    return [row[name] for name in HEADER]


LONG_COMMENT = "น้ำท่วมขังสูง\nรถเล็กผ่านไม่ได้ " + "ก" * 4100

# Three good tickets, the first of them again, and one bad row per reject reason.
GOOD = [
    ticket(
        "2022-GOOD01",
        state="เสร็จสิ้น",
        star="5",
        count_reopen="1",
        photo_after=PHOTO.format("after01"),
    ),
    ticket(
        "2022-GOOD02",
        type="{}",
        coords=KHLONG_SAM_WA,
        comment="ไฟฟ้าส่องสว่างดับทั้งซอย มืดมาก อันตรายตอนกลางคืน",
        timestamp="2022-06-02 13:30:00+00",
    ),
    ticket(
        "2022-GOOD03",
        type="{น้ำท่วม,ไม่มีจริง}",
        comment=LONG_COMMENT,  # two lines in the file, and over 4,000 characters
        state="กำลังดำเนินการ",
        photo="ftp://example.org/x.jpg",
        star="9",
        count_reopen="abc",
    ),
]
BAD = {
    "duplicate_in_file": ticket("2022-GOOD01", comment="แจ้งซ้ำอีกครั้ง"),
    "malformed_row": ticket("2022-SHORT1")[:10],
    "missing_ticket_id": ticket("  "),
    "empty_text": ticket("2022-EMPTY1", comment="   "),
    "no_coordinates": ticket("2022-NOCRD1", coords=""),
    "bad_coordinates": ticket("2022-BADCR1", coords="100.5,abc"),
    "outside_bangkok": ticket("2022-OUTSD1", coords="101.5,13.0", province="ชลบุรี"),
    "bad_timestamp": ticket("2022-BADTS1", timestamp="เมื่อวาน"),
    "unknown_state": ticket("2022-STATE1", state="กำลังคิด"),
}


def write_dump(path: Path, rows: list[list[str]]) -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def dump(tmp_path) -> Path:
    return write_dump(tmp_path / "traffy.csv", [*GOOD, *BAD.values()])


def read_rejects(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def imported() -> dict[str, Report]:
    return {r.external_id: r for r in Report.objects.filter(channel=Channel.IMPORT)}


def snapshot() -> dict:
    """What an import leaves behind, to compare two runs."""
    reports = Report.objects.filter(channel=Channel.IMPORT)
    return {
        "reports": reports.count(),
        "statuses": dict(reports.values_list("external_id", "status")),
        "districts": dict(reports.values_list("external_id", "district_id")),
        "categories": sorted(
            Report.categories.through.objects.filter(report__channel=Channel.IMPORT).values_list(
                "report__external_id", "category__name_th"
            )
        ),
        "events": ReportEvent.objects.filter(report__channel=Channel.IMPORT).count(),
    }


# -- reading ----------------------------------------------------------------------------------


def test_fields_are_parsed_as_the_dump_writes_them():
    assert parse_coords("100.56471,13.74036") == (100.56471, 13.74036)
    assert parse_coords(" ") == "no_coordinates"
    assert parse_coords("100.5") == "bad_coordinates"
    assert parse_coords("nan,13.7") == "bad_coordinates"
    assert parse_coords("13.7,100.5,1") == "bad_coordinates"
    assert parse_labels("{ถนน,ทางเท้า}") == ["ถนน", "ทางเท้า"]
    assert parse_labels("{}") == []
    assert parse_labels('{"PM2.5",ถนน,ถนน}') == ["PM2.5", "ถนน"]
    assert parse_timestamp("2022-05-29 10:09:47.307077+00") == dt.datetime(
        2022, 5, 29, 10, 9, 47, 307077, tzinfo=dt.UTC
    )
    assert parse_timestamp("2022-05-29 10:09:47") == dt.datetime(
        2022, 5, 29, 10, 9, 47, tzinfo=dt.UTC
    )
    assert parse_timestamp("29/05/2022") is None
    assert [parse_rating(s) for s in ("5", "1.0", "", "0", "6", "x")] == [
        5,
        1,
        None,
        None,
        None,
        None,
    ]
    assert clean_url("https://a.b/c.jpg") == ("https://a.b/c.jpg", False)
    assert clean_url("ftp://a.b/c.jpg") == ("", True)
    assert clean_url("https://a.b/" + "x" * 500) == ("", True)
    assert clean_url("") == ("", False)


def test_codes_are_unbiased_and_in_the_alphabet():
    codes = new_codes(3000)
    assert len(codes) == 3000 and len(set(codes)) == 3000
    assert all(len(c) == 8 and set(c) <= set("23456789ABCDEFGHJKMNPQRSTVWXYZ") for c in codes)


def test_progress_line_on_a_terminal_and_in_a_log():
    class Stream(io.StringIO):
        def __init__(self, tty):
            super().__init__()
            self.tty = tty

        def isatty(self):
            return self.tty

    now = [0.0]
    log = Stream(tty=False)
    progress = Progress(1000, log, interval=10, clock=lambda: now[0])
    now[0] = 5
    progress.update(5_000, 250)
    assert log.getvalue() == ""  # at most one line every 10 s in a log
    now[0] = 10
    progress.update(10_000, 250)
    assert log.getvalue() == (
        "10,000 rows read · 1,000 rows/s · 25% · ETA 0:00:30 · elapsed 0:00:10\n"
    )
    terminal = Stream(tty=True)
    progress = Progress(None, terminal, clock=lambda: now[0])
    now[0] = 12
    progress.update(4_000, None)
    progress.finish(4_000, None)
    assert terminal.getvalue().startswith("\r4,000 rows read · 2,000 rows/s · elapsed 0:00:02")
    assert "ETA" not in terminal.getvalue() and terminal.getvalue().endswith("\n")


# -- importing --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["traffy.csv", "traffy.csv.gz"])
def test_every_row_is_imported_or_rejected_with_its_reason(tmp_path, name):
    path = write_dump(tmp_path / name, [*GOOD, *BAD.values()])
    rejects = tmp_path / "rejects.csv"

    summary = import_files([path], batch_size=4, rejects_path=rejects)

    assert summary.rows_read == 12
    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    assert dict(summary.rejected) == dict.fromkeys(BAD, 1)
    assert summary.accounted == summary.rows_read
    assert summary.unknown_labels == {"ไม่มีจริง": 1}
    assert summary.truncated_descriptions == 1
    assert summary.dropped_photo_urls == 1
    assert summary.events_created == 3
    assert not summary.interrupted

    rows = read_rejects(rejects)
    assert list(rows[0]) == ["line", "ticket_id", "reason", "detail", "file"]
    assert sorted(r["reason"] for r in rows) == sorted(BAD)
    assert set(BAD) <= set(REASONS)
    by_reason = {r["reason"]: r for r in rows}
    # Header on line 1, three good rows on 2–5 (the third spans two lines), then BAD in order.
    assert by_reason["duplicate_in_file"]["line"] == "6"
    assert by_reason["duplicate_in_file"]["ticket_id"] == "2022-GOOD01"
    assert "line 2" in by_reason["duplicate_in_file"]["detail"]
    assert by_reason["malformed_row"]["line"] == "7"
    assert by_reason["unknown_state"]["detail"] == "กำลังคิด"
    assert "ชลบุรี" in by_reason["outside_bangkok"]["detail"]
    assert [int(r["line"]) for r in rows] == sorted(int(r["line"]) for r in rows)

    text = "\n".join(summary.lines())
    assert "rows read" in text and "= 12 = rows read" in text and "ไม่มีจริง" in text


def test_reports_are_placed_routed_and_dated_like_the_tickets(dump):
    import_files([dump])
    reports = imported()
    assert set(reports) == {"2022-GOOD01", "2022-GOOD02", "2022-GOOD03"}
    locator = get_locator()

    first = reports["2022-GOOD01"]
    where = locator.locate(13.74036, 100.56471)
    assert first.district_id == "1039" == where.district_code
    assert first.subdistrict_id == where.subdistrict_code and first.subdistrict_id.startswith(
        "1039"
    )
    assert (first.lat, first.lon) == (13.74036, 100.56471)
    assert first.status == Status.FINISHED
    assert first.rating == 5 and first.reopen_count == 1
    assert first.external_after_photo_url == PHOTO.format("after01")
    assert first.external_photo_url == PHOTO.format("2022-GOOD01a")
    created = dt.datetime(2022, 5, 29, 10, 9, 47, 307077, tzinfo=dt.UTC)
    assert first.created == created == first.status_changed
    road = Category.objects.get(name_th="ถนน")
    assert set(first.categories.values_list("name_th", flat=True)) == {"ถนน", "ทางเท้า"}
    assert first.area_id == road.area_id
    expected = route(road, "1039")
    office = Body.objects.get(kind=Body.Kind.DISTRICT_OFFICE, district_id="1039")
    assert first.responsible == (expected.division or office)
    assert first.department == expected.department
    assert first.deadline == created + dt.timedelta(days=expected.deadline_days)
    assert first.channel == Channel.IMPORT and len(first.code) == 8
    assert first.description.startswith("ทางเท้าหน้าซอย")

    (event,) = first.events.all()
    assert event.kind == ReportEvent.Kind.CREATED
    assert event.to_status == Status.FINISHED and event.from_status == ""
    assert event.note == NOTE
    assert event.created == created
    assert event.target_body == first.responsible

    unclassified = reports["2022-GOOD02"]
    assert unclassified.district_id == "1046"
    assert unclassified.subdistrict_id and unclassified.subdistrict_id.startswith("1046")
    # Unlabelled in the dump: the shipped classifier gives its categories after the rows (the
    # routing of the import itself stays with the district office).
    from ruam.thai.classifier import get_classifier

    expected = set(get_classifier().predict_one(unclassified.description))
    assert {c.name_th for c in unclassified.categories.all()} == expected
    assert "แสงสว่าง" in expected
    predicted = [
        c
        for name in get_classifier().predict_one(unclassified.description)
        for c in Category.objects.filter(name_th=name)
    ]
    assert unclassified.area_id == predicted[0].area_id  # the area of the first label
    assert unclassified.responsible == Body.objects.get(
        kind=Body.Kind.DISTRICT_OFFICE, district_id="1046"
    )
    assert unclassified.department is None
    assert unclassified.deadline - unclassified.created == dt.timedelta(days=15)
    assert unclassified.status == Status.WAITING
    assert unclassified.rating is None and unclassified.reopen_count == 0

    long = reports["2022-GOOD03"]
    assert len(long.description) == 4000 and long.description.endswith("…")
    assert long.description.startswith("น้ำท่วมขังสูง\nรถเล็กผ่านไม่ได้")
    assert list(long.categories.values_list("name_th", flat=True)) == ["น้ำท่วม"]
    assert long.status == Status.IN_PROGRESS
    assert long.external_photo_url == ""  # not an http(s) URL
    assert long.rating is None and long.reopen_count == 0


def test_imported_tickets_are_routed_by_the_framework_routing_table(dump, monkeypatch):
    """The importer writes what ``RoutingTable.route`` answers for the first known category
    and the district (intake's rule, one question per labels and district), not a rule of its
    own: responsible body, central department, deadline, and the created event's target."""
    asked = []
    elsewhere = Body.objects.get(kind=Body.Kind.DISTRICT_OFFICE, district_id="1001")
    department = Body.objects.filter(kind=Body.Kind.DEPARTMENT).first()

    def answer(self, category, district_code):
        asked.append((category.name_th if category else None, district_code))
        return RouteIds(elsewhere.pk, department.pk if department else None, 7)

    monkeypatch.setattr(RoutingTable, "route", answer)
    import_files([dump])

    # GOOD01 {ถนน,ทางเท้า} and GOOD03 {น้ำท่วม,ไม่มีจริง} in วัฒนา, GOOD02 unlabelled in คลองสามวา.
    assert sorted(asked, key=str) == sorted(
        [("ถนน", "1039"), (None, "1046"), ("น้ำท่วม", "1039")], key=str
    )
    reports = imported()
    assert len(reports) == 3
    for report in reports.values():
        assert report.responsible == elsewhere
        assert report.department == department
        assert report.deadline == report.created + dt.timedelta(days=7)
        assert report.events.get(kind=ReportEvent.Kind.CREATED).target_body == elsewhere


def test_a_districts_own_routing_rule_is_followed(tmp_path):
    """A district's own rule for a category overrides the city-wide one for imported tickets,
    as ``route()`` answers for a report made on the site; other districts keep the default."""
    road = Category.objects.get(name_th="ถนน")
    default = RoutingRule.objects.get(category=road, district=None)
    other = DivisionType.objects.exclude(pk=default.division_type_id).first()
    RoutingRule.objects.create(
        category=road, district_id="1046", division_type=other, deadline_days=3
    )
    path = write_dump(
        tmp_path / "t.csv",
        [ticket("2022-ROUTE0"), ticket("2022-ROUTE1", coords=KHLONG_SAM_WA)],
    )
    import_files([path])

    report = Report.objects.get(external_id="2022-ROUTE1")
    expected = route(road, "1046")
    assert expected.rule.district_id == "1046"
    assert report.responsible == expected.division
    assert report.responsible.division_type == other
    assert report.deadline == report.created + dt.timedelta(days=3)

    city = Report.objects.get(external_id="2022-ROUTE0")
    expected = route(road, "1039")
    assert expected.rule == default
    office = Body.objects.get(kind=Body.Kind.DISTRICT_OFFICE, district_id="1039")
    assert city.responsible == (expected.division or office)
    assert city.responsible.division_type_id in (default.division_type_id, None)
    assert city.department == expected.department
    assert city.deadline == city.created + dt.timedelta(days=expected.deadline_days)


def test_importing_the_same_file_again_changes_nothing(dump):
    import_files([dump])
    before = snapshot()
    modified = dict(Report.objects.values_list("external_id", "modified"))

    again = import_files([dump])

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.rejected_total == 9 and again.accounted == again.rows_read == 12
    assert again.events_created == 0
    assert snapshot() == before
    assert dict(Report.objects.values_list("external_id", "modified")) == modified


def test_a_newer_file_updates_state_rating_and_after_photo(dump, tmp_path):
    import_files([dump])
    events = ReportEvent.objects.count()
    newer = write_dump(
        tmp_path / "newer.csv.gz",
        [
            # Rated again and reopened: no change of state, no event.
            ticket(
                "2022-GOOD01",
                state="เสร็จสิ้น",
                star="4",
                count_reopen="2",
                photo_after=PHOTO.format("after01"),
            ),
            # Taken up: waiting → in progress, on the day of its last activity.
            ticket(
                "2022-GOOD02",
                type="{}",
                coords=KHLONG_SAM_WA,
                comment="ไฟฟ้าส่องสว่างดับทั้งซอย มืดมาก อันตรายตอนกลางคืน",
                timestamp="2022-06-02 13:30:00+00",
                state="กำลังดำเนินการ",
                photo_after=PHOTO.format("after02"),
                last_activity="2022-06-05 08:00:00+00",
            ),
            GOOD[2],
        ],
    )

    summary = import_files([newer])

    assert (summary.created, summary.updated, summary.unchanged) == (0, 2, 1)
    assert summary.events_created == summary.status_changes == 1
    assert ReportEvent.objects.count() == events + 1
    reports = imported()
    rated = reports["2022-GOOD01"]
    assert rated.rating == 4 and rated.reopen_count == 2 and rated.status == Status.FINISHED
    assert rated.status_changed == rated.created
    moved = reports["2022-GOOD02"]
    assert moved.status == Status.IN_PROGRESS
    assert moved.status_changed == dt.datetime(2022, 6, 5, 8, 0, tzinfo=dt.UTC)
    assert moved.external_after_photo_url == PHOTO.format("after02")
    event = moved.events.get(kind=ReportEvent.Kind.STATUS)
    assert (event.from_status, event.to_status) == (Status.WAITING, Status.IN_PROGRESS)
    assert event.note == NOTE and event.created == moved.status_changed

    # The same newer file once more: nothing left to change.
    again = import_files([newer])
    assert (again.updated, again.unchanged, again.events_created) == (0, 3, 0)


def test_a_missing_column_or_an_empty_file_stops_the_import(tmp_path):
    no_coords = tmp_path / "no_coords.csv"
    no_coords.write_text("ticket_id,comment,timestamp,state\nA,ข้อความ,2022-06-01,เสร็จสิ้น\n")
    with pytest.raises(ImportFailed, match="coords"):
        import_files([no_coords])
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ImportFailed, match="empty"):
        import_files([empty])
    with pytest.raises(ImportFailed, match="No such file"):
        import_files([tmp_path / "nowhere.csv"])
    assert not Report.objects.filter(channel=Channel.IMPORT).exists()


@pytest.mark.django_db(transaction=True)
def test_a_gzip_file_cut_short_or_corrupt_stops_the_import_with_the_line(reference, tmp_path):
    whole = many_tickets(tmp_path).read_bytes()
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[: len(whole) - 20])
    with pytest.raises(ImportFailed, match=r"cut\.csv\.gz, near line \d+: .*end-of-stream"):
        import_files([cut], batch_size=7)
    corrupt = tmp_path / "corrupt.csv.gz"
    corrupt.write_bytes(whole[:200] + bytes(b ^ 0x55 for b in whole[200:400]) + whole[400:])
    with pytest.raises(ImportFailed, match=r"corrupt\.csv\.gz, near line \d+: .*decompressing"):
        import_files([corrupt], batch_size=7)
    # Several gzip members, as `cat a.gz b.gz` makes, read as one file.
    two = tmp_path / "two.csv.gz"
    text = gzip.decompress(whole)
    header, _, body = text.partition(b"\n")
    rows = body.splitlines(keepends=True)
    two.write_bytes(
        gzip.compress(header + b"\n" + b"".join(rows[:20])) + gzip.compress(b"".join(rows[20:]))
    )
    summary = import_files([two], batch_size=7)
    assert summary.rows_read == 48 and summary.accounted == 48


def test_the_command_prints_the_summary_and_writes_rejects(dump, tmp_path):
    rejects = tmp_path / "out" / "rejects.csv"
    rejects.parent.mkdir()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_traffy", str(dump), "--no-progress", rejects=rejects, stdout=out, stderr=err
    )
    text = out.getvalue()
    for expected in ("rows read", "created", "updated", "unchanged", "rejected", "rows/s"):
        assert expected in text
    assert "= 12 = rows read" in text and "outside_bangkok" in text
    assert err.getvalue() == ""
    assert len(read_rejects(rejects)) == 9
    imported_reports = Report.objects.filter(channel=Channel.IMPORT)
    assert imported_reports.count() == 3
    # Then, as import_files does: the unlabelled ticket classified, every report searchable.
    assert "1 unlabelled tickets classified, 3 reports indexed for search" in text
    assert not imported_reports.filter(categories__isnull=True).exists()
    assert (
        SearchEntry.objects.filter(
            object_id__in=imported_reports.values("pk"), kind=SearchEntry.Kind.REPORT
        ).count()
        == 3
    )

    with pytest.raises(CommandError, match="No such file"):
        call_command("import_traffy", str(tmp_path / "missing.csv.gz"), "--no-progress")
    with pytest.raises(CommandError, match="batch-size"):
        call_command("import_traffy", str(dump), "--no-progress", "--batch-size", "0")


def test_the_shipped_demo_tickets_import(tmp_path):
    rejects = tmp_path / "rejects.csv"
    summary = import_files([DEMO], rejects_path=rejects)
    assert summary.rows_read == 3000
    assert summary.accounted == 3000
    assert summary.created == 3000 - summary.rejected_total > 2900
    assert len(read_rejects(rejects)) == summary.rejected_total
    assert Report.objects.filter(channel=Channel.IMPORT).count() == summary.created
    assert ReportEvent.objects.filter(report__channel=Channel.IMPORT).count() == summary.created


# -- stopped and run again ----------------------------------------------------------------------


class Crash(Exception):
    pass


def many_tickets(tmp_path: Path) -> Path:
    """40 good tickets over both districts (a few states, some categories), with rejects."""
    rows = []
    states = ["รอรับเรื่อง", "กำลังดำเนินการ", "เสร็จสิ้น", "ไม่เกี่ยวข้อง"]
    types = ["{ถนน}", "{}", "{น้ำท่วม,ท่อระบายน้ำ}", "{ความสะอาด}"]
    for i in range(40):
        rows.append(
            ticket(
                f"2022-MANY{i:02d}",
                coords=f"{100.7046 + i * 1e-4:.5f},13.8596" if i % 2 else WATTHANA,
                state=states[i % 4],
                type=types[i % 3],
                star=str(i % 5 + 1) if i % 3 else "",
            )
        )
        if i % 10 == 9:
            rows.append(ticket(f"2022-MANY{i - 3:02d}", state="เสร็จสิ้น"))  # duplicate
            rows.append(ticket(f"2022-NOWHERE{i}", coords="0,0"))
    return write_dump(tmp_path / "many.csv.gz", rows)


@pytest.mark.django_db(transaction=True)
def test_stopped_then_run_again_ends_like_one_clean_run(reference, tmp_path, monkeypatch):
    path = many_tickets(tmp_path)
    clean = import_files([path], batch_size=7)
    assert clean.accounted == clean.rows_read == 48
    expected = snapshot()
    assert expected["reports"] == clean.created == 40
    Report.objects.filter(channel=Channel.IMPORT).delete()

    # Killed after the second batch was committed.
    def crash_after(number):
        if number == 2:
            raise Crash

    first = TraffyImporter(batch_size=7, after_batch=crash_after)
    with pytest.raises(Crash):
        first.run([path])
    assert first.summary.interrupted and first.summary.rows_read == 14
    assert snapshot()["reports"] == first.summary.created > 0

    # Killed in the middle of a later batch: its reports went in, its events did not.
    real_insert = Inserter.insert

    def insert(self, rows, references=None):
        if self.db_table == ReportEvent._meta.db_table:
            raise Crash
        return real_insert(self, rows, references)

    monkeypatch.setattr(Inserter, "insert", insert)
    second = TraffyImporter(batch_size=7)
    with pytest.raises(Crash):
        second.run([path])
    monkeypatch.undo()
    assert second.summary.rows_read == 14  # the two batches known already, then the crash
    partial = snapshot()
    assert partial["reports"] == first.summary.created  # the third batch was rolled back
    assert partial["events"] == partial["reports"]

    last = import_files([path], batch_size=7)
    assert last.created + last.unchanged == 40 and last.updated == 0
    assert last.accounted == last.rows_read == 48
    assert snapshot() == expected


@pytest.mark.django_db(transaction=True)
def test_writer_threads_give_the_same_result(reference, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("writer threads are used on PostgreSQL only")
    path = many_tickets(tmp_path)
    inline = import_files([path], batch_size=5)
    expected = snapshot()
    Report.objects.filter(channel=Channel.IMPORT).delete()
    threaded = import_files([path], batch_size=5, writers=2)
    assert snapshot() == expected
    assert (threaded.created, threaded.rows_read, threaded.rejected) == (
        inline.created,
        inline.rows_read,
        inline.rejected,
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_refers_to_a_missing_row_is_refused(reference, tmp_path, monkeypatch):
    """With the per-row foreign-key triggers off (a superuser's import), the batch's own check
    must refuse a reference to a row that is not there, as the triggers would have."""
    if connection.vendor != "postgresql":
        pytest.skip("the triggers are turned off on PostgreSQL only")
    path = many_tickets(tmp_path)
    real_route = RoutingTable.route

    def route(self, category, district):
        return dataclasses.replace(real_route(self, category, district), responsible_id=10**9)

    monkeypatch.setattr(RoutingTable, "route", route)
    # ImportFailed from the batch's check (superuser) or IntegrityError from the triggers.
    with pytest.raises((ImportFailed, IntegrityError)):
        import_files([path], batch_size=5)
    assert not Report.objects.filter(channel=Channel.IMPORT).exists()
    assert not ReportEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_tracking_code_that_is_taken_is_replaced(reference, tmp_path, monkeypatch):
    """New codes are not looked up first: a clash fails the batch on the unique constraint and
    the batch is written again with new codes; the report that had the code keeps it."""
    path = many_tickets(tmp_path)
    first = import_files([path], batch_size=7)
    taken = Report.objects.filter(channel=Channel.IMPORT).order_by("pk").first()
    Report.objects.filter(channel=Channel.IMPORT).exclude(pk=taken.pk).delete()
    real_codes = traffy_writer.new_codes
    calls = []

    def new_codes(n):
        calls.append(n)
        codes = real_codes(n)
        return [taken.code, *codes[1:]] if len(calls) == 1 else codes

    monkeypatch.setattr(traffy_writer, "new_codes", new_codes)
    again = import_files([path], batch_size=7)
    assert again.created == first.created - 1 and again.unchanged == 1
    assert again.accounted == again.rows_read == 48
    codes = list(Report.objects.filter(channel=Channel.IMPORT).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == first.created
    assert Report.objects.get(pk=taken.pk).code == taken.code
    assert len(calls) > 1  # the clash was met, and the batch written again


@pytest.mark.django_db(transaction=True)
def test_an_integrity_error_that_is_not_a_code_clash_stops_the_import(
    reference, tmp_path, monkeypatch
):
    path = many_tickets(tmp_path)
    real_insert = Inserter.insert

    def insert(self, rows, references=None):
        if self.db_table == ReportEvent._meta.db_table:
            raise IntegrityError("not a code")
        return real_insert(self, rows, references)

    monkeypatch.setattr(Inserter, "insert", insert)
    with pytest.raises(IntegrityError):
        import_files([path], batch_size=7)
    assert not Report.objects.filter(channel=Channel.IMPORT).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writers", [0, 2])
def test_a_batch_written_without_look_ups_falls_back_when_a_ticket_is_there(
    reference, tmp_path, monkeypatch, writers
):
    """Without imported reports, batches skip the look-up of their ticket_ids; if one is there
    after all, the unique index refuses the batch and it is written again, looked up (also
    with two writer threads refused at once)."""
    if writers and connection.vendor != "postgresql":
        pytest.skip("writer threads are used on PostgreSQL only")
    path = many_tickets(tmp_path)
    first = import_files([path], batch_size=7)
    expected = snapshot()
    real_load = TraffyImporter.load_lookups

    def load(self):
        real_load(self)
        assert self.writer.look_up  # imported reports are there: look-ups from the start
        self.writer.look_up = False

    monkeypatch.setattr(TraffyImporter, "load_lookups", load)
    importer = TraffyImporter(batch_size=7, writers=writers)
    again = importer.run([path])
    assert importer.writer.look_up
    assert (again.created, again.unchanged, again.updated) == (0, first.created, 0)
    assert snapshot() == expected


@pytest.mark.django_db(transaction=True)
def test_garbage_collection_pauses_during_a_run_and_resumes_after(reference, tmp_path):
    path = many_tickets(tmp_path)
    during = []
    TraffyImporter(batch_size=7, after_batch=lambda n: during.append(gc.isenabled())).run([path])
    assert during and not any(during)
    assert gc.isenabled()

    def crash(number):
        raise Crash

    with pytest.raises(Crash):
        TraffyImporter(batch_size=7, after_batch=crash).run([path])
    assert gc.isenabled()


def test_imported_tickets_get_their_probable_duplicates(tmp_path):
    """After the rows, the open tickets the run created are matched against the open reports
    around them, as a new report is on intake; finished ones are not."""
    rows = [
        ticket("2022-DUP001", timestamp="2022-05-29 10:00:00+00"),
        ticket("2022-DUP002", coords="100.56475,13.74040", timestamp="2022-05-30 09:00:00+00"),
        ticket("2022-DUP003", timestamp="2022-05-31 09:00:00+00", state="เสร็จสิ้น"),
        ticket("2022-FAR001", coords="100.56471,13.74500", timestamp="2022-05-30 10:00:00+00"),
    ]
    summary = import_files([write_dump(tmp_path / "dups.csv", rows)])
    pairs = set(
        DuplicateSuggestion.objects.values_list("report__external_id", "original__external_id")
    )
    assert pairs == {("2022-DUP002", "2022-DUP001")}
    assert summary.duplicates == 1
    assert "1 probable duplicates found" in "\n".join(summary.lines())
    assert import_files([write_dump(tmp_path / "dups.csv", rows)]).duplicates == 0
