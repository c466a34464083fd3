"""Public figures (a district's, a group's comparison, the city's), the list behind each figure,
and the district's staff view of what keeps coming back (hotspots)."""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_safe

from ruam.core import exports
from ruam.core.errors import InvalidInput
from ruam.core.permissions import allowed
from ruam.core.web import short_page, whole_number
from ruam.framework.models import Category
from ruam.geo.models import District, DistrictGroup
from ruam.insights import compare, lists, tables
from ruam.insights.periods import LABELS, period
from ruam.insights.present import categories_named, issue_stages, periods, shades
from ruam.insights.selectors import by_category, by_key, place_figures, scope
from ruam.reports.hotspots import district_hotspots
from ruam.reports.models import Report


def refusing_bad_input(view):
    """Bad input in a query string (a format, a filter) is a 400 in both languages."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InvalidInput as exc:
            return short_page(request, list(exc.errors.values()), status=400)

    return wrapped


def _sort(request) -> tuple[str, bool]:
    return request.GET.get("sort") or "name", request.GET.get("dir") == "desc"


@require_safe
@refusing_bad_input
def district_figures(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District.objects.select_related("group"), code=code)
    exports.requested(request)
    f = scope(code, request.GET.get("period"))
    figures = place_figures(f)
    categories = categories_named(by_category(f))
    subdistricts = dict(district.subdistricts.values_list("code", "name_th"))
    by_subdistrict = [(subdistricts.get(k, k or "—"), n) for k, n in by_key(f, "subdistrict")]
    found = [
        tables.place_table(code, district.name_th, figures),
        tables.status_table(figures),
        tables.backlog_table(figures),
        tables.fix_table(figures),
        tables.categories_table(categories),
        tables.issues_table(issue_stages(figures)),
    ]
    filters = [(exports.PERIOD, f.period.label), (_t("District"), district.name_th)]
    if response := exports.respond(request, found, filters, f"ruam-{code}-{f.period.key}"):
        return response
    return render(
        request,
        "insights/district.html",
        {
            "district": district,
            "period": f.period,
            "periods": periods(f.period.key),
            "figures": figures,
            "tables": found,
            "by_subdistrict": by_subdistrict,
        },
    )


@require_safe
@refusing_bad_input
def report_list(request: HttpRequest, code: str) -> HttpResponse:
    """The reports behind a figure: public fields only, newest first, a page at a time."""
    district = get_object_or_404(District, code=code)
    fmt = exports.requested(request)
    chosen = lists.ReportFilters.read(request.GET, district)
    if fmt == "csv":
        return exports.csv_response(
            lists.report_table(chosen.queryset()), chosen.described(), f"ruam-{code}", stream=True
        )
    if fmt == "xlsx":
        return xlsx_or_background(request, chosen, district)
    page = lists.page(chosen.queryset(), request.GET.get("after"))
    return render(
        request,
        "insights/report_list.html",
        {
            "district": district,
            "filters": chosen,
            "page": page,
            "query": chosen.query(),
            "categories": Category.objects.order_by("name_th"),
            "periods": [(k, LABELS[k]) for k in ("30d", "quarter", "fy", "all")],
            "statuses": lists.STATUS_CHOICES,
        },
    )


def _comparison_page(request, group: DistrictGroup | None, template: str) -> HttpResponse:
    exports.requested(request)
    chosen = period(request.GET.get("period"))
    sort, descending = _sort(request)
    districts = compare.compare_districts(chosen, group, sort, descending)
    found = [tables.comparison_table(districts)]
    groups = None
    if group is None:
        groups = compare.compare_groups(chosen, sort, descending)
        found.append(tables.comparison_table(groups, groups=True))
        found[-1].name = "groups"
    filters = [(exports.PERIOD, chosen.label)]
    if group is not None:
        filters.append((_t("District group"), group.name_th))
    stem = f"ruam-{'group-' + group.code if group else 'city'}-{chosen.key}"
    if response := exports.respond(request, found, filters, stem):
        return response
    return render(
        request,
        template,
        {
            "group": group,
            "comparison": districts,
            "groups": groups,
            "periods": periods(chosen.key),
            "period": chosen,
            "shades": shades(districts),
            "printed": timezone.now(),
        },
    )


@require_safe
@refusing_bad_input
def group_figures(request: HttpRequest, code: str) -> HttpResponse:
    group = get_object_or_404(DistrictGroup, code=code)
    return _comparison_page(request, group, "insights/compare_print.html")


@require_safe
@refusing_bad_input
def group_print(request: HttpRequest, code: str) -> HttpResponse:
    group = get_object_or_404(DistrictGroup, code=code)
    return _comparison_page(request, group, "insights/compare_print.html")


@require_safe
@refusing_bad_input
def city_figures(request: HttpRequest) -> HttpResponse:
    return _comparison_page(request, None, "insights/city.html")


@login_required
def hotspots(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District, code=code)
    if not allowed(request.user, "insights.view_hotspots", district):
        raise PermissionDenied
    months = request.GET.get("months", "")
    span = whole_number(months, minimum=1, maximum=1200)
    since = timezone.now() - dt.timedelta(days=30 * span) if span else None
    category = Category.objects.filter(pk=whole_number(request.GET.get("category")) or 0).first()
    found = district_hotspots(code, since=since, category=category)
    lang = get_language() or "th"
    codes = dict(
        Report.objects.filter(pk__in=[pk for h in found for pk in h.report_ids[:30]]).values_list(
            "pk", "code"
        )
    )
    rows = [
        {
            "hotspot": h,
            "explanation": h.explain(lang),
            "codes": [codes[pk] for pk in h.report_ids[:30] if pk in codes],
        }
        for h in found
    ]
    geometry = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"n": i + 1},
                "geometry": {"type": "Point", "coordinates": [h.lon, h.lat]},
            }
            for i, h in enumerate(found)
        ],
    }
    return render(
        request,
        "insights/hotspots.html",
        {
            "district": district,
            "rows": rows,
            "geometry": geometry if found else district.boundary,
            "categories": Category.objects.all(),
            "category": category,
            "months": months,
        },
    )


def xlsx_or_background(request, chosen: lists.ReportFilters, district):
    """A short list's XLSX at once; a long one is made in the background (its page)."""
    from ruam.insights.models import Export
    from ruam.insights.tasks import make_export

    qs = chosen.queryset()
    if not qs[exports.SYNC_ROWS : exports.SYNC_ROWS + 1].exists():
        return exports.xlsx_response(
            [lists.report_table(qs)], chosen.described(), f"ruam-{district.code}-reports"
        )
    export = Export.objects.create(
        kind="reports",
        format="xlsx",
        params={"district": district.code, "query": chosen.query()},
        requested_by=request.user if request.user.is_authenticated else None,
    )
    from ruam.core import queue

    queue.after_commit(make_export, str(export.pk))
    return redirect(reverse("insights:export", args=[export.pk]))
