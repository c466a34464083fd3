"""Open311 GeoReport v2 server, with mySociety's ``servicerequestupdates`` extension.

Services are Ruam's active categories (service_code = the category's id). Requests are reports:
the service_request_id is the report's tracking code. Reading is public and never returns
personal data; creating needs an API key (``ruam apikey create NAME``) and goes through
``ruam.reports.services.submit_report`` like every other channel. See docs/OPEN311.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ruam.accounts.services import api_key_from
from ruam.core.api_schemas import moment_problem
from ruam.core.errors import Bilingual, InvalidInput, NotAllowed, StorageFull
from ruam.core.ratelimit import allow
from ruam.framework.lookups import category_id
from ruam.framework.models import Category
from ruam.integrations.open311 import messages as M
from ruam.integrations.open311 import serializers
from ruam.integrations.open311.formats import BANGKOK, FORMATS, absolute, errors, render
from ruam.integrations.open311.updates import post_update
from ruam.reports.forms import read_files
from ruam.reports.models import Channel, Report, ReportEvent, normalise_code
from ruam.reports.selectors import public_reports
from ruam.reports.services import submit_report
from ruam.reports.statuses import CLOSED, OPEN
from ruam.reports.validation import contact as check_contact

MAX_RESULTS = 1000
REQUESTS_WINDOW = dt.timedelta(days=90)
UPDATES_WINDOW = dt.timedelta(hours=24)
CHANGESET = "2026-11-24T00:00:00+07:00"

# Ruam's field names (in submit_report's errors) → the Open311 argument the client sent.
FIELDS = {
    "categories": "service_code",
    "location": "lat/long",
    "district": "lat/long",
    "lon": "long",
    "address": "address_string",
    "contact_name": "first_name/last_name",
    "contact_email": "email",
    "contact_phone": "phone",
    "consent": "attribute[contact_consent]",
    "photos": "media",
}
TRUE = {"true", "1", "yes"}
# consent_version of contact details whose consent the key's owner attests its service took.
CLIENT_ATTESTED = "client-attested"
FALSE = {"false", "0", "no", ""}


class Problem(Exception):
    """An Open311 error answer: the HTTP status and one or more (field, message)."""

    def __init__(self, status: int, *problems: tuple[str, Bilingual]) -> None:
        super().__init__("; ".join(f"{field}: {msg.en}" for field, msg in problems))
        self.status, self.problems = status, list(problems)


def endpoint(*methods: str) -> Callable:
    """Check the format and the method, turn a Problem into the spec's error answer."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in FORMATS:
                response = errors("xml", 404, [("format", M.FORMAT_UNKNOWN)])
            elif request.method not in allowed:
                response = errors(fmt, 405, [("", M.METHOD_NOT_ALLOWED)])
                response["Allow"] = ", ".join(sorted(allowed))
            else:
                try:
                    response = view(request, fmt, **kwargs)
                except Problem as exc:
                    response = errors(fmt, exc.status, exc.problems)
            if request.method in {"GET", "HEAD"}:
                # Public, read-only data: any web page may read it.
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return run

    return wrap


# -- helpers -----------------------------------------------------------------------------------


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _moment(request: HttpRequest, name: str) -> dt.datetime | None:
    value = (request.GET.get(name) or "").strip()
    if not value:
        return None
    # An unencoded "+07:00" arrives as " 07:00".
    value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Problem(400, (name, M.DATE_INVALID)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BANGKOK)
    # Year 1 or 9999, or an offset no time zone has, cannot be moved to UTC or into a window.
    problem = moment_problem(moment)
    if problem is not None:
        raise Problem(400, (name, problem))
    return moment


def _window(
    request: HttpRequest, span: dt.timedelta, *, limit_span: bool
) -> tuple[dt.datetime, dt.datetime]:
    """start_date/end_date, with the default window when one or both are missing."""
    start, end = _moment(request, "start_date"), _moment(request, "end_date")
    if start is None and end is None:
        end = timezone.now()
        start = end - span
    elif start is None:
        start = end - span
    elif end is None:
        end = start + span if limit_span else timezone.now()
    if end < start:
        raise Problem(400, ("end_date", M.DATE_ORDER))
    if limit_span and end - start > span:
        raise Problem(400, ("end_date", M.DATE_SPAN))
    return start, end


def _base_url() -> str:
    return absolute(reverse("open311:discovery", kwargs={"fmt": "xml"})).rsplit("/", 1)[0] + "/"


# -- discovery and services ----------------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    data = {
        "changeset": CHANGESET,
        "contact": f"Ruam / ร่วม: {absolute('/')}",
        "key_service": "API keys for POST requests are issued by Ruam's administrators "
        "(ruam apikey create NAME) / ขอ api_key สำหรับส่งเรื่องได้จากผู้ดูแลระบบร่วม",
        "endpoints": [
            {
                "specification": serializers.SPECIFICATION,
                "url": _base_url(),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", data)


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    categories = Category.objects.filter(is_active=True).select_related("area").order_by("pk")
    return render(fmt, "services", [serializers.service(c) for c in categories])


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    pk = category_id(code)
    category = Category.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    if category is None:
        raise Problem(404, ("service_code", M.SERVICE_UNKNOWN))
    return render(fmt, "service_definition", serializers.service_definition(category))


# -- service requests ----------------------------------------------------------------------


@csrf_exempt
@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


def _not_utf8(body: bytes) -> str | None:
    """The first field of a urlencoded body whose name or value is not UTF-8 (Django would
    quietly turn those bytes into U+FFFD), or None."""
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode()
            except UnicodeDecodeError:
                return unquote_to_bytes(name.replace(b"+", b" ")).decode(errors="replace")[:100]
    return None


def _form(request: HttpRequest) -> tuple[QueryDict, list]:
    """The POST's fields and ``media`` files, or a Problem: text that is not UTF-8 or holds NUL
    is refused rather than stored damaged. In multipart, Django has already replaced bytes that
    were not UTF-8 by U+FFFD, so U+FFFD is taken for them."""
    try:
        if request.content_type == "multipart/form-data":
            data, files = request.POST, request.FILES.getlist("media")
            damaged = next(
                (n for n, vs in data.lists() if "\ufffd" in n or any("\ufffd" in v for v in vs)),
                None,
            )
        else:
            damaged = None
            if request.content_type == "application/x-www-form-urlencoded":
                damaged = _not_utf8(request.body)
            data, files = request.POST, []
    except RequestDataTooBig:
        raise Problem(413, ("", M.form_too_large())) from None
    except (TooManyFieldsSent, TooManyFilesSent):
        raise Problem(400, ("", M.FORM_TOO_MANY_PARTS)) from None
    except MultiPartParserError:
        raise Problem(400, ("", M.FORM_UNREADABLE)) from None
    except BadRequest:  # Django reads urlencoded forms in UTF-8 only, whatever the charset said
        raise Problem(400, ("", M.NOT_UTF8)) from None
    if damaged is not None:
        raise Problem(400, (damaged[:100], M.NOT_UTF8))
    for name, values in data.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            raise Problem(400, (name.replace("\x00", ""), M.NULL_CHARACTER))
    return data, files


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data, files = _form(request)
    key = api_key_from(data.get("api_key"))
    if key is None:
        raise Problem(403, ("api_key", M.KEY_INVALID))
    if not allow("report_api", f"open311:{key.pk}"):
        raise Problem(429, ("", M.TOO_MANY))

    problems: list[tuple[str, Bilingual]] = []
    service_code = (data.get("service_code") or "").strip()
    service_id = category_id(service_code)
    if not service_code:
        problems.append(("service_code", M.SERVICE_CODE_REQUIRED))
    elif service_id is None:
        problems.append(("service_code", M.SERVICE_UNKNOWN))
    lat, lon = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    if not (lat and lon):
        problems.append(("lat/long", M.LOCATION_REQUIRED))
    consent_value = (data.get("attribute[contact_consent]") or "").strip().lower()
    if consent_value not in TRUE | FALSE:
        problems.append(("attribute[contact_consent]", M.CONSENT_INVALID))
    if problems:
        raise Problem(400, *problems)

    name = f"{data.get('first_name') or ''} {data.get('last_name') or ''}".strip()
    contact, consent, version, dropped = _contact(key, name, data, consent_value)
    try:
        result = submit_report(
            description=data.get("description") or "",
            channel=Channel.OPEN311,
            lat=lat,
            lon=lon,
            address=data.get("address_string") or "",
            categories=[str(service_id)],
            contact_name=contact[0],
            contact_email=contact[1],
            contact_phone=contact[2],
            consent=consent,
            consent_version=version,
            # Photos as files (multipart `media`, up to 5), checked as the web form's are.
            photos=read_files(files),
            idempotency_scope=f"open311:{key.pk}",
            idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:200],
            actor_body=key.body,
            api_key=key,
        )
    except InvalidInput as exc:
        raise Problem(400, *((FIELDS.get(f, f), msg) for f, msg in exc.errors.items())) from None
    except StorageFull as exc:
        raise Problem(exc.status, ("media", exc.message)) from None
    report = result.report
    notice = serializers.notice(report)
    if dropped is not None:
        notice += f" ({dropped.en} / {dropped.th})"
    answer = [{"service_request_id": report.code, "service_notice": notice, "account_id": None}]
    return render(fmt, "service_requests", answer, status=201 if result.created else 200)


def _contact(
    key, name: str, data: QueryDict, consent_value: str
) -> tuple[tuple[str, str, str], bool, str, Bilingual | None]:
    """The contact details to keep, whether consent was given, its notice's version, and why
    any were dropped. A report is never refused over contact details: without consent (the
    ``contact_consent`` attribute, or the key's owner attesting that its service collects it)
    or when they are not valid, the report is kept and the details are not stored."""
    contact = (name, (data.get("email") or "").strip(), (data.get("phone") or "").strip())
    if not any(contact):
        return ("", "", ""), False, "", None
    if consent_value in TRUE:
        consent, version = True, ""  # Ruam's own notice, as the service definition shows it
    elif not consent_value and key.client_collects_consent:
        consent, version = True, CLIENT_ATTESTED
    else:
        return ("", "", ""), False, "", M.CONTACT_DROPPED_NO_CONSENT
    problems: dict[str, Bilingual] = {}
    check_contact(problems, *contact, consent)
    if problems:
        return ("", "", ""), False, "", M.CONTACT_DROPPED_INVALID
    return contact, consent, version, None


def _search(request: HttpRequest, fmt: str) -> HttpResponse:
    reports = public_reports()
    ids = _list(request.GET.get("service_request_id"))
    if ids:
        # The spec: a list of ids overrides every other argument.
        reports = reports.filter(code__in=[normalise_code(i) for i in ids[:MAX_RESULTS]])
    else:
        start, end = _window(request, REQUESTS_WINDOW, limit_span=True)
        reports = reports.filter(created__gte=start, created__lte=end)
        codes = _list(request.GET.get("service_code"))
        if codes:
            pks = [pk for pk in map(category_id, codes) if pk is not None]
            reports = reports.filter(categories__pk__in=pks).distinct()
        statuses = {s.lower() for s in _list(request.GET.get("status"))}
        if statuses - {"open", "closed"}:
            raise Problem(400, ("status", M.STATUS_INVALID))
        if statuses == {"open"}:
            reports = reports.filter(status__in=OPEN)
        elif statuses == {"closed"}:
            reports = reports.filter(status__in=CLOSED)
    found = list(reports.order_by("-created", "-pk")[:MAX_RESULTS])
    return render(fmt, "service_requests", serializers.service_requests(found))


def _report(code: str) -> Report | None:
    return public_reports().filter(code=normalise_code(code)).first()


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    report = _report(request_id)
    if report is None:
        raise Problem(404, ("service_request_id", M.REQUEST_UNKNOWN))
    return render(fmt, "service_requests", serializers.service_requests([report]))


@endpoint("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """Requests are created at once, so a token is simply the service_request_id."""
    report = _report(token)
    if report is None:
        raise Problem(404, ("token", M.TOKEN_UNKNOWN))
    return render(fmt, "service_requests", [{"service_request_id": report.code, "token": token}])


# -- updates (mySociety's extension) ---------------------------------------------------------


@csrf_exempt
@endpoint("GET", "POST")
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_update(request, fmt)
    start, end = _window(request, UPDATES_WINDOW, limit_span=False)
    events = (
        ReportEvent.objects.filter(created__gte=start, created__lte=end)
        .exclude(kind__in=serializers.NOT_UPDATES)
        .select_related("report")
        .prefetch_related("photos")
        .order_by("created", "pk")[:MAX_RESULTS]
    )
    return render(fmt, "service_request_updates", serializers.updates(list(events)))


def _post_update(request: HttpRequest, fmt: str) -> HttpResponse:
    """A resident's update for a request this key sent: reopens, confirms or annotates it."""
    data, _ = _form(request)
    key = api_key_from(data.get("api_key"))
    if key is None:
        raise Problem(403, ("api_key", M.KEY_INVALID))
    if not allow("report_api", f"open311:{key.pk}"):
        raise Problem(429, ("", M.TOO_MANY))
    request_id = (data.get("service_request_id") or "").strip()
    if not request_id:
        raise Problem(400, ("service_request_id", M.REQUEST_ID_REQUIRED))
    report = _report(request_id)
    if report is None:
        raise Problem(404, ("service_request_id", M.REQUEST_UNKNOWN))
    try:
        posted = post_update(
            key=key,
            report=report,
            description=data.get("description") or "",
            status=data.get("status") or "",
            update_id_ext=data.get("update_id_ext") or "",
        )
    except NotAllowed as exc:
        raise Problem(403, ("service_request_id", exc.message)) from None
    except InvalidInput as exc:
        raise Problem(400, *exc.errors.items()) from None
    answer = [{"update_id": str(posted.event.pk)}]
    return render(fmt, "service_request_updates", answer, status=201 if posted.created else 200)
