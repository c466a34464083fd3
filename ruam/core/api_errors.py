"""How the JSON API refuses: the right status and a message in Thai and English."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ruam.core.errors import (
    FORBIDDEN,
    INVALID_INPUT,
    NOT_FOUND,
    Bilingual,
    InvalidInput,
    NotAllowed,
)

CSRF_FAILED = Bilingual(
    "ส่งคำขอไม่ได้: โปรแกรมต้องส่งคีย์ API ในส่วนหัว X-Api-Key "
    "หรือส่งจากหน้าเว็บที่เข้าสู่ระบบแล้ว (ไม่ผ่านการตรวจสอบ CSRF)",
    "Not accepted: a program must send its API key in the X-Api-Key header, or post from a "
    "signed-in page (CSRF check failed).",
)


class ApiError(Exception):
    def __init__(self, status: int, message: Bilingual, **extra) -> None:
        super().__init__(message.en)
        self.status, self.message, self.extra = status, message, extra


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(request, exc.message.as_dict() | exc.extra, status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in err.get("loc", [])[1:]) or None,
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors
        ]
        return api.create_response(
            request, INVALID_INPUT.as_dict() | {"errors": errors}, status=422
        )

    @api.exception_handler(InvalidInput)
    def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=422)

    @api.exception_handler(NotAllowed)
    def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return api.create_response(request, exc.message.as_dict(), status=403)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, FORBIDDEN.as_dict(), status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 404:
            message = NOT_FOUND
        elif exc.status_code == 403 and "CSRF" in str(exc):
            # A POST with neither an API key nor a signed-in page's CSRF token.
            message = CSRF_FAILED
        else:
            message = Bilingual(str(exc), str(exc))
        return api.create_response(request, message.as_dict(), status=exc.status_code)
