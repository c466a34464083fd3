"""Programme figures in any page: the progress of a district (its page, its committee's page)
and the programmes a committee issue moves, without those apps importing this one."""

from __future__ import annotations

from decimal import Decimal

from django import template

from ruam.programmes import selectors

register = template.Library()


@register.filter
def figure(value) -> str:
    """1002937.00 → "1,002,937"; 128.46 → "128.46"; None → "—"."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


@register.filter
def percent(value) -> str:
    return "—" if value in (None, "") else f"{round(float(value) * 100)}%"


@register.filter
def width(value) -> int:
    return 0 if value in (None, "") else max(0, min(100, round(float(value) * 100)))


@register.inclusion_tag("programmes/_district_section.html", takes_context=True)
def district_programmes(context, district, limit: int = 8):
    rows = selectors.district_progress(district.code)
    return {
        "district": district,
        "rows": rows[:limit],
        "more": max(0, len(rows) - limit),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }


@register.inclusion_tag("programmes/_issue_section.html")
def issue_programmes(issue):
    return {"rows": selectors.programmes_of_issue(issue), "plan_items": issue.plan_items.all()}
