"""The reports' open data written in parts (several processes on PostgreSQL, one after another
on SQLite) come out as the same files as written whole, and a part that fails replaces nothing.

Transactional: the processes that write the parts read through connections of their own, which
see only what is committed."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import multiprocessing
import os
import re
import zlib

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from ruam.framework.models import Category
from ruam.insights import gzip_pieces, opendata, opendata_reports
from ruam.reports.models import Report
from ruam.reports.statuses import Status

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parts run in processes on PostgreSQL only"
)


def read(folder, name: str) -> str:
    """A file's text, checked to be one gzip member (browsers read no further than the first)."""
    data = (folder / name).read_bytes()
    unzip = zlib.decompressobj(zlib.MAX_WBITS | 16)
    text = unzip.decompress(data)
    assert unzip.eof and not unzip.unused_data, f"{name} is not one gzip member"
    assert text == gzip.decompress(data)
    # The JSON's first line says when it was written: the same for both writings here.
    return re.sub(r'"generated": "[^"]+"', '"generated": "…"', text.decode("utf-8"), count=1)


def contents(folder) -> dict[str, str]:
    return {path.name: read(folder, path.name) for path in sorted(folder.glob("*.gz"))}


@pytest.fixture
def reports(reference, make_report, fix, official, worker):
    """Reports of every kind a row can be: several categories, a sensitive one (rounded, no
    address), fixed and confirmed, a duplicate, contact details in the text, none at all."""
    from ruam.reports import services

    made = [
        make_report(text="ไฟดับ โทร 081-234-5678", address="ซอย 1"),
        make_report(category="คนจรจัด", address="หน้าบ้านเลขที่ 5"),
        make_report(text="ถนนพัง line: somchai99", category="ถนน"),
        make_report(text='ท่อ "ตัน", ขยะ\nสองบรรทัด', category="ท่อระบายน้ำ"),
        make_report(category="ความสะอาด"),
        make_report(text="ต้นไม้ล้ม 100% ขวางทาง \\ ด่วน"),
        make_report(category="น้ำท่วม"),
        make_report(text="ริมคลอง", point=(13.7563, 100.5018)),
        make_report(text="ไม่มีพิกัด", point=(None, None), district_code="1046", address="ตลาด"),
    ]
    made[0].categories.add(Category.objects.get(name_th="ถนน"))
    made[4].categories.add(Category.objects.get(name_th="คนจรจัด"))  # second: not rounded
    fix(made[2], after=dt.timedelta(days=3, hours=5))
    fix(made[5])
    Report.objects.filter(pk=made[5].pk).update(status=Status.CONFIRMED)
    worker(
        services.change_status,
        made[6],
        actor=official,
        to=Status.DUPLICATE,
        duplicate_of=made[3],
    )
    return made


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("processes", [2, 3, 20])
def test_the_parts_make_the_same_files_as_one_process(
    reports, tmp_path, settings, monkeypatch, processes
):
    settings.RUAM_OPEN_DATA_DIR = tmp_path / "whole"
    monkeypatch.setattr(opendata_reports, "PROCESSES", 1)
    whole = opendata.export_all()
    settings.RUAM_OPEN_DATA_DIR = tmp_path / "parts"
    monkeypatch.setattr(opendata_reports, "PROCESSES", processes)
    monkeypatch.setattr(opendata_reports, "SPLIT_FROM", 0)
    assert len(opendata_reports._ranges(processes)) == min(processes, len(reports))
    parts = opendata.export_all()
    assert contents(tmp_path / "parts") == contents(tmp_path / "whole")
    assert [f["rows"] for f in parts["files"]] == [f["rows"] for f in whole["files"]]
    assert parts["files"][0]["rows"] == len(reports)
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == sorted(
        p.name for p in (tmp_path / "whole").iterdir()
    )  # no part left behind
    text = read(tmp_path / "parts", "reports.json.gz")
    geo = json.loads(text)
    assert [f["properties"]["code"] for f in geo["features"]] == [r.code for r in reports]
    assert geo["features"][-1]["geometry"] is None
    # Each feature is one line, as json.dumps writes the feature as a dict.
    lines = text.splitlines()[1:-1]
    assert len(lines) == len(reports)
    for line, feature in zip(lines, geo["features"], strict=True):
        assert line.removeprefix(",") == json.dumps(feature, ensure_ascii=False)


def fail_in_a_part(how: str):
    """Stands in for ``redact``: fails on the report with the phone number in its text, either
    raising or (in a process of its own) ending the process at once."""
    redact = opendata_reports.redact

    def failing(text: str) -> str:
        if "081-234-5678" in text:
            if how == "exit" and multiprocessing.parent_process() is not None:
                os._exit(3)
            raise OSError("disk full")
        return redact(text)

    return failing


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["raise", pytest.param("exit", marks=postgres_only)])
def test_a_part_that_fails_leaves_the_previous_files(reports, tmp_path, settings, monkeypatch, how):
    settings.RUAM_OPEN_DATA_DIR = folder = tmp_path / "od"
    opendata.export_all()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    Report.objects.filter(pk=reports[3].pk).update(description="เปลี่ยนแล้ว")
    monkeypatch.setattr(opendata_reports, "PROCESSES", 3)
    monkeypatch.setattr(opendata_reports, "SPLIT_FROM", 0)
    monkeypatch.setattr(opendata_reports, "redact", fail_in_a_part(how))
    expected = "disk full" if how == "raise" else "exit code 3"
    with pytest.raises((OSError, opendata_reports.PartFailed), match=expected):
        opendata.export_all()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_parts_read_one_moment_of_the_database(reports, tmp_path, settings, monkeypatch):
    """A change committed after the export took its snapshot, before the parts start, is in
    none of them: they read in that snapshot."""
    settings.RUAM_OPEN_DATA_DIR = tmp_path / "od"
    monkeypatch.setattr(opendata_reports, "PROCESSES", 2)
    monkeypatch.setattr(opendata_reports, "SPLIT_FROM", 0)
    export_snapshot = opendata_reports._export_snapshot

    def then_a_change(cursor) -> str:
        snapshot = export_snapshot(cursor)
        other = connection.get_new_connection(connection.get_connection_params())
        other.autocommit = True
        for report in (reports[0], reports[-1]):  # one in each part
            other.execute(
                "UPDATE reports_report SET description = 'หลังจากนั้น' WHERE id = %s",
                [report.pk],
            )
        other.close()
        return snapshot

    monkeypatch.setattr(opendata_reports, "_export_snapshot", then_a_change)
    opendata.export_all()
    assert "หลังจากนั้น" not in read(tmp_path / "od", "reports.csv.gz")
    assert Report.objects.filter(description="หลังจากนั้น").count() == 2


@given(st.lists(st.binary(max_size=3000), min_size=1, max_size=6))
def test_pieces_make_one_gzip_member(texts):
    import io

    out = io.BytesIO()
    out.write(gzip_pieces.header())
    whole = gzip_pieces.Piece()
    for k, text in enumerate(texts):
        piece = gzip_pieces.Deflater(out)
        piece.write(text)
        whole = whole.then(piece.end(last=k == len(texts) - 1))
    out.write(gzip_pieces.trailer(whole))
    unzip = zlib.decompressobj(zlib.MAX_WBITS | 16)
    assert unzip.decompress(out.getvalue()) == b"".join(texts)
    assert unzip.eof and not unzip.unused_data


@given(st.binary(max_size=5000), st.binary(max_size=5000))
def test_crc32_combine_is_zlibs(a, b):
    assert gzip_pieces.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
