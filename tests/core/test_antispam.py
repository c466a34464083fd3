"""Public forms keep scripts out without a CAPTCHA: a honeypot and a minimum time to fill in.
A refused form keeps what was typed and says why, in Thai and English; nothing is written."""

import time

import pytest

from ruam.core import antispam
from ruam.reports.models import Report

pytestmark = pytest.mark.django_db


def report_data(**extra) -> dict:
    return {
        "description": "ไฟถนนดับ มืดมาก",
        "lat": "13.8596",
        "lon": "100.7046",
        "submission": "s-1",
        **extra,
    }


def test_the_form_carries_a_stamp_and_a_hidden_trap(client):
    html = client.get("/reports/new/").content.decode()
    assert 'name="form_ts"' in html and 'name="website"' in html
    assert 'class="hp" aria-hidden="true"' in html


def test_a_filled_trap_is_refused_and_nothing_written(client):
    response = client.post(
        "/reports/new/", report_data(form_ts=antispam.stamp(), website="http://spam.example")
    )
    assert response.status_code == 422 and not Report.objects.exists()
    body = response.content.decode()
    assert "ช่องที่ซ่อนไว้" in body and "ไฟถนนดับ มืดมาก" in body  # what was typed is kept


def test_a_form_without_a_valid_stamp_is_refused(client):
    for stamp in ("", "forged", antispam.stamp() + "x"):
        response = client.post("/reports/new/", report_data(form_ts=stamp))
        assert response.status_code == 422
    assert not Report.objects.exists()


def test_a_form_sent_too_fast_is_refused_then_accepted_when_sent_again(client, settings):
    settings.RUAM_FORM_MIN_SECONDS = 3
    response = client.post("/reports/new/", report_data(form_ts=antispam.stamp()))
    assert response.status_code == 422 and "Sent too fast" in response.content.decode()
    assert not Report.objects.exists()
    earlier = antispam.signing.dumps(time.time() - 10, salt=antispam.SALT)
    response = client.post("/reports/new/", report_data(form_ts=earlier))
    assert response.status_code == 302 and Report.objects.count() == 1


def test_signing_up_is_guarded_too(client, django_user_model):
    data = {"username": "newcomer", "password1": "a-Long-pass-9", "password2": "a-Long-pass-9"}
    assert client.post("/accounts/signup/", data).status_code == 422
    assert client.post("/accounts/signup/", {**data, "form_ts": antispam.stamp(),
                                             "website": "x"}).status_code == 422  # fmt: skip
    assert not django_user_model.objects.filter(username="newcomer").exists()
    response = client.post("/accounts/signup/", {**data, "form_ts": antispam.stamp()})
    assert response.status_code == 302
    assert django_user_model.objects.filter(username="newcomer").exists()
