"""What a load balancer and a monitoring server read: liveness, readiness, metrics."""

import pytest
from django.db import OperationalError

from ruam.reports import services
from ruam.reports.models import Channel

pytestmark = pytest.mark.django_db


def test_ready_when_the_database_and_the_queue_answer(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["checks"]["database"] == "ok"
    assert set(body["checks"]["queue"]) == {"waiting", "failed", "oldest_wait_seconds"}


def test_not_ready_without_the_database_and_says_when_to_retry(client, monkeypatch):
    from django.db import connection

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", down)
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert answer.json()["status"] == "unavailable"
    assert client.get("/livez").status_code == 200  # alive, not ready


def test_metrics_count_requests_by_view_and_show_the_figures(client):
    services.submit_report(
        description="ไฟดับ", channel=Channel.WEB, lat=13.8596, lon=100.7046, categories=["แสงสว่าง"]
    )
    client.get("/districts/1046/")
    client.get("/reports/NOSUCHCODE/")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'ruam_http_requests_total{method="GET",status="200",view="site:district"}' in text
    assert 'view="reports:detail"' in text and 'status="404"' in text
    assert "NOSUCHCODE" not in text  # views, never paths
    assert "ruam_reports_open 1.0" in text
    assert "ruam_queue_waiting" in text


def test_metrics_are_for_the_monitoring_server_only(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403


@pytest.mark.parametrize("url", ["/districts/1046/", "/api/v1/reports"])
def test_a_database_that_went_away_answers_503_with_a_retry_hint(client, monkeypatch, url):
    """A restart of PostgreSQL mid-request: a clean 503 (a page in the visitor's language, the
    API's JSON with both), never a 500."""
    from django.db.models.query import QuerySet

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(QuerySet, "_fetch_all", gone)
    client.raise_request_exception = False
    answer = client.get(url)
    assert answer.status_code == 503 and answer["Retry-After"] == "10"
    body = answer.content.decode()
    if url.startswith("/api/"):
        assert "ระบบขัดข้องชั่วคราว" in body and "try again" in body
    else:  # a page speaks one language: Thai first, English when the visitor chose it
        assert "ระบบขัดข้องชั่วคราว" in body and "try again" not in body
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "try again" in english and '<html lang="en">' in english
        assert not any("\u0e00" <= ch <= "\u0e7f" for ch in english)


def test_a_database_that_went_away_before_the_view_answers_503(client, seat, monkeypatch):
    from ruam.bodies import predicates
    from ruam.bodies.models import Role

    client.force_login(seat("division-1046-works", Role.OFFICIAL))

    def gone(user):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(predicates, "seats", gone)
    monkeypatch.setattr("ruam.accounts.second_factor.seats", gone)
    client.raise_request_exception = False
    from django.test import override_settings

    with override_settings(RUAM_REQUIRE_2FA=True):
        answer = client.get("/inbox/")
    assert answer.status_code == 503 and answer["Retry-After"] == "10"
