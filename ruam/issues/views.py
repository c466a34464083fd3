"""Committee issues on the public site: the district's list, one issue, propose, support."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from ruam.bodies.models import Body
from ruam.core import exports
from ruam.core.errors import InvalidInput
from ruam.core.permissions import allowed
from ruam.core.web import add_errors, attempt, in_language
from ruam.geo.models import District
from ruam.issues import services
from ruam.issues.forms import CommentForm, IssueForm
from ruam.issues.models import Issue
from ruam.issues.statuses import TRANSITIONS, IssueStatus
from ruam.reports.models import Report, normalise_code


def district_issues(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District, code=code)
    qs = Issue.objects.filter(district=district).select_related("area")
    status = request.GET.get("status", "")
    if status in IssueStatus.values:
        qs = qs.filter(status=status)
    order = "-support_count" if request.GET.get("order") == "support" else "-created"
    qs = qs.order_by(order, "-pk")
    filters = [(_l("District"), district.name_th)] + (
        [(_l("Status"), IssueStatus(status).label)] if status in IssueStatus.values else []
    )
    try:
        if exported := exports.list_response(
            request, issues_table(qs), filters, f"ruam-{district.code}-issues", qs.count()
        ):
            return exported
    except InvalidInput as exc:
        for message in exc.errors.values():
            messages.error(request, in_language(message))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "issues/list.html",
        {
            "district": district,
            "page": page,
            "statuses": IssueStatus.choices,
            "status": status,
            "can_create": allowed(request.user, "issues.propose_issue", district),
        },
    )


def _moves(issue: Issue) -> list[tuple[str, str]]:
    """The moves open to the committee, forward first and declining or escalating last."""
    order = list(IssueStatus.values)
    last = {IssueStatus.DECLINED, IssueStatus.ESCALATED}
    moves = sorted(TRANSITIONS.get(issue.status, []), key=lambda s: (s in last, order.index(s)))
    return [(s, IssueStatus(s).label) for s in moves]


def _from_hotspot(linked: list[Report]) -> dict:
    """What a hotspot's reports already say: the kind of problem, where, and the point."""
    if not linked:
        return {}
    categories = Counter(c for r in linked for c in r.categories.all())
    category = categories.most_common(1)[0][0] if categories else None
    places = Counter(r.subdistrict.name for r in linked if r.subdistrict_id)
    place = places.most_common(1)[0][0] if places else linked[0].district.name
    points = [(r.lat, r.lon) for r in linked if r.lat is not None]
    initial = {
        "kind": Issue.Kind.PROBLEM,
        "title": _("Recurring %(problem)s in %(place)s")
        % {"problem": category.name if category else _("problem"), "place": place},
        "description": _("%(n)d reports of the same kind of problem in the same place.")
        % {"n": len(linked)},
        "place": place,
        "area": category.area_id if category else None,
    }
    if points:
        initial["lat"] = round(sum(p[0] for p in points) / len(points), 6)
        initial["lon"] = round(sum(p[1] for p in points) / len(points), 6)
    return initial


def issues_table(qs) -> exports.Table:
    """A committee's issues as a file: what the list shows (no proposer, no comments)."""
    C = exports.Column
    return exports.Table(
        name="issues",
        title=_l("Committee issues"),
        columns=[
            C("id", _l("Number"), "int"),
            C("title", _l("Title")),
            C("kind", _l("Kind")),
            C("status", _l("Status")),
            C("area", _l("Area")),
            C("supporters", _l("Supporters"), "int"),
            C("progress", _l("Progress"), "share"),
            C("created", _l("Created"), "datetime"),
        ],
        rows=(
            (
                i.pk,
                i.title,
                i.get_kind_display(),
                i.get_status_display(),
                i.area.name_th if i.area else "",
                i.support_count,
                i.progress / 100,
                i.created,
            )
            for i in qs.iterator(chunk_size=2000)
        ),
    )


def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue.objects.select_related("district", "area", "body"), pk=pk)
    member = allowed(request.user, "issues.manage_issue", issue)
    supported = request.user.is_authenticated and issue.supports.filter(user=request.user).exists()
    return render(
        request,
        "issues/detail.html",
        {
            "issue": issue,
            "events": issue.events.select_related("report"),
            "comments": issue.comments.filter(hidden=False).select_related("author"),
            "reports": issue.reports.select_related("district"),
            "plan_items": issue.plan_items.select_related("kind"),
            "member": member,
            "supported": supported,
            "moves": _moves(issue) if member else [],
            "comment_form": CommentForm(),
        },
    )


@login_required
def issue_new(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District, code=code)
    codes = request.GET.get("reports", "") or request.POST.get("reports", "")
    linked = list(
        Report.objects.filter(code__in=[normalise_code(c) for c in codes.split(",") if c.strip()])
    )
    initial = {"reports": codes}
    if request.method == "GET" and request.GET.get("from") == "hotspot":
        initial |= _from_hotspot(linked)
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = services.create_issue(
                actor=request.user,
                district_code=district.code,
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                area=data["area"],
                plan_items=data["plan_items"],
                lat=data["lat"],
                lon=data["lon"],
                place=data["place"],
                reports=linked,
                source=Issue.Source.HOTSPOT if request.GET.get("from") == "hotspot" else None,
            )
            return redirect(issue)
        except InvalidInput as exc:
            add_errors(form, exc)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "issues/new.html",
        {"district": district, "form": form, "linked": linked},
        status=status,
    )


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    attempt(request, lambda: action(issue))
    return redirect(issue)


@login_required
@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    def act(issue):
        if request.POST.get("withdraw"):
            services.withdraw_support(issue, user=request.user)
        else:
            services.support(issue, user=request.user)
            messages.success(request, _("Thank you for your support."))

    return _act(request, pk, act)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda issue: services.comment(
            issue, author=request.user, text=request.POST.get("text", "")
        ),
    )


@login_required
@require_POST
def hide_comment(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    def act(issue):
        item = get_object_or_404(issue.comments, pk=comment_pk)
        services.hide_comment(item, actor=request.user, reason=request.POST.get("reason", ""))

    return _act(request, pk, act)


@login_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda issue: services.change_status(
            issue,
            actor=request.user,
            to=request.POST.get("to", ""),
            note=request.POST.get("note", ""),
        ),
    )


def group_issues(request: HttpRequest, code: str) -> HttpResponse:
    """The district-group view: issues escalated to it from its districts (เสนอต่อกลุ่มเขต)."""
    from ruam.bodies.services import group_code
    from ruam.geo.models import DistrictGroup

    group = get_object_or_404(DistrictGroup, code=code)
    body = get_object_or_404(Body, code=group_code(code))
    issues = (
        Issue.objects.filter(escalated_to=body)
        .select_related("district", "area")
        .order_by("status", "-created")
    )
    return render(request, "issues/group.html", {"group": group, "body": body, "issues": issues})


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    def act(issue):
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput({"file": services.ATTACHMENT_TYPE})
        services.add_attachment(
            issue,
            actor=request.user,
            data=upload.read(),
            title=request.POST.get("title", ""),
            filename=upload.name,
        )
        messages.success(request, _("Attached."))

    return _act(request, pk, act)
