"""How the JSON API refuses: the right status and a message in Thai and English.

Every refusal has the same shape (``ErrorOut``): ``detail`` in the request's language,
``message_th`` and ``message_en``, and for a 422 ``errors``, one entry per field at fault, each
in both languages too. ``declare`` lists the refusals an operation can give, so that the OpenAPI
document says what the API really answers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ruam.core.errors import (
    FORBIDDEN,
    INVALID_INPUT,
    NOT_FOUND,
    Bilingual,
    InvalidInput,
    NotAllowed,
    StorageFull,
)

CSRF_FAILED = Bilingual(
    "ส่งคำขอไม่ได้: โปรแกรมต้องส่งคีย์ API ในส่วนหัว X-Api-Key "
    "หรือส่งจากหน้าเว็บที่เข้าสู่ระบบแล้ว (ไม่ผ่านการตรวจสอบ CSRF)",
    "Not accepted: a program must send its API key in the X-Api-Key header, or post from a "
    "signed-in page (CSRF check failed).",
)
BAD_BODY = Bilingual(
    "อ่านเนื้อหาของคำขอไม่ได้: ต้องเป็น JSON ที่เข้ารหัสแบบ UTF-8",
    "The request body cannot be read: send JSON encoded as UTF-8.",
)
TOO_MANY = Bilingual("ส่งคำขอถี่เกินไป", "Too many requests.")

# A field's problem, by pydantic's error type; {name} is filled from the error's context.
FIELD_MESSAGES = {
    "missing": Bilingual("ต้องระบุช่องนี้", "This field is required."),
    "int_parsing": Bilingual(
        "ต้องเป็นจำนวนเต็มที่เขียนด้วยเลข 0–9", "Must be a whole number written with the digits 0–9."
    ),
    "int_from_float": Bilingual("ต้องเป็นจำนวนเต็ม", "Must be a whole number."),
    "int_type": Bilingual("ต้องเป็นจำนวนเต็ม", "Must be a whole number."),
    "float_parsing": Bilingual("ต้องเป็นตัวเลข", "Must be a number."),
    "float_type": Bilingual("ต้องเป็นตัวเลข", "Must be a number."),
    "finite_number": Bilingual("ต้องเป็นตัวเลขที่มีค่าจำกัด", "Must be a finite number."),
    "greater_than_equal": Bilingual("ต้องไม่น้อยกว่า {ge}", "Must be at least {ge}."),
    "greater_than": Bilingual("ต้องมากกว่า {gt}", "Must be greater than {gt}."),
    "less_than_equal": Bilingual("ต้องไม่เกิน {le}", "Must be at most {le}."),
    "less_than": Bilingual("ต้องน้อยกว่า {lt}", "Must be less than {lt}."),
    "string_type": Bilingual("ต้องเป็นข้อความ", "Must be text."),
    "string_too_short": Bilingual(
        "ต้องมีอย่างน้อย {min_length} ตัวอักษร", "Must be at least {min_length} characters."
    ),
    "string_too_long": Bilingual(
        "ต้องมีไม่เกิน {max_length} ตัวอักษร", "Must be at most {max_length} characters."
    ),
    "string_pattern_mismatch": Bilingual("รูปแบบไม่ถูกต้อง", "Not in the expected form."),
    "too_long": Bilingual("มีได้ไม่เกิน {max_length} รายการ", "At most {max_length} items."),
    "list_type": Bilingual("ต้องเป็นรายการ", "Must be a list."),
    "bool_parsing": Bilingual("ต้องเป็น true หรือ false", "Must be true or false."),
    "bool_type": Bilingual("ต้องเป็น true หรือ false", "Must be true or false."),
    "enum": Bilingual("ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {expected}", "Must be one of {expected}."),
    "literal_error": Bilingual("ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {expected}", "Must be one of {expected}."),
    "datetime_parsing": Bilingual(
        "วันเวลาไม่ถูกต้อง ใช้รูปแบบ ISO 8601 เช่น 2026-01-31 หรือ 2026-01-31T00:00:00+07:00",
        "Not a valid date-time: use ISO 8601, e.g. 2026-01-31 or 2026-01-31T00:00:00+07:00.",
    ),
    "dict_type": Bilingual("ต้องเป็นออบเจกต์ JSON", "Must be a JSON object."),
    "model_attributes_type": Bilingual("ต้องเป็นออบเจกต์ JSON", "Must be a JSON object."),
}
for _alias in ("datetime_from_date_parsing", "datetime_type", "date_from_datetime_parsing"):
    FIELD_MESSAGES[_alias] = FIELD_MESSAGES["datetime_parsing"]
SOME_FIELD_WRONG = Bilingual("ค่าในช่องนี้ไม่ถูกต้อง", "This value is not valid.")


class FieldError(Schema):
    field: str | None
    message: str
    message_th: str
    message_en: str
    type: str | None = None


class ErrorOut(Schema):
    """Every refusal: a message in both languages, and the fields at fault for a 422."""

    detail: str
    message_th: str
    message_en: str
    errors: list[FieldError] | None = None


# The refusals the API gives: 400 a body that is not JSON in UTF-8, 401 no valid key nor
# session, 403 not permitted (or a session's POST without a CSRF token), 404, 413 a body too
# large, 422 a parameter or field wrong (``errors`` names each), 429 too many requests.
REFUSALS = frozenset({400, 401, 403, 404, 413, 422, 429, 503, 507})


def declare(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response={200: X, **declare(404, 422)}``: the refusals an operation can answer."""
    unknown = set(statuses) - REFUSALS
    if unknown:
        raise ValueError(f"undocumented refusal status: {sorted(unknown)}")
    return dict.fromkeys(statuses, ErrorOut)


def megabytes(n_bytes: int) -> str:
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:.3g} KB"
    return f"{n_bytes / (1024 * 1024):.3g} MB"


def body_too_large(limit: int) -> Bilingual:
    size = megabytes(limit)
    return Bilingual(
        f"เนื้อหาของคำขอใหญ่เกินไป (สูงสุด {size})",
        f"The request body is too large (at most {size}).",
    )


class ApiError(Exception):
    def __init__(self, status: int, message: Bilingual, **extra) -> None:
        super().__init__(message.en)
        self.status, self.message, self.extra = status, message, extra


def field_error(err: dict) -> dict:
    """One of pydantic's errors as the API says it: the field, and the problem in both
    languages (ours where we refused, a known wording by type, else pydantic's in English)."""
    ctx = err.get("ctx") or {}
    if "message_th" in ctx:
        message = Bilingual(str(ctx["message_th"]), err.get("msg", ""))
    elif err.get("type") in FIELD_MESSAGES:
        template = FIELD_MESSAGES[err["type"]]
        try:
            message = Bilingual(template.th.format(**ctx), template.en.format(**ctx))
        except (KeyError, IndexError, ValueError):
            message = Bilingual(SOME_FIELD_WRONG.th, err.get("msg", "") or SOME_FIELD_WRONG.en)
    else:
        message = Bilingual(SOME_FIELD_WRONG.th, err.get("msg", "") or SOME_FIELD_WRONG.en)
    return {
        "field": ".".join(str(p) for p in err.get("loc", [])[1:]) or None,
        "message": str(message),
        "message_th": message.th,
        "message_en": message.en,
        "type": err.get("type", ""),
    }


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(request, exc.message.as_dict() | exc.extra, status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [field_error(err) for err in exc.errors]
        return api.create_response(
            request, INVALID_INPUT.as_dict() | {"errors": errors}, status=422
        )

    @api.exception_handler(InvalidInput)
    def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=422)

    @api.exception_handler(StorageFull)
    def storage_full(request: HttpRequest, exc: StorageFull) -> HttpResponse:
        return api.create_response(request, exc.message.as_dict(), status=exc.status)

    @api.exception_handler(NotAllowed)
    def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return api.create_response(request, exc.message.as_dict(), status=403)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, FORBIDDEN.as_dict(), status=401)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # Django's cap on a body read into memory; an endpoint that takes more (a report with
        # photos) reads its body itself, up to its own limit.
        message = body_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return api.create_response(request, message.as_dict(), status=413)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 404:
            message = NOT_FOUND
        elif exc.status_code == 403 and "CSRF" in str(exc):
            # A POST with neither an API key nor a signed-in page's CSRF token.
            message = CSRF_FAILED
        elif exc.status_code == 400:
            # The only 400 Ninja raises: a body that is not JSON (or not UTF-8).
            message = BAD_BODY
        else:
            message = Bilingual(str(exc), str(exc))
        return api.create_response(request, message.as_dict(), status=exc.status_code)
