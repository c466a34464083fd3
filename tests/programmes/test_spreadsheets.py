"""Targets and measurements from a district's spreadsheet: all rows or none, every wrong row
listed; exported in the same shape."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ruam.bodies.models import Role
from ruam.programmes import spreadsheets
from ruam.programmes.models import Measurement, MeasurementEvent, Target

pytestmark = pytest.mark.django_db

HEADER = "programme_code,district_code,date,value,unit,note,lat,lon\n"


def upload(client, text: str | bytes, kind: str = "measurements", name: str = "figures.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/districts/1046/programmes/import/",
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
    )


def test_a_file_with_one_bad_row_imports_nothing_and_lists_the_row(client, official):
    client.force_login(official)
    text = (
        HEADER
        + "flood_risk_points,1046,2026-06-01,2,จุด,ซอยวัด,,\n"
        + "flood_risk_points,1046,2026-06-02,สอง,จุด,หน้าตลาด,,\n"
        + "flood_risk_points,1046,2026-06-03,1,km,,,\n"
        + "parks_15min,1001,2026-06-03,1,แห่ง,,,\n"
    )
    response = upload(client, text)
    page = response.content.decode()
    assert response.status_code == 422
    assert not Measurement.objects.filter(district_id="1046", origin="import").exists()
    assert not MeasurementEvent.objects.filter(kind="imported").exists()
    rows = [(e.row, e.column) for e in response.context["result"].errors]
    assert rows == [(3, "value"), (4, "unit"), (5, "district_code")]
    assert "ค่าต้องเป็นตัวเลขไม่ติดลบ" in page and "The value must be a number" not in page


def test_a_good_file_is_written_whole_and_exports_back_in_the_same_shape(client, official):
    client.force_login(official)
    text = HEADER + "".join(
        f"flood_risk_points,1046,2026-06-0{day},{day},จุด,จุดที่ {day},,\n" for day in (1, 2, 3)
    )
    response = upload(client, text)
    assert response.status_code == 302
    made = Measurement.objects.filter(district_id="1046", origin="import")
    assert made.count() == 3 and {
        e.kind for e in MeasurementEvent.objects.filter(measurement__in=made)
    } == {"imported"}
    exported = client.get("/districts/1046/programmes/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == spreadsheets.COLUMNS["measurements"]
    assert ["flood_risk_points", "1046", "2026-06-02", "2.00", "จุด", "จุดที่ 2", "", ""] in rows


def test_targets_from_xlsx(client, seat):
    from openpyxl import Workbook

    planner = seat("dept-drainage", Role.HEAD)
    client.force_login(planner)
    book = Workbook()
    sheet = book.active
    sheet.append(spreadsheets.COLUMNS["targets"])
    sheet.append(["flood_risk_points", "1046", 2027, 12, "แผนปี 2570"])
    sheet.append(["flood_risk_points", "1044", 2027, 4, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    # A district's page imports that district's rows only: 1044 is refused, nothing is written.
    response = upload(client, buffer.getvalue(), kind="targets", name="targets.xlsx")
    assert response.status_code == 422 and not Target.objects.filter(year=2027).exists()
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, buffer.getvalue(), kind="targets", name="targets.xlsx")
    assert response.status_code == 302
    assert Target.objects.get(year=2027, district_id="1046").value == 12
    xlsx = client.get("/districts/1046/programmes/export.xlsx?kind=targets")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_unreadable_files_and_missing_columns_are_said_clearly(client, official):
    client.force_login(official)
    response = upload(client, b"\xff\xfe\x00garbage")
    assert response.status_code == 422 and "CSV (UTF-8) หรือ XLSX" in response.content.decode()
    response = upload(client, "programme_code,value\nflood_risk_points,1\n")
    assert "district_code" in response.content.decode()


def test_notes_that_would_run_as_formulas_are_exported_as_text(official):
    from ruam.programmes import services

    services.record_measurement(
        actor=official,
        programme=Measurement._meta.get_field("programme").related_model.objects.get(
            code="flood_risk_points"
        ),
        district_code="1046",
        date="2026-06-01",
        value="1",
        note='=HYPERLINK("http://x")',
    )
    rows = list(spreadsheets.export_rows("measurements", district="1046"))
    assert any(row[5].startswith("'=") for row in rows[1:])
