"""A full disk while photos are stored: a clear 507 in Thai and English, and nothing of the
report kept — no rows, no files — on the web form, the REST API and Open311."""

import base64
import errno
import json

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from ruam.accounts.services import create_api_key
from ruam.core import antispam
from ruam.reports.models import Report, ReportPhoto

from ..conftest import jpeg

pytestmark = pytest.mark.django_db
POINT = {"lat": "13.8596", "lon": "100.7046"}


@pytest.fixture
def disk_fills_up(monkeypatch, settings):
    """The third file written finds the disk full (the first photo's two files went in)."""
    real = FileSystemStorage._save
    calls = {"n": 0}

    def save(self, name, content):
        calls["n"] += 1
        if calls["n"] >= 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    return settings.MEDIA_ROOT


def nothing_kept(media_root) -> None:
    assert not Report.objects.exists() and not ReportPhoto.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else True


def test_the_web_form(client, disk_fills_up):
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg(), "image/jpeg") for i in range(2)]
    data = {"description": "ทางเท้าพัง", "submission": "s-9", "form_ts": antispam.stamp(),
            "photos": photos, **POINT}  # fmt: skip
    response = client.post("/reports/new/", data)
    assert response.status_code == 507
    body = response.content.decode()
    assert "ที่เก็บภาพของระบบเต็ม" in body and "ทางเท้าพัง" in body  # the text is kept
    nothing_kept(disk_fills_up)


def test_the_rest_api(client, disk_fills_up):
    key = create_api_key(name="app")[1]
    payload = {"description": "ทางเท้าพัง", **{k: float(v) for k, v in POINT.items()},
               "photos": [base64.b64encode(jpeg()).decode() for _ in range(2)]}  # fmt: skip
    response = client.post(
        "/api/v1/reports",
        json.dumps(payload),
        content_type="application/json",
        headers={"X-Api-Key": key},
    )
    assert response.status_code == 507
    assert "full" in response.json()["message_en"]
    nothing_kept(disk_fills_up)


def test_open311(client, disk_fills_up):
    key = create_api_key(name="open311-app")[1]
    data = {
        "api_key": key,
        "service_code": "",
        "description": "ทางเท้าพัง",
        "lat": POINT["lat"],
        "long": POINT["lon"],
        "media": [SimpleUploadedFile(f"{i}.jpg", jpeg(), "image/jpeg") for i in range(2)],
    }
    from ruam.framework.models import Category

    data["service_code"] = str(Category.objects.get(name_th="ทางเท้า").pk)
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 507
    nothing_kept(disk_fills_up)
