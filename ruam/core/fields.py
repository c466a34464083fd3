"""Form fields that count text as the browser does and say "too long" in the person's language."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class TooLong(MaxLengthValidator):
    message = ngettext_lazy(
        "At most %(limit_value)d character, please (this has %(show_value)d).",
        "At most %(limit_value)d characters, please (this has %(show_value)d).",
        "limit_value",
    )


class TextField(forms.CharField):
    """A CharField whose line breaks are one character each, as the browser's ``maxlength``
    counts them (a form sends CR LF, which Django would count as two), and whose length limit
    is said in Thai or English, not in Django's untranslated English."""

    default_error_messages = {"required": _("This field is required.")}

    def __init__(self, *, max_length: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length
        if max_length is not None:
            self.validators.append(TooLong(max_length))

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.max_length is not None and not widget.is_hidden:
            attrs["maxlength"] = str(self.max_length)
        return attrs
