"""Officials' pages: the division inbox, a report's actions, bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from ruam.bodies.models import Body
from ruam.core import exports
from ruam.core.errors import InvalidInput, NotAllowed, StorageFull
from ruam.core.permissions import allowed
from ruam.core.web import add_errors, attempt, both, in_language
from ruam.framework.models import Category
from ruam.geo.models import District, Subdistrict
from ruam.reports import assisted, held, labelling, services
from ruam.reports.forms import AssistedForm, BulkForm, CategoryForm, StaffActionForm, read_files
from ruam.reports.models import ContactAccess, Report, normalise_code
from ruam.reports.selectors import filter_reports, handling_bodies, inbox, target_bodies
from ruam.reports.statuses import Status, allowed_for_staff
from ruam.reports.views import (
    SESSION_KEYS,
    _remember_key,
    get_report,
    hold_photos,
    kept_photos,
)

VIEWS = [
    ("new", gettext_lazy("New")),
    ("overdue", gettext_lazy("Overdue")),
    ("mine", gettext_lazy("Mine")),
    ("open", gettext_lazy("Open")),
    ("all", gettext_lazy("All")),
]


def _require_inbox(request: HttpRequest) -> None:
    if not allowed(request.user, "reports.view_inbox"):
        raise PermissionDenied(_("Only district and department officials have an inbox."))


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    _require_inbox(request)
    mine, offices = handling_bodies(request.user)
    view = request.GET.get("view", "new")
    qs = filter_reports(
        inbox(request.user, view=view),
        subdistrict=request.GET.get("subdistrict", ""),
        category=request.GET.get("category", ""),
        status=request.GET.get("status", ""),
        older_than_days=request.GET.get("older", ""),
    ).order_by("deadline" if view == "overdue" else "-created")
    filters = [(_l("View"), view)] + [
        (name, request.GET[key])
        for key, name in (
            ("subdistrict", _l("Subdistrict")),
            ("category", _l("Category")),
            ("status", _l("Status")),
            ("older", _l("Older than (days)")),
        )
        if request.GET.get(key)
    ]
    try:
        if exported := exports.list_response(
            request, inbox_table(qs), filters, "ruam-inbox", qs.count()
        ):
            return exported
    except InvalidInput as exc:
        for message in exc.errors.values():
            messages.error(request, in_language(message))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    districts = set(offices) | set(
        Body.objects.filter(pk__in=mine)
        .exclude(district=None)
        .values_list("district_id", flat=True)
    )
    return render(
        request,
        "reports/inbox.html",
        {
            "page": page,
            "view": view,
            "views": VIEWS,
            "subdistricts": Subdistrict.objects.filter(district_id__in=districts),
            "districts": District.objects.filter(code__in=districts),
            "categories": Category.objects.filter(is_active=True),
            "statuses": Status.choices,
            "bulk_form": BulkForm(),
            "query": request.GET,
        },
    )


def inbox_table(qs) -> exports.Table:
    """The inbox as a file: what the list shows, never the reporter's contact details."""
    C = exports.Column
    return exports.Table(
        name="reports",
        title=_l("Inbox"),
        columns=[
            C("code", _l("Tracking code")),
            C("status", _l("Status")),
            C("categories", _l("Categories")),
            C("district", _l("District")),
            C("subdistrict", _l("Subdistrict")),
            C("responsible", _l("Responsible")),
            C("created", _l("Reported"), "datetime"),
            C("deadline", _l("Deadline"), "datetime"),
            C("description", _l("Description")),
        ],
        rows=(
            (
                r.display_code,
                r.get_status_display(),
                ", ".join(c.name_th for c in r.categories.all()),
                r.district.name_th,
                r.subdistrict.name_th if r.subdistrict else "",
                r.responsible.name_th if r.responsible else "",
                r.created,
                r.deadline,
                r.description,
            )
            for r in qs.iterator(chunk_size=2000)
        ),
    )


def _require_handler(request: HttpRequest, report: Report) -> None:
    if not allowed(request.user, "reports.handle_report", report):
        raise PermissionDenied(both(services.M.NOT_STAFF))


@login_required
def staff_report(request: HttpRequest, code: str) -> HttpResponse:
    report = get_report(code)
    _require_handler(request, report)
    form = StaffActionForm(
        request.POST or None,
        request.FILES or None,
        allowed=allowed_for_staff(report.status),
        bodies=target_bodies(report),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            target = (
                Body.objects.filter(pk=data["target_body"]).first() if data["target_body"] else None
            )
            original = (
                Report.objects.filter(code=normalise_code(data["duplicate_of"])).first()
                if data["duplicate_of"]
                else None
            )
            try:
                services.change_status(
                    report,
                    actor=request.user,
                    to=data["to"],
                    note=data["note"],
                    photos=read_files(data["photos"]),
                    target_body=target,
                    duplicate_of=original,
                )
                messages.success(request, _("Saved."))
                return redirect("reports:staff", code=report.code)
            except InvalidInput as exc:
                add_errors(form, exc)
            except NotAllowed as exc:
                raise PermissionDenied(both(exc.message)) from None
        status = 422
    services.log_contact_access(report, viewer=request.user, where=ContactAccess.Where.INBOX)
    return render(
        request,
        "reports/staff_report.html",
        {
            "report": report,
            "form": form,
            "events": report.events.select_related(
                "actor", "actor_body", "target_body"
            ).prefetch_related("photos"),
            "photos": report.photos.all(),
            "suggestions": report.duplicate_suggestions.filter(state="suggested")
            .select_related("original")
            .order_by("-score"),
            "category_form": CategoryForm(
                initial={"categories": [c.pk for c in report.categories.all()]}
            ),
            "category_suggestion": labelling.pending_suggestion(report),
            "contact_visible": True,
        },
        status=status,
    )


@login_required
@require_POST
def set_categories(request: HttpRequest, code: str) -> HttpResponse:
    """The division confirms or corrects the report's categories (a label Ruam learns from)."""
    report = get_report(code)
    _require_handler(request, report)
    form = CategoryForm(request.POST)
    if form.is_valid():
        chosen = form.cleaned_data["categories"]
        if attempt(
            request,
            lambda: labelling.set_categories(report, actor=request.user, categories=chosen),
        ):
            messages.success(request, _("Categories saved."))
    return redirect("reports:staff", code=report.code)


@login_required
@require_POST
def decide_duplicate(request: HttpRequest, code: str, pk: int, decision: str) -> HttpResponse:
    report = get_report(code)
    _require_handler(request, report)
    suggestion = report.duplicate_suggestions.filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    decide = services.confirm_duplicate if decision == "confirm" else services.dismiss_duplicate
    attempt(request, lambda: decide(suggestion, actor=request.user))
    return redirect("reports:staff", code=report.code)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    _require_inbox(request)
    codes = request.POST.getlist("codes")
    form = BulkForm(request.POST, codes=codes)
    if not form.is_valid():
        messages.error(request, _("Choose an action and at least one report."))
        return redirect(_next(request))
    reports = list(Report.objects.filter(code__in=form.cleaned_data["codes"]))
    done, failed = services.bulk_change_status(
        reports, actor=request.user, to=form.cleaned_data["to"], note=form.cleaned_data["note"]
    )
    if done:
        messages.success(request, _("%(n)d reports updated.") % {"n": len(done)})
    for code, exc in failed.items():
        reason = exc.message if isinstance(exc, NotAllowed) else next(iter(exc.errors.values()))
        messages.error(request, f"{code}: {both(reason)}")
    return redirect(_next(request))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "reports:inbox"


# -- assisted entry: a walk-in, a phone call, a community meeting ------------------------------


@login_required
def enter(request: HttpRequest) -> HttpResponse:
    """An official or committee volunteer records a report for a resident (channel: assisted),
    with the resident's contact details only if they agreed to the notice read to them."""
    if not allowed(request.user, "reports.enter_report"):
        raise PermissionDenied(both(assisted.NOT_HERE))
    form = AssistedForm(request.POST or None, request.FILES or None)
    status, kept, held_photos = 200, [], []
    if request.method == "POST":
        status = 422
        kept = kept_photos(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = assisted.enter_report(
                    actor=request.user,
                    description=data["description"],
                    lat=data["lat"],
                    lon=data["lon"],
                    address=data["address"],
                    district_code=data["district"] or None,
                    categories=data["categories"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    consent=data["consent"],
                    photos=[photo for _, photo in kept] + read_files(data["photos"]),
                    idempotency_key=data["submission"],
                )
            except InvalidInput as exc:
                add_errors(form, exc, aliases={"location": "lat"})
            except NotAllowed as exc:
                # What was typed stays on the page: nothing is lost, nothing is written.
                form.add_error(None, both(exc.message))
                status = 403
            except StorageFull as exc:
                form.add_error(None, both(exc.message))
                status = exc.status
            else:
                held.release([token for token, _ in kept], submission=data["submission"])
                if result.reporter_key:
                    _remember_key(request, result.report.code, result.reporter_key)
                return redirect("reports:slip", code=result.report.code)
        # The photos chosen stay with the form shown again (a browser cannot refill a file field).
        held_photos = hold_photos(request, kept)
    return render(
        request,
        "reports/enter.html",
        {
            "form": form,
            "held": held_photos,
            "notice": assisted.CONSENT_NOTICES[assisted.CONSENT_VERSION],
            "notice_version": assisted.CONSENT_VERSION,
        },
        status=status,
    )


@login_required
def slip(request: HttpRequest, code: str) -> HttpResponse:
    """The resident's slip: the tracking code, the report's link and (right after entry) the
    private link; a text to send by SMS; printable."""
    report = get_report(code)
    if not allowed(request.user, "reports.enter_report", report.district):
        raise PermissionDenied(both(assisted.NOT_HERE))
    link = request.build_absolute_uri(reverse("reports:detail", args=[report.code]))
    key = request.session.get(SESSION_KEYS, {}).get(report.code)
    return render(
        request,
        "reports/slip.html",
        {
            "report": report,
            "link": link,
            "private_link": f"{link}?key={key}" if key else None,
            "track": request.build_absolute_uri(reverse("reports:track")),
            "sms": f"ร่วม: รับเรื่อง {report.display_code} แล้ว ติดตามได้ที่ {link}",
        },
    )
