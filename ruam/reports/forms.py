"""Forms for residents and officials. They only shape input; the services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ruam.core.antispam import SpamGuard
from ruam.core.fields import TextField
from ruam.framework.models import Category
from ruam.geo.models import District
from ruam.reports.statuses import Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def read_files(files) -> list[bytes]:
    return [f.read() for f in files]


class ReportForm(SpamGuard):
    description = TextField(
        label=_("What is the problem?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )
    lat = forms.CharField(label=_("Latitude"), required=False)
    lon = forms.CharField(label=_("Longitude"), required=False)
    address = TextField(label=_("Address or landmark"), required=False, max_length=300)
    district = forms.ChoiceField(label=_("District (if there is no pin)"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Kind of problem"), required=False, widget=forms.CheckboxSelectMultiple
    )
    photos = MultipleFileField(
        label=_("Photos (up to 5)"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )
    contact_name = forms.CharField(label=_("Your name"), required=False, max_length=150)
    contact_email = forms.CharField(label=_("Email"), required=False, max_length=254)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    consent = forms.BooleanField(
        label=_(
            "I agree that the district may use my contact details to tell me about this report."
        ),
        required=False,
    )
    submission = forms.CharField(widget=forms.HiddenInput, required=False)
    # The token of the category suggestion the resident was shown (report-form.js fills it).
    suggestion = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "—")] + [
            (d.code, d.name) for d in District.objects.order_by("name_th")
        ]
        self.fields["categories"].choices = [
            (c.pk, c.name) for c in Category.objects.filter(is_active=True).order_by("name_th")
        ]
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)


class ReasonForm(forms.Form):
    reason = TextField(
        label=_("Why is it not fixed?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("How well was it fixed? (1 = very poor, 5 = very good)"),
        choices=[
            (1, _("1 = very poor")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 = very good")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )


STAFF_ACTIONS = [
    (Status.IN_PROGRESS, _("Accept and start work")),
    (Status.COORDINATING, _("Coordinating")),
    (Status.FORWARDED, _("Forward to another body")),
    (Status.INVITED, _("Invite another body to help")),
    (Status.NOT_RELEVANT, _("Not relevant (reason required)")),
    (Status.FINISHED, _("Finished (after-photo required)")),
    (Status.CLOSED_UNFIXED, _("Close without a fix (reason required)")),
    (Status.DUPLICATE, _("Duplicate of another report")),
    (Status.WAITING, _("Back to waiting")),
]


class StaffActionForm(forms.Form):
    to = forms.ChoiceField(label=_("Action"), choices=STAFF_ACTIONS)
    note = TextField(
        label=_("Note or reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    target_body = forms.ChoiceField(label=_("To body"), required=False)
    duplicate_of = forms.CharField(label=_("Tracking code of the original"), required=False)
    photos = MultipleFileField(label=_("Photos"))

    def __init__(self, *args, allowed=None, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["to"].choices = [(v, label) for v, label in STAFF_ACTIONS if v in allowed]
        self.fields["target_body"].choices = [("", "—")] + [(b.pk, b.name) for b in bodies]


class CategoryForm(forms.Form):
    """An official confirms or corrects a report's categories (``labelling.set_categories``)."""

    categories = forms.MultipleChoiceField(
        label=_("Kind of problem"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [
            (c.pk, c.name) for c in Category.objects.filter(is_active=True).order_by("name_th")
        ]


class BulkForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (Status.IN_PROGRESS, _("Accept and start work")),
            (Status.COORDINATING, _("Coordinating")),
            (Status.NOT_RELEVANT, _("Not relevant (reason required)")),
        ],
    )
    note = forms.CharField(label=_("Note or reason"), required=False, max_length=4000)
    codes = forms.MultipleChoiceField(required=True)

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(c, c) for c in codes]


class AssistedForm(forms.Form):
    """Assisted entry: an official types in a resident's report (``reports.assisted``)."""

    description = TextField(
        label=_("What is the problem? (in the resident's words)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )
    lat = forms.CharField(label=_("Latitude"), required=False)
    lon = forms.CharField(label=_("Longitude"), required=False)
    address = TextField(label=_("Address or landmark"), required=False, max_length=300)
    district = forms.ChoiceField(label=_("District (if there is no pin)"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Kind of problem"), required=False, widget=forms.CheckboxSelectMultiple
    )
    photos = MultipleFileField(
        label=_("Photos the resident brought (up to 5)"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )
    contact_name = forms.CharField(label=_("Resident's name"), required=False, max_length=150)
    contact_email = forms.CharField(label=_("Email"), required=False, max_length=254)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    consent = forms.BooleanField(
        label=_("I read the notice above to the resident and the resident agreed."),
        required=False,
    )
    submission = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "—")] + [
            (d.code, d.name) for d in District.objects.order_by("name_th")
        ]
        self.fields["categories"].choices = [
            (c.pk, c.name) for c in Category.objects.filter(is_active=True).order_by("name_th")
        ]
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)
