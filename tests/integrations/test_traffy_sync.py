"""ruam sync-traffy against a recorded copy of Traffy's public API, served from 127.0.0.1: two
days imported, then only the changed tickets, through 500s, malformed pages and restarts."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command

from ruam.integrations.traffy import sync as traffy_sync
from ruam.integrations.traffy.importer import import_files
from ruam.integrations.traffy.models import SyncCursor
from ruam.integrations.traffy.reader import COLUMNS
from ruam.integrations.traffy.sync import FetchFailed, TraffyApi, TraffySync, to_row
from ruam.reports.models import Channel, Report, ReportEvent
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db

RECORDED = json.loads(
    (Path(__file__).parent / "data" / "traffy_api_pages.json").read_text(encoding="utf-8")
)
DAY1, DAY2 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)


class RecordedTraffy:
    """Traffy's search API as recorded: pages by day and offset; failures on demand."""

    def __init__(self) -> None:
        self.days = copy.deepcopy(RECORDED)
        self.asked: list[tuple[str, int]] = []
        self.fail: dict[tuple[str, int], list[int | str]] = {}  # (day, offset) → answers first

    def answer(self, query: dict) -> tuple[int, bytes]:
        day, offset = query["start"][0], int(query["offset"][0])
        limit = int(query["limit"][0])
        self.asked.append((day, offset))
        planned = self.fail.get((day, offset))
        if planned:
            what = planned.pop(0)
            if what == "garbage":
                return 200, b"<html>Bad gateway</html>"
            return int(what), b'{"status": "error"}'
        tickets = self.days.get(day, [])
        body = {
            "status": "success",
            "total": len(tickets),
            "results": tickets[offset : offset + limit],
        }
        # Traffy sometimes answers a search with 201.
        return (201 if offset else 200), json.dumps(body, ensure_ascii=False).encode()


@pytest.fixture
def traffy():
    recorded = RecordedTraffy()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            assert url.path == "/share/teamchadchart/search"
            status, body = recorded.answer(parse_qs(url.query))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorded.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield recorded
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _small_pages(settings, monkeypatch):
    settings.TRAFFY_SYNC_PAGE_SIZE = 2
    settings.TRAFFY_API_BACKOFF = 0
    settings.TRAFFY_SYNC_RECENT_DAYS = 2
    monkeypatch.setattr(traffy_sync, "bangkok_today", lambda: DAY2)


def one_off(traffy, since=DAY1, until=DAY2, **kwargs) -> TraffySync:
    sync = TraffySync(
        TraffyApi(traffy.url, backoff=0, sleep=lambda s: None),
        cursor_name=f"traffy:{since}:{until}",
        **kwargs,
    )
    sync.run(since=since, until=until)
    return sync


def periodic(traffy, **kwargs) -> TraffySync:
    sync = TraffySync(TraffyApi(traffy.url, backoff=0, sleep=lambda s: None), **kwargs)
    sync.run()
    return sync


def test_two_days_of_tickets_are_imported_and_every_row_accounted_for(traffy):
    summary = one_off(traffy).summary
    assert summary.rows_read == 8
    assert (summary.created, summary.updated, summary.unchanged) == (6, 0, 0)
    assert dict(summary.rejected) == {"outside_bangkok": 1, "empty_text": 1}
    assert summary.accounted == summary.rows_read
    reports = {r.external_id: r for r in Report.objects.filter(channel=Channel.IMPORT)}
    assert set(reports) == {f"2026-RTKW{c}" for c in ("7A", "7B", "7C", "7D", "7E", "8A")}
    seven_b = reports["2026-RTKW7B"]
    assert seven_b.status == Status.IN_PROGRESS and seven_b.district_id == "1046"
    assert {c.name_th for c in seven_b.categories.all()} == {"น้ำท่วม", "ท่อระบายน้ำ"}
    assert reports["2026-RTKW7C"].rating == 5 and reports["2026-RTKW7C"].external_after_photo_url
    # The dump's names work as well as the API's (comment, photo).
    assert reports["2026-RTKW7E"].description == "ทางเท้าแตกเป็นหลุม คนเดินสะดุด"
    assert reports["2026-RTKW7E"].external_photo_url.endswith("7E.jpg")
    assert reports["2026-RTKW7A"].created == dt.datetime(2026, 11, 20, 1, 12, 41, 527000, dt.UTC)
    # Pages of two, by offset, until a short one; one day at a time.
    assert traffy.asked == [("2026-11-20", 0), ("2026-11-20", 2), ("2026-11-20", 4),
                            ("2026-11-21", 0), ("2026-11-21", 2)]  # fmt: skip


def test_the_next_run_writes_only_the_changed_tickets(traffy):
    one_off(traffy)
    day1 = traffy.days["2026-11-20"]
    day1[0]["state"] = "กำลังดำเนินการ"  # 7A accepted
    day1[2]["star"] = 3  # 7C rated again
    traffy.days["2026-11-21"].append(
        {**day1[1], "ticket_id": "2026-RTKW8D", "description": "ท่อแตก น้ำไหลนอง"}
    )
    events_before = ReportEvent.objects.count()
    modified_before = dict(Report.objects.values_list("external_id", "modified"))

    summary = periodic(traffy).summary

    assert (summary.created, summary.updated, summary.unchanged) == (1, 2, 4)
    assert summary.status_changes == 1
    assert ReportEvent.objects.count() == events_before + 2  # 8D's creation, 7A's move
    seven_a = Report.objects.get(external_id="2026-RTKW7A")
    assert seven_a.status == Status.IN_PROGRESS
    assert seven_a.events.last().note.startswith("นำเข้าจาก Traffy Fondue")
    after = dict(Report.objects.values_list("external_id", "modified"))
    untouched = {"2026-RTKW7B", "2026-RTKW7D", "2026-RTKW7E", "2026-RTKW8A"}
    assert all(after[t] == modified_before[t] for t in untouched)


def test_a_synced_ticket_is_the_report_import_traffy_makes(traffy, tmp_path):
    """The same rows and the same idempotency: the dump of the same tickets changes nothing."""
    one_off(traffy)
    dump = tmp_path / "same.csv"
    with dump.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for day in traffy.days.values():
            writer.writerows(to_row(ticket) for ticket in day)
    summary = import_files([dump])
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 6)
    assert dict(summary.rejected) == {"outside_bangkok": 1, "empty_text": 1}


def test_a_500_in_the_middle_is_retried_and_the_run_ends_as_a_clean_one(traffy):
    traffy.fail[("2026-11-20", 2)] = [500, 503, "garbage"]
    sync = one_off(traffy)
    assert sync.api.retried == 3
    assert sync.summary.created == 6 and sync.summary.accounted == 8
    assert Report.objects.filter(channel=Channel.IMPORT).count() == 6


def test_a_page_that_keeps_failing_stops_the_run_and_the_next_run_continues(traffy):
    traffy.fail[("2026-11-21", 0)] = [500] * 10
    with pytest.raises(FetchFailed):
        one_off(traffy)
    cursor = SyncCursor.objects.get(name="traffy:2026-11-20:2026-11-21")
    assert (cursor.day, cursor.offset) == (DAY2, 0)  # day 1 committed, day 2 not begun
    assert "HTTP 500" in cursor.last_error
    assert Report.objects.filter(channel=Channel.IMPORT).count() == 5  # nothing half applied

    traffy.fail.clear()
    traffy.asked.clear()
    sync = one_off(traffy)
    assert traffy.asked == [("2026-11-21", 0), ("2026-11-21", 2)]  # where it stopped
    assert sync.summary.created == 1
    assert Report.objects.filter(channel=Channel.IMPORT).count() == 6


def test_a_run_stopped_after_a_page_continues_at_the_next_page(traffy):
    def stop_after_first(pages: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        one_off(traffy, after_page=stop_after_first)
    cursor = SyncCursor.objects.get(name="traffy:2026-11-20:2026-11-21")
    assert (cursor.day, cursor.offset) == (DAY1, 2)
    assert Report.objects.count() == 2

    traffy.asked.clear()
    one_off(traffy)
    assert traffy.asked[0] == ("2026-11-20", 2)
    assert Report.objects.filter(channel=Channel.IMPORT).count() == 6


def test_the_periodic_cursor_reads_the_recent_days_again(traffy, monkeypatch):
    periodic(traffy)
    assert SyncCursor.objects.get(name="traffy").day == DAY2 + dt.timedelta(days=1)
    traffy.asked.clear()
    periodic(traffy)
    assert traffy.asked[0] == ("2026-11-20", 0)  # the last two days, from their start


def test_unreadable_results_are_rejected_rows_not_lost_pages(traffy):
    traffy.days["2026-11-21"].insert(0, "not an object")
    traffy.days["2026-11-21"].insert(1, {**traffy.days["2026-11-20"][0], "ticket_id": "X1",
                                          "coords": "garbage"})  # fmt: skip
    summary = one_off(traffy).summary
    assert summary.rejected["malformed_row"] == 1 and summary.rejected["bad_coordinates"] == 1
    assert summary.accounted == summary.rows_read == 10


def test_the_command_runs_a_one_off_catch_up_and_prints_the_account(traffy, capsys, tmp_path):
    rejects = tmp_path / "rejects.csv"
    call_command(
        "sync_traffy", "--base-url", traffy.url, "--since", "2026-11-20", "--until", "2026-11-21",
        "--rejects", str(rejects),
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "Traffy sync" in out and "created + updated + unchanged + rejected = 8" in out
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line,ticket_id,reason,detail,file" and len(lines) == 3
    traffy.fail[("2026-11-20", 0)] = [500] * 10
    with pytest.raises(CommandError, match="run it again"):
        call_command(
            "sync_traffy", "--base-url", traffy.url, "--since", "2026-11-20", "--until",
            "2026-11-20",
        )  # fmt: skip
    with pytest.raises(CommandError):
        call_command("sync_traffy", "--since", "yesterday")


def test_the_periodic_task_queues_its_next_run(settings):
    from ruam.integrations.traffy.tasks import schedule_next

    # The tests' queue runs tasks at once and cannot defer them: the command says so.
    assert schedule_next() is False
    with pytest.raises(CommandError, match="cron"):
        call_command("sync_traffy", "--enqueue")
