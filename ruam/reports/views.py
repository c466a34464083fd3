"""Residents' pages: report a problem, see similar ones nearby, follow, confirm or reopen."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ruam.core.errors import Bilingual, InvalidInput, StorageFull
from ruam.core.permissions import allowed
from ruam.core.ratelimit import allow, client_address
from ruam.core.web import add_errors, attempt
from ruam.core.web import in_language as both
from ruam.reports import held, services
from ruam.reports import validation as check
from ruam.reports.forms import RatingForm, ReasonForm, ReportForm, read_files
from ruam.reports.models import Channel, Report, normalise_code
from ruam.reports.rules import Presented
from ruam.reports.selectors import nearby_open, public_reports
from ruam.reports.statuses import allowed_for_reporter

SESSION_KEYS = "report_keys"


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _remember_key(request: HttpRequest, code: str, key: str) -> None:
    keys = request.session.get(SESSION_KEYS, {})
    keys[code] = key
    request.session[SESSION_KEYS] = keys


def reporter_key(request: HttpRequest, report: Report) -> str | None:
    key = request.GET.get("key") or request.POST.get("key")
    if key and report.reporter_key_matches(key):
        _remember_key(request, report.code, key)
        return key
    return request.session.get(SESSION_KEYS, {}).get(report.code)


def _fingerprint(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return hashlib.sha256(request.session.session_key.encode()).hexdigest()


def get_report(code: str) -> Report:
    report = public_reports().filter(code=normalise_code(code)).first()
    if report is None:
        raise Http404
    return report


def kept_photos(request: HttpRequest) -> list[tuple[str, bytes]]:
    """The photos a refused form kept (held.py) that the person did not remove since."""
    dropped = set(request.POST.getlist("drop_photo"))
    return held.read(
        [t for t in request.POST.getlist("held_photos") if t not in dropped],
        submission=request.POST.get("submission", ""),
    )


def hold_photos(request: HttpRequest, kept: list[tuple[str, bytes]]) -> list[held.HeldPhoto]:
    """For a form shown again: the photos kept before and those chosen this time, held."""
    chosen = []
    for upload in request.FILES.getlist("photos"):
        upload.seek(0)
        chosen.append(upload.read())
    tokens = [token for token, _ in kept]
    held_photos = [held.HeldPhoto(t, n) for n, t in enumerate(tokens, 1)]
    submission = request.POST.get("submission", "")
    return held_photos + held.keep(chosen, submission=submission, start=len(held_photos) + 1)


def _refused(request: HttpRequest, form, kept, status: int, **extra) -> HttpResponse:
    """The form again, what was typed in it and the photos already chosen kept (held.py)."""
    context = {"form": form, "held": hold_photos(request, kept), **extra}
    return render(request, "reports/new.html", context, status=status)


def report_new(request: HttpRequest) -> HttpResponse:
    nearby = []
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        kept = kept_photos(request)
        if form.is_valid():
            data = form.cleaned_data
            lat, lon = _float(data["lat"]), _float(data["lon"])
            if "check" in request.POST:
                # Without JavaScript: show similar open reports before sending.
                if lat is not None and lon is not None:
                    nearby = nearby_open(lat, lon)
                place = _place(lat, lon)
                return _refused(
                    request,
                    form,
                    kept,
                    200,
                    nearby=nearby,
                    checked=True,
                    place=place,
                    pinned=lat is not None and lon is not None,
                )
            if not allow("report_web", client_address(request)):
                form.add_error(None, both(TOO_MANY))
                return _refused(request, form, kept, 429)
            try:
                result = services.submit_report(
                    description=data["description"],
                    channel=Channel.WEB,
                    lat=data["lat"],
                    lon=data["lon"],
                    address=data["address"],
                    district_code=data["district"] or None,
                    categories=data["categories"],
                    reporter=request.user,
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    consent=data["consent"],
                    photos=[photo for _, photo in kept] + read_files(data["photos"]),
                    idempotency_scope="web",
                    idempotency_key=data["submission"],
                    suggestion=data["suggestion"],
                )
            except InvalidInput as exc:
                add_errors(form, exc, aliases={"location": "lat"})
                return _refused(request, form, kept, 422)
            except StorageFull as exc:
                form.add_error(None, both(exc.message))  # what was typed is kept
                return _refused(request, form, kept, exc.status)
            held.release([token for token, _ in kept], submission=data["submission"])
            report = result.report
            if result.reporter_key:
                _remember_key(request, report.code, result.reporter_key)
            url = reverse("reports:detail", args=[report.code])
            key = request.session.get(SESSION_KEYS, {}).get(report.code)
            return redirect(f"{url}?sent=1" + (f"&key={key}" if key else ""))
        return _refused(request, form, kept, 422)
    form = ReportForm(
        initial={"lat": request.GET.get("lat", ""), "lon": request.GET.get("lon", "")}
    )
    return render(request, "reports/new.html", {"form": form})


TOO_MANY = Bilingual(
    "ส่งเรื่องถี่เกินไป โปรดลองใหม่ภายหลัง", "Too many reports from here: please try again later."
)


@require_GET
def nearby(request: HttpRequest) -> HttpResponse:
    """Up to 5 open reports within 250 m: a page fragment for the report form."""
    lat, lon = _float(request.GET.get("lat")), _float(request.GET.get("lon"))
    found = nearby_open(lat, lon) if lat is not None and lon is not None else []
    context = {
        "nearby": found,
        "checked": True,
        "place": _place(lat, lon),
        "pinned": lat is not None and lon is not None,
    }
    return render(request, "reports/_nearby.html", context)


def _place(lat: float | None, lon: float | None):
    """The เขต and แขวง of a pin, as the report will be filed (or None outside Bangkok)."""
    if lat is None or lon is None:
        return None
    return check.place({}, lat, lon, None, "")


def report_detail(request: HttpRequest, code: str) -> HttpResponse:
    report = get_report(code)
    if report.code != code:
        return redirect(report)
    key = reporter_key(request, report)
    events = report.events.select_related("actor_body", "target_body").prefetch_related("photos")
    presented = Presented(report, key)
    reporter = allowed(request.user, "reports.rate", presented)
    can_confirm = allowed(request.user, "reports.confirm_fix", presented) and (
        "confirmed" in allowed_for_reporter(report.status)
    )
    photos = list(report.photos.all())  # one query for the report's and the fix's photos
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "events": events,
            "photos": [p for p in photos if p.kind == "report"],
            "after_photos": [p for p in photos if p.kind != "report"],
            "is_reporter": reporter,
            "reporter_key": key if reporter else None,
            "can_confirm": can_confirm,
            "can_reopen": allowed(request.user, "reports.reopen", presented)
            and "reopened" in allowed_for_reporter(report.status),
            "can_rate": reporter and report.status in {"finished", "confirmed", "closed_unfixed"},
            "can_support": report.is_open and not reporter,
            "can_handle": allowed(request.user, "reports.handle_report", report),
            "reason_form": ReasonForm(),
            "rating_form": RatingForm(initial={"stars": report.rating}),
            "sent": request.GET.get("sent") == "1",
            "private_link": request.build_absolute_uri(f"{report.get_absolute_url()}?key={key}")
            if reporter and key
            else None,
        },
    )


def _reporter_action(request: HttpRequest, code: str, action) -> HttpResponse:
    report = get_report(code)
    key = reporter_key(request, report)
    attempt(request, lambda: action(report, key))
    # Back to the page the resident came from: with the private link, if they used one.
    sent_key = request.POST.get("key", "")
    if sent_key and report.reporter_key_matches(sent_key):
        return redirect(f"{report.get_absolute_url()}?key={sent_key}")
    return redirect(report)


@require_POST
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    def act(report, key):
        services.confirm_fix(report, actor=request.user, reporter_key=key)
        messages.success(request, _("Thank you: the fix is confirmed."))

    return _reporter_action(request, code, act)


@require_POST
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    def act(report, key):
        services.reopen(
            report, reason=request.POST.get("reason", ""), actor=request.user, reporter_key=key
        )
        messages.success(request, _("The report is open again and back with the district."))

    return _reporter_action(request, code, act)


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    def act(report, key):
        services.rate(report, stars=request.POST.get("stars"), actor=request.user, reporter_key=key)
        messages.success(request, _("Thank you for rating."))

    return _reporter_action(request, code, act)


@require_POST
def support(request: HttpRequest, code: str) -> HttpResponse:
    report = get_report(code)
    if not allow("support", client_address(request)):
        messages.error(request, both(TOO_MANY))
        return redirect(report)
    fingerprint = _fingerprint(request)
    if attempt(
        request, lambda: services.support(report, user=request.user, fingerprint=fingerprint)
    ):
        messages.success(request, _("Added: you are following this report as yours too."))
    return redirect(report)


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    code = normalise_code(request.GET.get("code", ""))
    if code and Report.objects.filter(code=code).exists():
        return redirect("reports:detail", code=code)
    if code:
        messages.error(request, both(NOT_FOUND_CODE))
    return render(
        request,
        "reports/track.html",
        {"code": request.GET.get("code", "")},
        status=404 if code else 200,
    )


NOT_FOUND_CODE = Bilingual(
    "ไม่พบเรื่องที่มีรหัสนี้ โปรดตรวจสอบรหัสอีกครั้ง",
    "No report has this code: please check it.",
)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    own = public_reports().filter(reporter=request.user)
    supported = public_reports().filter(supporters__user=request.user)
    return render(request, "reports/mine.html", {"own": own, "supported": supported})
