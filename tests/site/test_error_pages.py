"""Error pages speak the visitor's language, one language at a time, inside Ruam's own frame."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

THAI = range(0x0E00, 0x0E80)


def has_thai(text: str) -> bool:
    return any(ord(ch) in THAI for ch in text)


def main_of(answer) -> str:
    html = answer.content.decode()
    return html[html.index('<main id="main">') :]


def test_a_missing_page_is_explained_in_thai_and_links_onward(client):
    answer = client.get("/reports/NOSUCHCODE/")
    assert answer.status_code == 404
    body = main_of(answer)
    assert "ไม่พบหน้านี้" in body and "Not Found" not in body
    assert 'href="/reports/track/"' in body or "/track" in body


def test_a_missing_page_in_english_has_no_thai(client):
    answer = client.get("/reports/NOSUCHCODE/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 404
    assert '<html lang="en">' in answer.content.decode()
    body = main_of(answer)
    assert "Page not found" in body and not has_thai(body.split("<footer", 1)[0])


def test_a_refusal_is_a_403_page_in_the_visitors_language(client, make_user):
    client.force_login(make_user())  # a resident: no seat in any body
    answer = client.get("/inbox/")
    assert answer.status_code == 403
    body = main_of(answer)
    assert "ไม่มีสิทธิ์" in body and "Forbidden" not in body
    english = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Not allowed" in main_of(english)
    assert not has_thai(main_of(english).split("<footer", 1)[0])


def test_a_form_without_its_csrf_token_is_refused_in_thai_and_nothing_is_saved():
    from ruam.reports.models import Report

    client = Client(enforce_csrf_checks=True)
    answer = client.post("/reports/new/", {"description": "ไฟดับ", "lat": "13.86", "lon": "100.70"})
    assert answer.status_code == 403
    body = main_of(answer)
    assert "แบบฟอร์มหมดอายุ" in body and "CSRF" not in body
    assert Report.objects.count() == 0
    english = Client(enforce_csrf_checks=True).post(
        "/reports/new/", {"description": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The form has expired" in main_of(english) and not has_thai(
        main_of(english).split("<footer", 1)[0]
    )


@pytest.mark.parametrize(("language", "expected"), [("th", "เกิดข้อผิดพลาด"), ("en", "went wrong")])
def test_a_fault_is_a_500_page_in_one_language(client, monkeypatch, language, expected):
    from django.db.models.query import QuerySet

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(QuerySet, "_fetch_all", broken)
    client.raise_request_exception = False
    answer = client.get("/districts/1046/", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 500
    body = answer.content.decode()
    assert expected in body and f'<html lang="{language}">' in body
    assert has_thai(body) == (language == "th")
    assert "a bug" not in body  # nothing of the fault itself is shown


def test_the_expired_form_page_knows_who_is_signed_in(make_user):
    """Django's CSRF view renders Ruam's 403_csrf.html with the request: the header still
    offers a signed-in person their way out, and the language switch works."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    answer = client.post("/reports/new/", {"description": "ไฟดับ"})
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "ออกจากระบบ" in html and 'name="csrfmiddlewaretoken"' in html
