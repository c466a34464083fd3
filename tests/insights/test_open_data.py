"""Open data never holds anyone's personal data: reports sent with contact details through
every channel — the web form, the REST API with a key, Open311, the Traffy import — and
every open-data file and every export searched for them."""

from __future__ import annotations

import csv
import gzip
import io
import json
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from ruam.accounts.services import create_api_key
from ruam.core import antispam
from ruam.framework.models import Category
from ruam.insights import opendata
from ruam.reports.models import Channel, Report

pytestmark = pytest.mark.django_db

# What each channel is given, and must never come out again.
SECRETS = {
    "web": ("มานี ใจดีเว็บ", "manee.web@example.com", "0811111111"),
    "api": ("สมศรี ทดสอบเอพีไอ", "somsri.api@example.com", "0822222222"),
    "open311": ("ปิติ", "รักเรียนโอเพน", "piti.open311@example.com", "0833333333"),
}
IN_TEXT = ["099-444-5555", "line.secret.id", "chujai.text@example.com"]
TEXT = "ไฟถนนดับ ติดต่อ 099-444-5555 ไลน์ line.secret.id หรือ chujai.text@example.com"
KHLONG_SAM_WA = {"lat": "13.8596", "lon": "100.7046"}


def send_through_every_channel(client, worker, tmp_path) -> None:
    worker(
        client.post,
        "/reports/new/",
        {
            "description": TEXT,
            "submission": "od-1",
            "form_ts": antispam.stamp(),
            "contact_name": SECRETS["web"][0],
            "contact_email": SECRETS["web"][1],
            "contact_phone": SECRETS["web"][2],
            "consent": "on",
            **KHLONG_SAM_WA,
        },
    )
    key = create_api_key(name="open-data-test")[1]
    response = worker(
        client.post,
        "/api/v1/reports",
        {
            "description": TEXT,
            "categories": ["แสงสว่าง"],
            "lat": 13.8597,
            "lon": 100.7047,
            "contact_name": SECRETS["api"][0],
            "contact_email": SECRETS["api"][1],
            "contact_phone": SECRETS["api"][2],
            "consent": True,
        },
        content_type="application/json",
        headers={"X-Api-Key": key},
    )
    assert response.status_code == 201, response.content
    response = worker(
        client.post,
        "/open311/v2/requests.json",
        urlencode(
            {
                "api_key": key,
                "service_code": str(Category.objects.get(name_th="คนจรจัด").pk),
                "description": TEXT,
                "lat": "13.85961",
                "long": "100.70461",
                "first_name": SECRETS["open311"][0],
                "last_name": SECRETS["open311"][1],
                "email": SECRETS["open311"][2],
                "phone": SECRETS["open311"][3],
                "attribute[contact_consent]": "true",
            }
        ),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert response.status_code == 201, response.content
    from ruam.integrations.traffy.importer import import_files
    from ruam.integrations.traffy.reader import COLUMNS

    dump = tmp_path / "traffy.csv"
    with dump.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*COLUMNS, "api_type", "api_type_id", "api_status", "api_message_id"])
        row = dict.fromkeys(
            [*COLUMNS, "api_type", "api_type_id", "api_status", "api_message_id"], ""
        )
        row.update(
            ticket_id="2022-SECRET1",
            type="{แสงสว่าง}",
            comment=TEXT,
            coords="100.7046,13.8596",
            address="บ้านเลขที่ 9 โทร 099-444-5555",
            timestamp="2022-05-29 10:09:47.307077+00",
            state="เสร็จสิ้น",
            province="กรุงเทพมหานคร",
        )
        writer.writerow(list(row.values()))
    import_files([dump])
    assert set(Report.objects.values_list("channel", flat=True)) == {
        Channel.WEB,
        Channel.API,
        Channel.OPEN311,
        Channel.IMPORT,
    }
    assert Report.objects.exclude(contact_email="").count() == 3  # the details were kept, privately


def forbidden() -> list[str]:
    values = [v for parts in SECRETS.values() for v in parts] + IN_TEXT
    return [*values, "0811111111".replace("0", "", 1)]


def assert_clean(name: str, text: str) -> None:
    for value in forbidden():
        assert value not in text, f"{value!r} in {name}"


def test_no_personal_data_in_open_data_or_exports(client, worker, tmp_path, settings, seat):
    settings.RUAM_OPEN_DATA_DIR = tmp_path / "open-data"
    send_through_every_channel(client, worker, tmp_path)
    manifest = opendata.export_all()
    assert {f["name"] for f in manifest["files"]} == set(opendata.NAMES)
    for path in sorted((tmp_path / "open-data").glob("*.gz")):
        assert_clean(path.name, gzip.decompress(path.read_bytes()).decode("utf-8"))
    # Served: compressed or not, the same clean text; the reports' JSON is GeoJSON.
    for name in ("reports.csv", "reports.json", "issues.csv", "actions.json", "figures.csv"):
        plain = b"".join(client.get(f"/open-data/{name}").streaming_content).decode()
        assert_clean(name, plain)
    geo = json.loads(b"".join(client.get("/open-data/reports.json").streaming_content))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 4
    zipped = client.get("/open-data/reports.csv", headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    rows = list(
        csv.DictReader(
            io.StringIO(gzip.decompress(b"".join(zipped.streaming_content)).decode("utf-8-sig"))
        )
    )
    assert len(rows) == 4
    # A sensitive category (คนจรจัด) is published ~1 km off, without its address.
    homeless = next(r for r in rows if r["category"] == "คนจรจัด")
    assert homeless["location_rounded"] == "True" and homeless["lat"] == "13.86"
    assert homeless["address"] == ""
    # Every export of the same reports.
    chair = seat("committee-1046", "chair")
    client.force_login(chair)
    for url in (
        "/districts/1046/reports/?period=all&format=csv",
        "/districts/1046/figures/?period=all&format=csv",
        "/dashboards/?district=1046&period=all&format=csv",
    ):
        response = client.get(url)
        content = response.streaming_content if response.streaming else [response.content]
        assert_clean(url, b"".join(content).decode())
    for url in (
        "/districts/1046/reports/?period=all&format=xlsx",
        "/districts/1046/figures/?period=all&format=xlsx",
        "/dashboards/?district=1046&period=all&format=xlsx",
        "/groups/4/figures/?period=all&format=xlsx",
    ):
        book = load_workbook(io.BytesIO(client.get(url).content))
        text = "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        assert_clean(url, text)


def test_a_file_is_replaced_whole(tmp_path, settings, make_report):
    settings.RUAM_OPEN_DATA_DIR = tmp_path / "od"
    make_report()
    opendata.export_all()
    before = (tmp_path / "od" / "reports.csv.gz").read_bytes()
    settings.RUAM_OPEN_DATA_SENSITIVE_CATEGORIES = []

    def broken(out):
        raise RuntimeError("disk full")

    writers = dict(opendata.WRITERS)
    opendata.WRITERS["reports"] = broken
    try:
        with pytest.raises(RuntimeError):
            opendata.export_all()
    finally:
        opendata.WRITERS.update(writers)
    assert (tmp_path / "od" / "reports.csv.gz").read_bytes() == before
    assert not list((tmp_path / "od").glob("*.tmp"))


def test_the_page_lists_files_schema_and_licence(client, tmp_path, settings, make_report):
    settings.RUAM_OPEN_DATA_DIR = tmp_path / "od"
    make_report()
    opendata.export_all()
    page = client.get("/open-data/").content.decode()
    assert "CC BY 4.0" in page and "/open-data/reports.csv" in page
    assert "days_to_fix" in page and "location_rounded" in page
    assert client.get("/open-data/secrets.csv").status_code == 404
    assert client.get("/open-data/reports.xml").status_code == 404
