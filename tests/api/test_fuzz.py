"""Random values in every parameter of the JSON API's lists and of every Open311 resource.

Whatever a client sends: never a 5xx; every status is one the operation declares (the OpenAPI
document for the JSON API, the table in docs/OPEN311.md for Open311); and a refused POST writes
nothing. Values are drawn to hit the edges: integers past 64 bits and negative, digits of other
scripts (superscripts, Arabic-Indic, Thai, mathematical), control characters, and dates from
year 1 to 9999 at any UTC offset Python allows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruam.accounts.services import create_api_key
from ruam.api import api
from ruam.framework.models import Category
from ruam.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db

# The whole file runs in about 30 s on two cores (SQLite or PostgreSQL).
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A POST has more fields to spoil, one or two at a time: more examples.
FUZZ_POST = settings(FUZZ, max_examples=150)

# -- values -----------------------------------------------------------------------------------

OTHER_DIGITS = "³²¹⁰٠١٢٣٤٥٦٧٨٩۳०१२३๐๑๒๓๔๕๖๗๘๙𝟎𝟑𝟙߃"
EDGES = [
    "",
    " ",
    "\x00",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "0x10",
    "1_000",
    "true",
    "open,closed",
    "๑๒",
    "³",
    "٣",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "2026-01-01T00:00:00+24:00",
    "2026-02-30",
    "%00",
    "../",
]
LIMITS = [0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**20, -(2**63) - 1]

integers = st.one_of(
    st.integers(), st.integers(min_value=-(2**80), max_value=2**80), st.sampled_from(LIMITS)
)
texts = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.text(st.sampled_from(OTHER_DIGITS + "0123456789"), min_size=1, max_size=24),
)
offsets = st.timedeltas(
    min_value=-dt.timedelta(hours=23, minutes=59), max_value=dt.timedelta(hours=23, minutes=59)
).map(lambda d: dt.timezone(dt.timedelta(minutes=d // dt.timedelta(minutes=1))))
moments = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.datetimes().map(dt.datetime.isoformat),
    st.datetimes(timezones=offsets).map(dt.datetime.isoformat),
)
# Ordinary text with one character a database or a parser may choke on.
poisoned = st.tuples(texts, st.sampled_from(["\x00", "\ufffd", "\u202e", "\r\n", "\t"]), texts).map(
    "".join
)
values = st.one_of(st.sampled_from(EDGES), integers.map(str), texts, poisoned, moments)
path_values = values.filter(lambda v: v.strip() not in {"", ".", ".."} and "/" not in v)


def arguments(data, names: list[str], most: int | None = None) -> dict[str, str]:
    """Some of ``names`` (at most ``most``), each with a drawn value."""
    if not names:
        return {}
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=most or len(names)))
    return {name: data.draw(values, label=name) for name in chosen}


# -- the JSON API: every operation with parameters, from the OpenAPI document ----------------

DOCUMENT = api.get_openapi_schema()
GETS = {
    path: operation["get"]
    for path, operation in DOCUMENT["paths"].items()
    if "get" in operation and operation["get"].get("parameters")
}


def declared(operation: dict) -> set[int]:
    return {int(status) for status in operation["responses"]}


@pytest.mark.parametrize("path", sorted(GETS))
@FUZZ
@given(data=st.data())
def test_any_query_to_the_json_api_is_answered_as_declared(client, path, data):
    operation = GETS[path]
    url = path
    for p in operation["parameters"]:
        if p["in"] == "path":
            value = data.draw(path_values, label=p["name"])
            url = url.replace("{" + p["name"] + "}", quote(value, safe=""))
    query = arguments(data, [p["name"] for p in operation["parameters"] if p["in"] == "query"])
    response = client.get(url, query)
    assert response.status_code < 500, response.content[:300]
    assert response.status_code in declared(operation), (url, query, response.content[:300])
    if response.status_code >= 400:
        body = response.json()
        assert body["message_th"] and body["message_en"]


@pytest.fixture
def api_key():
    return create_api_key(name="fuzz")[1]


def counts() -> tuple[int, int]:
    return Report.objects.count(), ReportEvent.objects.count()


json_values = st.one_of(
    values,
    integers,
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
    st.lists(values, max_size=3),
)


@FUZZ_POST
@given(data=st.data())
def test_any_report_sent_to_the_json_api_is_answered_as_declared_and_refusals_write_nothing(
    client, api_key, data
):
    payload = {"description": "ไฟทางดับทั้งซอย", "lat": 13.8596, "lon": 100.7046}
    fields = ["description", "lat", "lon", "address", "district_code", "categories"]
    fields += ["contact_name", "contact_email", "contact_phone", "consent", "photos"]
    # One or two fields changed at a time, so that the others do not refuse first.
    for name in data.draw(st.lists(st.sampled_from(fields), unique=True, min_size=1, max_size=2)):
        payload[name] = data.draw(json_values, label=name)
    before = counts()
    response = client.post(
        "/api/v1/reports", payload, content_type="application/json", headers={"X-Api-Key": api_key}
    )
    assert response.status_code in declared(DOCUMENT["paths"]["/api/v1/reports"]["post"]), (
        payload,
        response.content[:300],
    )
    if response.status_code >= 400:
        assert counts() == before
        assert json.loads(response.content)["message_th"]


# -- Open311: every resource, both formats ------------------------------------------------------

OPEN311 = "/open311/v2/"


def open311_statuses() -> dict[str, set[int]]:
    """The table "what each resource may answer" in docs/OPEN311.md: resource → statuses."""
    text = (Path(__file__).parents[2] / "docs" / "OPEN311.md").read_text(encoding="utf-8")
    table = text.split("### What each resource may answer", 1)[1].split("\n\n", 2)[1]
    found = {}
    for row in table.splitlines()[2:]:
        resources, answers = row.strip("|").split("|")
        for resource in re.findall(r"`([^`]+)`", resources):
            found[resource] = {int(n) for n in re.findall(r"\d{3}", answers)}
    return found


STATUSES = open311_statuses()
OPEN311_GETS = {
    "GET discovery": ("discovery", []),
    "GET services": ("services", []),
    "GET services/{service_code}": ("services/{}", []),
    "GET requests": (
        "requests",
        ["service_request_id", "service_code", "status", "start_date", "end_date"],
    ),
    "GET requests/{service_request_id}": ("requests/{}", []),
    "GET tokens/{token}": ("tokens/{}", []),
    "GET servicerequestupdates": ("servicerequestupdates", ["start_date", "end_date"]),
}


def test_the_documented_table_covers_every_resource():
    assert set(STATUSES) == {*OPEN311_GETS, "POST requests", "POST servicerequestupdates"}


@pytest.mark.parametrize("resource", sorted(OPEN311_GETS))
@FUZZ
@given(data=st.data())
def test_any_query_to_open311_is_answered_as_documented(client, resource, data):
    path, names = OPEN311_GETS[resource]
    if "{}" in path:
        path = path.format(quote(data.draw(path_values, label="id"), safe=""))
    fmt = data.draw(st.sampled_from(["json", "xml"]))
    response = client.get(f"{OPEN311}{path}.{fmt}", arguments(data, names))
    assert response.status_code in STATUSES[resource], response.content[:300]
    if response.status_code >= 400:
        assert response["Content-Type"].startswith(
            "application/json" if fmt == "json" else "text/xml"
        )


@FUZZ_POST
@given(data=st.data())
def test_any_open311_post_is_answered_as_documented_and_refusals_write_nothing(
    client, api_key, data
):
    form = {
        "api_key": api_key,
        "service_code": str(Category.objects.get(name_th="ถนน").pk),
        "lat": "13.8596",
        "long": "100.7046",
        "description": "ถนนเป็นหลุมลึก",
    }
    fields = [*form, "address_string", "email", "phone", "first_name", "last_name"]
    fields += ["attribute[contact_consent]", "media_url", "jurisdiction_id"]
    form.update(arguments(data, fields, most=2))
    fmt = data.draw(st.sampled_from(["json", "xml"]))
    before = counts()
    response = client.post(f"{OPEN311}requests.{fmt}", form)  # multipart, as a browser would
    assert response.status_code in STATUSES["POST requests"], (form, response.content[:300])
    if response.status_code >= 400:
        assert counts() == before


UPDATE_STATUSES = ["OPEN", "CLOSED", "FIXED", "FIXED - USER", "FIXED - COUNCIL", "RESOLVED"]


def a_request_sent_by(client, key: str) -> str:
    """The tracking code of a request the key sent (made once, kept across examples)."""
    found = Report.objects.filter(description="ไฟดับทั้งซอย").values_list("code", flat=True).first()
    if found:
        return found
    answer = client.post(
        f"{OPEN311}requests.json",
        {
            "api_key": key,
            "service_code": str(Category.objects.get(name_th="แสงสว่าง").pk),
            "lat": "13.8596",
            "long": "100.7046",
            "description": "ไฟดับทั้งซอย",
        },
    )
    assert answer.status_code == 201, answer.content
    return answer.json()[0]["service_request_id"]


@FUZZ_POST
@given(data=st.data())
def test_any_open311_update_is_answered_as_documented_and_refusals_write_nothing(
    client, api_key, data
):
    form = {
        "api_key": api_key,
        "service_request_id": a_request_sent_by(client, api_key),
        "description": "ยังไม่ได้ซ่อม",
    }
    fields = [*form, "update_id_ext", "updated_datetime", "email", "media_url"]
    form.update(arguments(data, fields, most=2))
    if data.draw(st.booleans(), label="with a status"):
        form["status"] = data.draw(st.one_of(st.sampled_from(UPDATE_STATUSES), values))
    fmt = data.draw(st.sampled_from(["json", "xml"]))
    before = counts()
    response = client.post(f"{OPEN311}servicerequestupdates.{fmt}", form)
    assert response.status_code in STATUSES["POST servicerequestupdates"], (
        form,
        response.content[:300],
    )
    if response.status_code >= 400:
        assert counts() == before
