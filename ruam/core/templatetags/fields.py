"""How a form field is drawn so a screen reader hears what is wrong with it."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def described(field) -> str:
    """The field's widget, marked invalid and pointing at its error message when it has one."""
    attrs = {}
    if field.errors:
        attrs = {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-error"}
    return field.as_widget(attrs=attrs)
