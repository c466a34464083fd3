"""Password guessing is stopped on every sign-in path (the admin's too), per account and per
address, without locking out the colleagues who share an address."""

import time

import pytest
from django.test import Client

from ruam.core import ratelimit

pytestmark = pytest.mark.django_db
GOOD = "pw-12345!"


def sign_in(path: str, username: str, password: str, address: str = "10.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(path, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", GOOD)


def test_the_admin_sign_in_stops_guessing_even_with_the_right_password(admin_user):
    for _ in range(5):
        _, signed_in = sign_in("/admin/login/", "boss", "wrong")
        assert not signed_in
    response, signed_in = sign_in("/admin/login/", "boss", GOOD)
    assert not signed_in
    assert "ลงชื่อเข้าใช้ผิดหลายครั้งเกินไป" in response.content.decode()


def test_colleagues_behind_the_same_address_still_sign_in(make_user):
    make_user("alice")
    make_user("bob")
    for _ in range(5):
        sign_in("/accounts/login/", "alice", "wrong", "203.0.113.7")
    response, signed_in = sign_in("/accounts/login/", "alice", GOOD, "203.0.113.7")
    assert response.status_code == 429 and not signed_in
    assert "Too many failed sign-ins" in response.content.decode()
    # Bob, at the next desk, is not affected; nor is Alice from home.
    assert sign_in("/accounts/login/", "bob", GOOD, "203.0.113.7")[1]
    assert sign_in("/admin/login/", "alice", GOOD, "198.51.100.2")[0].status_code in {200, 302}
    assert sign_in("/accounts/login/", "alice", GOOD, "198.51.100.2")[1]


def test_guessing_one_account_from_many_addresses_locks_the_account(admin_user):
    for i in range(20):
        sign_in("/admin/login/", "boss", f"guess-{i}", f"192.0.2.{i % 4}")
    assert not sign_in("/admin/login/", "boss", GOOD, "192.0.2.200")[1]


def test_one_address_trying_many_accounts_is_stopped(settings, make_user):
    limit = 8
    settings.RUAM_RATELIMITS = settings.RUAM_RATELIMITS | {"signin_address": (limit, 3600)}
    make_user("carol")
    for i in range(limit):
        sign_in("/accounts/login/", f"nobody{i}", "wrong", "203.0.113.9")
    assert not sign_in("/accounts/login/", "carol", GOOD, "203.0.113.9")[1]
    assert sign_in("/accounts/login/", "carol", GOOD, "203.0.113.10")[1]


def test_the_lock_ends_with_its_window(make_user, monkeypatch):
    make_user("dave")
    for _ in range(5):
        sign_in("/accounts/login/", "dave", "wrong")
    assert not sign_in("/accounts/login/", "dave", GOOD)[1]
    later = time.time() + 3601  # past the 15-minute and the hour windows
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    assert sign_in("/accounts/login/", "dave", GOOD)[1]


def test_a_right_password_under_the_limit_signs_in(make_user):
    make_user("erin")
    for _ in range(4):
        sign_in("/accounts/login/", "erin", "wrong")
    assert sign_in("/accounts/login/", "erin", GOOD)[1]


def test_any_other_sign_in_path_is_refused_while_locked(make_user, rf):
    """Every authenticate() call goes through the lock, not only the two sign-in forms."""
    from django.contrib.auth import authenticate

    make_user("frank")
    request = rf.post("/", REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        assert authenticate(request, username="frank", password="wrong") is None
    assert authenticate(request, username="frank", password=GOOD) is None
    assert authenticate(rf.post("/", REMOTE_ADDR="10.9.9.8"), username="frank", password=GOOD)
