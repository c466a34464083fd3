"""Figures in other apps' pages without those apps importing this one: a district's figures
on its page, the comparison on a group's page, the briefing pack's link on a meeting's page."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ruam.insights import compare, metrics
from ruam.insights.periods import period
from ruam.insights.present import categories_named, issue_stages, periods, shades
from ruam.insights.selectors import BACKLOG_KEYS, by_category, place_figures, scope

register = template.Library()


@register.filter
def shown(value, kind: str = "int") -> str:
    return metrics.display(value, kind)


@register.filter
def pct(value) -> str:
    return metrics.display(value, "share")


@register.filter
def width(value, top) -> int:
    """A bar's width in per cent of ``top``."""
    try:
        return max(0, min(100, round(100 * float(value or 0) / float(top)))) if top else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def shade(index) -> str:
    return "" if index is None else metrics.SHADES[index]


@register.filter
def ink(index) -> str:
    return "" if index is None else metrics.INKS[index]


@register.inclusion_tag("insights/_district_figures.html", takes_context=True)
def district_figures(context, district):
    request = context.get("request")
    key = request.GET.get("period") if request else None
    f = scope(district.code, key)
    figures = place_figures(f)
    return {
        "district": district,
        "period": f.period,
        "periods": periods(f.period.key),
        "figures": figures,
        "categories": categories_named(by_category(f, limit=8)),
        "backlog": [(k, figures.backlog[k]) for k in BACKLOG_KEYS],
        "issues": issue_stages(figures),
        "list_url": reverse("insights:reports", args=[district.code]),
        "figures_url": reverse("insights:district", args=[district.code]),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }


@register.inclusion_tag("insights/_comparison.html", takes_context=True)
def group_comparison(context, group):
    request = context.get("request")
    get = request.GET if request else {}
    chosen = period(get.get("period"))
    sort = get.get("sort") or "name"
    comparison = compare.compare_districts(chosen, group, sort, get.get("dir") == "desc")
    return {
        "comparison": comparison,
        "group": group,
        "periods": periods(chosen.key),
        "base_url": reverse("site:group", args=[group.code]),
        "print_url": reverse("insights:group_print", args=[group.code]),
        "export_url": reverse("insights:group_figures", args=[group.code]),
        "shades": shades(comparison),
        "request": request,
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "MAP_TILE_URL": context.get("MAP_TILE_URL"),
        "MAP_ATTRIBUTION": context.get("MAP_ATTRIBUTION"),
    }


@register.inclusion_tag("insights/_briefing_link.html")
def briefing_link(meeting):
    from ruam.insights.briefing import districts_of

    return {"meeting": meeting, "districts": districts_of(meeting)}


@register.filter
def bars(comparison, key: str) -> list[dict]:
    kind = compare.BY_KEY[key].kind if key in compare.BY_KEY else "int"
    return [dict(bar, kind=kind) for bar in comparison.bar(key)] if key in compare.BY_KEY else []


@register.filter
def median_at(comparison, key: str):
    return comparison.median_position(key) if key in compare.BY_KEY else None


@register.filter
def cells(row, table) -> list[str]:
    """A table row's values as a page shows them, by each column's kind."""
    from django.utils import timezone
    from django.utils.translation import get_language

    from ruam.thai.dates import format_short

    out = []
    for value, column in zip(row, table.columns, strict=True):
        if column.kind == "share":
            out.append(metrics.display(value, "share"))
        elif column.kind in ("date", "datetime"):
            if value and hasattr(value, "hour"):
                value = timezone.localtime(value).date()
            out.append(format_short(value, get_language() or "th") if value else "—")
        elif column.kind in ("int", "float"):
            out.append(metrics.display(value, "int" if column.kind == "int" else "days"))
        else:
            out.append("—" if value in (None, "") else str(value))
    return out
