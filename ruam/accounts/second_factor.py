"""A second factor (TOTP, RFC 6238, with django-otp) for everyone who can see residents' personal
data or configure Ruam: administrators, and the people who handle reports (district offices,
divisions, central departments, the city).

After the password, such a person either enters the six-digit code of their authenticator app,
or — the first time — scans a QR code, confirms one code and receives ten one-time recovery
codes. Until then every page answers with the way to the second step, and every API call with
403. Wrong codes count as failed sign-ins (``accounts.lockout``). ``RUAM_REQUIRE_2FA=0`` turns
the requirement off (the demo on a laptop); it is on by default.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ruam.accounts.lockout import locked, record_failure
from ruam.bodies.predicates import HANDLING_KINDS, seats
from ruam.core.errors import Bilingual

CODE_WRONG = Bilingual(
    "รหัสไม่ถูกต้องหรือหมดเวลาแล้ว โปรดลองรหัสใหม่จากแอปยืนยันตัวตน",
    "The code is wrong or has expired: try the next code from your authenticator app.",
)
SECOND_STEP = Bilingual(
    "บัญชีนี้ต้องยืนยันตัวตนสองขั้นตอนก่อน", "This account needs its second sign-in step first."
)
RECOVERY_CODES = 10
# Paths open to a person between the password and the second step.
OPEN_PATHS = ("/accounts/", "/static/", "/i18n/", "/livez", "/readyz")


def required(user) -> bool:
    """Whether this person must use a second factor."""
    if not getattr(settings, "RUAM_REQUIRE_2FA", True):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(seat.kind in HANDLING_KINDS or seat.kind == "city" for seat in seats(user))


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (made once, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


@transaction.atomic
def confirm(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """The first code from a new authenticator: the device is kept and the person gets their
    recovery codes (shown once). None when the code is wrong."""
    if not _allowed_to_try(request) or not device.verify_token(_digits(code)):
        _failed(request)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery, _ = StaticDevice.objects.get_or_create(user=device.user, name="recovery")
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    otp_login(request, device)
    return codes


def verify(request: HttpRequest, code: str) -> bool:
    """A code from the authenticator, or one of the recovery codes (each works once)."""
    if not _allowed_to_try(request):
        return False
    device = match_token(request.user, _digits(code) if code.strip().isdigit() else code.strip())
    if device is None:
        _failed(request)
        return False
    otp_login(request, device)
    return True


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch in "0123456789")


def _allowed_to_try(request: HttpRequest) -> bool:
    return not locked(request, request.user.get_username())


def _failed(request: HttpRequest) -> None:
    record_failure(request, request.user.get_username())


def next_url(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class SecondFactorMiddleware:
    """Sends a person who needs a second factor, and has not given it in this session, to the
    second step (or refuses an API call with 403) before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(OPEN_PATHS)
            and required(user)
            and not user.is_verified()
        ):
            if request.path.startswith(("/api/", "/open311/")):
                return JsonResponse(SECOND_STEP.as_dict(), status=403)
            step = "accounts:verify" if user_has_device(user) else "accounts:setup"
            return redirect(f"{reverse(step)}?next={request.get_full_path()}")
        return self.get_response(request)
