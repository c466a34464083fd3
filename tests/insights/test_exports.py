"""Exports read back as a person's spreadsheet reads them: Thai headers, typed cells, the
filters written in the file."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_a_districts_figures_as_xlsx(client, make_report, fix):
    fix(make_report(), after=dt.timedelta(days=2))
    make_report(text="ทางเท้าชำรุด", category="ทางเท้า")
    book = workbook(client.get("/districts/1046/figures/?period=fy&format=xlsx"))
    sheet = book["figures"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "ตัวเลข"  # the title, in Thai
    assert "ปีงบประมาณนี้" in rows[1][1] and "คลองสามวา" in rows[1][1]  # the filters
    header, english, values = rows[3], rows[4], rows[5]
    assert header[2] == "เรื่องที่ได้รับ" and english[2] == "Reports received"
    assert values[0] == "1046" and values[1] == "คลองสามวา"
    received = values[header.index("เรื่องที่ได้รับ")]
    share = values[header.index("สัดส่วนที่แก้ไขแล้ว")]
    assert received == 2 and isinstance(received, int)
    assert share == 0.5 and isinstance(share, float)
    cell = sheet.cell(row=6, column=header.index("สัดส่วนที่แก้ไขแล้ว") + 1)
    assert cell.number_format == "0.0%"
    assert {"status", "backlog", "time_to_fix", "categories", "issues"} <= set(book.sheetnames)


def test_the_reports_behind_a_figure_as_xlsx_keep_dates_as_dates(client, make_report):
    make_report(text="ไฟถนนดับ โทร 081-234-5678")
    book = workbook(client.get("/districts/1046/reports/?period=all&format=xlsx"))
    rows = list(book["reports"].iter_rows(values_only=True))
    assert rows[3][0] == "รหัสติดตามเรื่อง"
    received = rows[5][1]
    assert isinstance(received, dt.datetime)
    assert "081-234-5678" not in str(rows[5])  # contact details written in the text are removed


def test_csv_has_a_bom_the_filters_and_thai_headers(client, make_report):
    make_report()
    response = client.get("/districts/1046/reports/?period=30d&status=open&format=csv")
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert "ตัวกรอง" in lines[1][0] and "30 วันล่าสุด" in lines[1][1]
    assert lines[3][0] == "รหัสติดตามเรื่อง" and len(lines) == 5


def test_the_group_comparison_as_xlsx_and_csv(client, make_report):
    make_report()
    book = workbook(client.get("/groups/4/figures/?period=all&format=xlsx"))
    rows = list(book["comparison"].iter_rows(values_only=True))
    codes = [r[0] for r in rows[5:] if r[0]]
    assert len(codes) == 9 and "1046" in codes
    assert rows[-1][1] == "ค่ากลาง (median)"
    text = client.get("/figures/?format=csv&table=groups").content.decode()
    assert text.count("\n") == 4 + 6 + 1  # title, filters, blank, header; 6 groups; median


def test_a_long_list_is_made_in_the_background(client, make_report, monkeypatch, worker):
    from ruam.core import exports
    from ruam.insights.models import Export

    monkeypatch.setattr(exports, "SYNC_ROWS", 2)
    for i in range(3):
        make_report(text=f"ไฟดับ {i}")
    response = worker(client.get, "/districts/1046/reports/?period=all&format=xlsx")
    assert response.status_code == 302
    export = Export.objects.get()
    assert export.state == Export.State.DONE and export.rows == 3
    client.force_login(export.requested_by) if export.requested_by else None
    page = client.get(response["Location"])
    assert page.status_code == 302 or "ดาวน์โหลด" in page.content.decode() or page.status_code == 200
