"""Public pages of places, in Thai by default and in English on request."""

import pytest
from django.core.management import call_command
from django.utils.html import json_script

pytestmark = pytest.mark.django_db


def test_home_shows_the_groups_in_thai(client):
    html = client.get("/").content.decode()
    assert '<html lang="th">' in html
    assert "กรุงเทพตะวันออก" in html and "คลองสามวา" in html


def test_district_page(client):
    response = client.get("/districts/1046/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "เขตคลองสามวา" in html
    assert "Khlong Sam Wa" in html
    assert "กรุงเทพตะวันออก" in html
    assert "สามวาตะวันตก" in html  # one of its แขวง
    assert 'id="map-geometry"' in html and '"Polygon"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html


@pytest.mark.parametrize(("url", "kind", "code"), [("/districts/1046/", "district", "1046"),
                                                   ("/groups/4/", "group", "4")])  # fmt: skip
def test_the_map_outline_is_the_boundary_and_is_written_once_in_a_while(
    client, monkeypatch, url, kind, code
):
    import json
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ruam.geo.models import Boundary
    from ruam.site import views

    written = []
    monkeypatch.setattr(
        views, "json_script", lambda *args: written.append(args) or json_script(*args)
    )

    def outline() -> object:
        html = client.get(url).content.decode()
        found = re.search(r'<script id="map-geometry" type="application/json">(.*?)</script>', html)
        return json.loads(found.group(1))

    assert outline() == Boundary.geometry_of(kind, code)
    with CaptureQueriesContext(connection) as queries:
        assert outline() == Boundary.geometry_of(kind, code)
    read = [q["sql"] for q in queries.captured_queries if "geo_boundary" in q["sql"]]
    assert len(read) == 1  # the test's own: the page used its kept copy
    assert len(written) == 1  # and did not write the 120 KB of JSON out again


def test_unknown_district_is_404(client):
    assert client.get("/districts/9999/").status_code == 404


def test_group_page_lists_its_districts(client):
    html = client.get("/groups/4/").content.decode()
    for name in ["คลองสามวา", "สะพานสูง", "บางกะปิ", "มีนบุรี"]:
        assert name in html


def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/districts/1046/"})
    assert response.status_code == 302
    html = client.get("/districts/1046/").content.decode()
    assert '<html lang="en">' in html
    assert "Khlong Sam Wa District" in html
    assert "Subdistricts (khwaeng)" in html


def test_committee_page_lists_demo_members_in_role_order(client):
    call_command("load_demo", password="demo-pass-123", verbosity=0)
    html = client.get("/districts/1046/committee/").content.decode()
    assert "คณะขับเคลื่อนการมีส่วนร่วมเพื่อการพัฒนาเขตคลองสามวา" in html
    assert "(ตัวอย่าง)" in html
    assert html.index("ประธาน") < html.index("เลขานุการ")
    # Contact details are personal data: never on a public page.
    assert "@demo.invalid" not in html


def test_committee_page_without_members_says_so(client):
    html = client.get("/districts/1001/committee/").content.decode()
    assert "ยังไม่มีการบันทึกรายชื่อ" in html or "No members" in html


def test_privacy_notice(client):
    assert "PDPA" in client.get("/privacy/").content.decode()


def test_demo_is_idempotent():
    from ruam.accounts.models import User
    from ruam.bodies.models import Body, Membership

    call_command("load_demo", password="demo-pass-123", verbosity=0)
    counts = (User.objects.count(), Membership.objects.count(), Body.objects.count())
    call_command("load_demo", password="demo-pass-123", verbosity=0)
    assert (User.objects.count(), Membership.objects.count(), Body.objects.count()) == counts
    assert User.objects.filter(is_demo=True).count() > 50
    assert all("(ตัวอย่าง)" in u.display_name for u in User.objects.filter(is_demo=True))


def test_admin_pages_open_for_an_administrator(admin_client):
    for url in ["/admin/", "/admin/geo/district/", "/admin/geo/district/1046/change/",
                "/admin/framework/planitem/", "/admin/framework/routingrule/",
                "/admin/bodies/body/", "/admin/bodies/membership/", "/admin/framework/category/",
                "/admin/accounts/user/",
        "/admin/reports/report/",
        "/admin/accounts/apikey/", "/admin/geo/community/"]:  # fmt: skip
        assert admin_client.get(url).status_code == 200, url


def test_admin_is_thai_first(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "การดูแลระบบร่วม" in html or "ร่วม" in html
    assert "เขต" in html
