"""Shared fixtures: the database with Bangkok's reference data, people in roles, a browser.

Reference data is loaded once per test session into the test database; tests run in a
transaction that is rolled back, so each sees it fresh. Browser tests (transactional, with a
live server) load it again for themselves.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django's guard against ORM calls
# from async code would otherwise refuse the test's own queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def unavailable(message: str) -> None:
    """A dependency a test needs is missing here: skipped on a developer's machine, but a
    failure in CI (``CI`` set, as ``.ci/run`` does), where everything must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {message}", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def need_module(name: str, reason: str = "") -> object:
    """``pytest.importorskip`` that fails in CI instead of skipping."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(reason or f"{name} is not installed")


@pytest.fixture(scope="session", autouse=True)
def _required_database(django_db_blocker):
    """With RUAM_REQUIRE_POSTGRES=1 the run fails unless it really talks to PostgreSQL."""
    if os.environ.get("RUAM_REQUIRE_POSTGRES") == "1":
        from django.db import connection

        assert connection.vendor == "postgresql", (
            f"RUAM_REQUIRE_POSTGRES=1 but the database is {connection.vendor}: set DATABASE_URL"
        )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run at once (after commit) and uploads go to a temporary folder.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RUAM_SITE_URL = "https://ruam.test"
    # Tests fill forms faster than a person; tests/core/test_antispam.py checks the guard.
    settings.RUAM_FORM_MIN_SECONDS = 0
    # Most tests sign people in with force_login; tests/accounts/test_second_factor.py checks
    # the second step.
    settings.RUAM_REQUIRE_2FA = False
    # Tests write far faster than people; tests/core/test_write_limits.py checks the limit.
    settings.RUAM_RATELIMITS = settings.RUAM_RATELIMITS | {"writes": (1_000_000, 60)}
    # Pages are read again after each change: tests/core/test_pagecache.py turns the cache on.
    settings.RUAM_PAGE_CACHE_SECONDS = 0
    # Rolled-back tests reuse primary keys: cached reference rows must not outlive a test, nor
    # rate-limit leases taken from counts that were rolled back.
    from ruam.core.ratelimit import forget_leases
    from ruam.core.refcache import clear_all

    clear_all()
    forget_leases()


def jpeg(width: int = 640, height: int = 480, color=(200, 80, 40)) -> bytes:
    """A real JPEG made on the spot, for photo uploads."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo() -> bytes:
    return jpeg()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture
def reference(transactional_db):
    """For transactional tests (live server): the flush between tests removes reference data."""
    call_command("load_reference", verbosity=0)


@pytest.fixture
def make_user(django_user_model):
    counter = {"n": 0}

    def make(username: str | None = None, **extra):
        counter["n"] += 1
        username = username or f"person{counter['n']}"
        return django_user_model.objects.create_user(
            username=username, password="pw-12345!", **extra
        )

    return make


@pytest.fixture
def seat(make_user):
    """A person holding ``role`` in the body with ``body_code`` (a current term)."""
    from ruam.bodies.models import Body
    from ruam.bodies.services import appoint

    def give(body_code: str, role: str, person=None):
        person = person or make_user()
        appoint(
            person=person,
            body=Body.objects.get(code=body_code),
            role=role,
            start=dt.date(2024, 1, 1),
        )
        return person

    return give


# -- browser ----------------------------------------------------------------------------------


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("RUAM_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("RUAM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, settings):
    # No tile server in tests: the map shows Ruam's own layers only, and nothing leaves the machine.
    settings.RUAM_MAP_TILE_URL = ""
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, settings):
    settings.RUAM_MAP_TILE_URL = ""
    context = browser.new_context(
        locale="th-TH", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
