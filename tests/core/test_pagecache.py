"""The few seconds' shared copy of public pages (ruam/core/pagecache.py): who gets one, whose
answers are kept, and that a kept page's forms work for every visitor."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client, RequestFactory

from ruam.core import pagecache
from ruam.reports import services
from ruam.reports.models import Channel

pytestmark = pytest.mark.django_db
DISTRICT = "1046"  # หนองจอก
HIT = pagecache.HIT_HEADER


@pytest.fixture(autouse=True)
def _cache_on(page_cache):
    """Every test here with the page cache on (tests/core/conftest.py)."""


def report(**extra):
    return services.submit_report(
        description="ไฟถนนดับหน้าซอย",
        channel=Channel.WEB,
        lat=13.8596,
        lon=100.7046,
        categories=["แสงสว่าง"],
        **extra,
    )


def listed(client: Client, **headers) -> tuple[int, str | None]:
    response = client.get(f"/api/v1/reports?district={DISTRICT}", **headers)
    assert response.status_code == 200
    return response.json()["count"], response.get(HIT)


def test_an_anonymous_read_is_kept_and_shared_until_it_expires(settings):
    assert listed(Client()) == (0, "miss")
    report()
    # Another visitor gets the kept copy: the new report is not in it yet.
    assert listed(Client()) == (0, "hit")
    caches[pagecache.ALIAS].clear()  # as when the seconds have passed
    assert listed(Client()) == (1, "miss")


def test_turned_off_every_read_is_fresh(settings):
    settings.RUAM_PAGE_CACHE_SECONDS = 0
    assert listed(Client()) == (0, None)
    report()
    assert listed(Client()) == (1, None)


def test_signed_in_people_neither_get_nor_leave_a_copy(client, make_user):
    client.force_login(make_user())
    page = client.get(f"/districts/{DISTRICT}/")
    assert page.status_code == 200 and page.get(HIT) is None
    assert "Sign out" in page.content.decode() or "ออกจากระบบ" in page.content.decode()
    # Their page was not kept: the next anonymous visitor's is built for them.
    anonymous = Client().get(f"/districts/{DISTRICT}/")
    assert anonymous.get(HIT) == "miss"
    # And a kept page is not given to them either.
    assert client.get(f"/districts/{DISTRICT}/").get(HIT) is None


@pytest.mark.parametrize(
    "how",
    [
        {"HTTP_X_API_KEY": "anything"},
        {"HTTP_AUTHORIZATION": "Bearer x"},
        {"HTTP_HX_REQUEST": "true"},
    ],
)
def test_requests_with_credentials_or_htmx_skip_the_copy(how):
    listed(Client())  # kept
    assert Client().get(f"/api/v1/reports?district={DISTRICT}", **how).get(HIT) is None


def test_a_private_link_is_never_kept_nor_answered_from_a_copy():
    made = report(contact_email="a@example.com", consent=True)
    url = f"/reports/{made.report.code}/"
    assert Client().get(url).get(HIT) == "miss"
    private = Client().get(f"{url}?key={made.reporter_key}")
    assert private.get(HIT) is None
    assert "?key=" in private.content.decode()  # the reporter's own page, not the public copy


def test_someone_who_just_sent_a_form_reads_fresh_pages(client):
    listed(Client())  # kept
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert client.cookies.get("ruam_primary")  # the read-after-write cookie
    report()
    assert listed(client)[0] == 1


def test_a_session_cookie_skips_the_copy():
    listed(Client())
    visitor = Client()
    visitor.cookies["sessionid"] = "whatever"
    assert listed(visitor)[1] is None


def test_each_language_has_its_own_copy():
    thai = Client().get(f"/districts/{DISTRICT}/")
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    page = english.get(f"/districts/{DISTRICT}/")
    assert thai.get(HIT) == "miss" and page.get(HIT) == "miss"
    assert page["Content-Language"] == "en" and thai["Content-Language"] == "th"
    again = Client()
    again.cookies["django_language"] = "en"
    assert again.get(f"/districts/{DISTRICT}/")["Content-Language"] == "en"


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_kept_page_carries_each_visitors_own_csrf_token():
    first = Client(enforce_csrf_checks=True)
    assert first.get("/").get(HIT) == "miss"
    second = Client(enforce_csrf_checks=True)
    page = second.get("/")
    assert page.get(HIT) == "hit"
    html = page.content.decode()
    # The token on the page belongs to this visitor's cookie: the language form works.
    answer = second.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/", "csrfmiddlewaretoken": _token(html)},
    )
    assert answer.status_code == 302
    # Every form on the page was given a token, none of them the first visitor's.
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert tokens and all(len(t) == 64 for t in tokens)


def test_only_shareable_answers_are_kept():
    request = RequestFactory().get("/")
    request.session = type("S", (), {"modified": False})()
    assert pagecache._keepable(request, HttpResponse("fine"))
    private = HttpResponse("draft")
    private["Cache-Control"] = "private, no-store"
    cookie = HttpResponse("cookie")
    cookie.set_cookie("x", "1")
    stamped = HttpResponse('<input name="form_ts" value="1">')
    for refused in (HttpResponse("gone", status=404), private, cookie, stamped):
        assert not pagecache._keepable(request, refused)
    request.session.modified = True
    assert not pagecache._keepable(request, HttpResponse("fine"))


def test_views_not_named_are_never_kept(settings):
    # The report form carries a spam-guard time stamp and is not in the list.
    assert "reports:new" not in settings.RUAM_PAGE_CACHE_VIEWS
    assert Client().get("/reports/new/").get(HIT) is None
    settings.RUAM_PAGE_CACHE_VIEWS = ["site:home"]
    assert Client().get(f"/districts/{DISTRICT}/").get(HIT) is None
    assert Client().get("/").get(HIT) == "miss"


def test_app_servers_share_the_copies_through_redis(settings):
    """RUAM_PAGE_CACHE_URL: the copies on the local Redis server, as several app servers would
    share them (a database of its own, emptied before and after)."""
    import os

    from ..conftest import unavailable

    try:
        import redis
    except ImportError:
        unavailable("redis is not installed")
    url = os.environ.get("RUAM_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/14"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        unavailable(f"no Redis server at {url}")
    redis.Redis.from_url(url).flushdb()
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }
    try:
        assert listed(Client()) == (0, "miss")
        report()
        assert listed(Client()) == (0, "hit")
        assert redis.Redis.from_url(url).dbsize() == 1
        page = Client(enforce_csrf_checks=True)
        page.get("/")
        second = Client(enforce_csrf_checks=True)
        html = second.get("/").content.decode()
        answer = second.post(
            "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": _token(html)}
        )
        assert answer.status_code == 302
    finally:
        redis.Redis.from_url(url).flushdb()


def test_the_default_keeps_copies_in_files_shared_by_the_processes(settings, tmp_path):
    from ruam import settings as shipped

    default = shipped.CACHES["pages"]
    assert default["BACKEND"] == "ruam.core.pagecache.FileCache"  # without RUAM_PAGE_CACHE_URL
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**default, "LOCATION": str(tmp_path / "pages")},
    }
    assert listed(Client()) == (0, "miss")
    report()
    assert listed(Client()) == (0, "hit")
    assert len(list((tmp_path / "pages").glob("*.djcache"))) == 1


@pytest.mark.parametrize("query", ["key=not-the-key", "api_key=anything"])
def test_a_key_in_the_address_skips_the_copy_even_when_it_is_wrong(query):
    """A private link or an API key in the query is never answered from, nor kept as, a copy,
    whether or not the key turns out to be right."""
    made = report()
    url = (
        f"/reports/{made.report.code}/?{query}"
        if query.startswith("key")
        else f"/api/v1/reports?district={DISTRICT}&{query}"
    )
    for _ in range(2):
        assert Client().get(url).get(HIT) is None


def test_the_file_copies_are_tidied_every_few_seconds_not_counted_on_every_write(
    settings, tmp_path, monkeypatch
):
    """Django's file cache lists its whole folder before each write (5 ms at 3,600 copies, on
    every miss); ours looks at most every TIDY_SECONDS and removes the expired copies first."""
    import os
    import time

    from django.core.cache.backends.filebased import FileBasedCache

    folder = tmp_path / "pages"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "ruam.core.pagecache.FileCache", "LOCATION": str(folder)},
    }
    kept = caches[pagecache.ALIAS]
    listings = []
    listed_files = FileBasedCache._list_cache_files
    monkeypatch.setattr(
        FileBasedCache, "_list_cache_files", lambda self: listings.append(1) or listed_files(self)
    )
    pagecache.FileCache._tidied.clear()
    for n in range(3):
        kept.set(f"old{n}", b"page", 30)
    assert len(listings) == 1  # three writes, one look at the folder
    long_ago = time.time() - 31  # older than RUAM_PAGE_CACHE_SECONDS (30 here)
    for path in folder.glob("*.djcache"):
        os.utime(path, (long_ago, long_ago))
    kept.set("fresh", b"page", 30)
    assert len(list(folder.glob("*.djcache"))) == 4  # not yet: the last look was just now
    pagecache.FileCache._tidied.clear()  # as when TIDY_SECONDS have passed
    kept.set("newer", b"page", 30)
    assert len(list(folder.glob("*.djcache"))) == 2
    assert kept.get("fresh") == b"page" and kept.get("old0") is None
