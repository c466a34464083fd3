"""A second factor for the people who can see residents' personal data (officials) and for
administrators: set up once with an authenticator app, asked at every new sign-in."""

import re
import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ruam.bodies.models import Role

pytestmark = pytest.mark.django_db
GOOD = "pw-12345!"


@pytest.fixture(autouse=True)
def _require(settings, monkeypatch):
    # The authenticator's clock stands still: a test that runs across a 30-second step (a
    # busy machine) would otherwise find "the code just used" fresh again.
    start = int(time.time())
    monkeypatch.setattr("django_otp.oath.time", lambda: start)
    settings.RUAM_REQUIRE_2FA = True
    # django-otp also makes a device wait a second or more after a wrong code; these tests
    # send the right code at once, and the lockout's counts are what they check.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in(username: str, address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post("/accounts/login/", {"username": username, "password": GOOD})
    return client


def code_for(user, steps_ahead: int = 0) -> str:
    """The app's code now, or a step later: a code once used is never taken again, so a
    second sign-in within the same 30 seconds uses the next one (the device allows one step
    of clock drift)."""
    device = TOTPDevice.objects.get(user=user)
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead
    )
    return f"{value:06d}"


def set_up(client: Client, user) -> list[str]:
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    done = client.post("/accounts/2fa/setup/", {"code": code_for(user), "next": "/inbox/"})
    return re.findall(r"<code>([a-z0-9]+)</code>", done.content.decode())


def test_an_official_sets_up_the_second_step_before_anything_else(seat):
    official = seat("division-1046-works", Role.OFFICIAL)
    official.username = "works"
    official.save()
    client = sign_in("works")
    page = client.get("/inbox/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/api/v1/reports").status_code == 403  # API calls too, with a session
    wrong = client.post("/accounts/2fa/setup/", {"code": "000000"})
    assert wrong.status_code == 422 and not TOTPDevice.objects.get(user=official).confirmed
    codes = set_up(client, official)
    assert len(codes) == 10
    assert client.get("/inbox/").status_code == 200


def test_every_new_sign_in_asks_for_a_code(seat):
    official = seat("division-1046-works", Role.OFFICIAL)
    official.username = "works"
    official.save()
    codes = set_up(sign_in("works"), official)
    client = sign_in("works", "10.0.0.2")
    page = client.get("/inbox/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/2fa/?next=/inbox/")
    assert client.post("/accounts/2fa/", {"code": "123456"}).status_code == 422
    assert client.get("/inbox/").status_code == 302
    assert client.post("/accounts/2fa/", {"code": code_for(official)}).status_code == 422  # used
    answer = client.post("/accounts/2fa/", {"code": code_for(official, 1), "next": "/inbox/"})
    assert answer.status_code == 302 and answer["Location"] == "/inbox/"
    assert client.get("/inbox/").status_code == 200
    # A recovery code signs in once, and only once.
    for expected in (302, 422):
        other = sign_in("works", "10.0.0.3")
        assert other.post("/accounts/2fa/", {"code": codes[0]}).status_code == expected


def test_guessing_codes_is_stopped_like_guessing_passwords(seat):
    official = seat("division-1046-works", Role.OFFICIAL)
    official.username = "works"
    official.save()
    set_up(sign_in("works"), official)
    client = sign_in("works", "10.0.0.9")
    for _ in range(5):
        client.post("/accounts/2fa/", {"code": "000000"})
    client.post("/accounts/2fa/", {"code": code_for(official, 1)})
    assert client.get("/inbox/").status_code == 302  # still not through


def test_administrators_need_it_and_residents_do_not(django_user_model, make_user):
    django_user_model.objects.create_superuser("boss", "boss@example.com", GOOD)
    admin = Client()
    admin.post("/admin/login/", {"username": "boss", "password": GOOD})
    assert admin.get("/admin/").status_code == 302
    make_user("somsri")
    resident = sign_in("somsri")
    assert resident.get("/my-data/").status_code == 200
    assert not TOTPDevice.objects.filter(user__username="somsri").exists()
