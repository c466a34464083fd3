"""Staff pages: the dashboard, a background export's page, and the briefing pack of a meeting."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from ruam.bodies.models import Body
from ruam.bodies.predicates import seats
from ruam.core import exports
from ruam.core.permissions import allowed
from ruam.framework.models import Area, Category
from ruam.insights import briefing, dashboard
from ruam.insights.models import Export
from ruam.insights.periods import KEYS, LABELS
from ruam.insights.rules import Scope
from ruam.insights.views import refusing_bad_input
from ruam.printing.pdf import render_pdf
from ruam.reports.models import Channel
from ruam.reports.statuses import Status

CHARTS = [
    ("over_time", "bar"),
    ("status", "hbar"),
    ("categories", "hbar"),
    ("time_to_fix", "bar"),
    ("backlog", "bar"),
    ("issues", "hbar"),
    ("channels", "hbar"),
]


def _label(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _without_format(query) -> str:
    query = query.copy()
    for name in ("format", "table"):
        query.pop(name, None)
    return query.urlencode()


def default_scope(user) -> Scope:
    """Where a person's dashboard opens: the district of their first seat there, else their
    group, else the city."""
    mine = seats(user)
    for seat in mine:
        if seat.district:
            return Scope(seat.district, seat.group)
    for seat in mine:
        if seat.kind == Body.Kind.GROUP_MEETING and seat.group:
            return Scope(None, seat.group)
    return Scope()


@login_required
@require_safe
@refusing_bad_input
def dashboard_page(request: HttpRequest) -> HttpResponse:
    choice = dashboard.read(request.GET, default_scope(request.user))
    if not allowed(request.user, "insights.view_dashboard", choice.scope):
        raise PermissionDenied
    exports.requested(request)
    built = dashboard.build(choice)
    tables = list(built["tables"].values())
    if response := exports.respond(request, tables, choice.described, "ruam-dashboard"):
        return response
    from ruam.geo.models import District, DistrictGroup, Subdistrict

    subdistricts = (
        Subdistrict.objects.filter(district_id=choice.scope.district_id).order_by("code")
        if choice.scope.district_id
        else []
    )
    return render(
        request,
        "insights/dashboard.html",
        {
            "choice": choice,
            "f": choice.filters,
            "figures": built["figures"],
            "tables": built["tables"],
            "hexes": built["hexes"],
            "districts": District.objects.order_by("code"),
            "groups": DistrictGroup.objects.order_by("code"),
            "subdistricts": subdistricts,
            "categories": Category.objects.order_by("name_th"),
            "areas": Area.objects.order_by("number"),
            "periods": [(k, LABELS[k]) for k in KEYS],
            "statuses": [("open", _("all open")), ("closed", _("all closed")), *Status.choices],
            "channels": Channel.choices,
            "query": _without_format(request.GET),
            "charts": CHARTS,
            "plain": ["committees"],
            "chart_data": {
                name: [[_label(row[0]), row[1]] for row in built["tables"][name].rows]
                for name, _kind in CHARTS
            },
        },
    )


@login_required
@require_safe
def export_status(request: HttpRequest, pk) -> HttpResponse:
    """A background export: its state while it is made, the file when it is ready."""
    export = get_object_or_404(Export, pk=pk)
    if export.requested_by_id and export.requested_by_id != request.user.pk:
        raise PermissionDenied
    if export.state == Export.State.DONE and request.GET.get("download"):
        name = export.file.name.rsplit("/", 1)[-1]
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)
    return render(request, "insights/export.html", {"export": export})


@require_safe
def briefing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = briefing.meeting_or_404(pk)
    html = briefing.render(meeting, for_pdf=True)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    name = f"briefing-{meeting.body.code}-{meeting.number}-{meeting.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_safe
def briefing_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = briefing.meeting_or_404(pk)
    return HttpResponse(
        briefing.render(
            meeting,
            for_pdf=False,
            request=request,
            pdf_url=reverse("insights:briefing_pdf", args=[meeting.pk]),
        )
    )
