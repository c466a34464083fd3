"""The forms people fill in; the services check everything again and say what is wrong."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ruam.programmes.models import Programme


class MeasurementForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.CharField(label=_("Achieved"), max_length=30)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("Evidence (photo or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    lat = forms.CharField(label=_("Latitude"), required=False, max_length=30)
    lon = forms.CharField(label=_("Longitude"), required=False, max_length=30)


class CorrectionForm(forms.Form):
    value = forms.CharField(label=_("Corrected value"), max_length=30)
    note = forms.CharField(label=_("Why it is corrected"), max_length=4000)
    evidence = forms.FileField(label=_("New evidence (optional)"), required=False)


class TargetForm(forms.Form):
    year = forms.IntegerField(
        label=_("Fiscal year (CE, e.g. 2027)"), min_value=2000, max_value=2100
    )
    target = forms.CharField(label=_("Target"), max_length=30)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[("measurements", _("Measurements")), ("targets", _("Targets"))],
    )
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class DistrictProgrammeForm(forms.Form):
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    unit_th = forms.CharField(label=_("Unit (Thai)"), max_length=100)
    unit_en = forms.CharField(label=_("Unit (English)"), max_length=100, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Programme.Direction.choices)
    starts = forms.DateField(
        label=_("Period starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends = forms.DateField(
        label=_("Period ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    counts_toward = forms.ModelChoiceField(
        label=_("Counts toward a city programme (optional)"),
        queryset=Programme.objects.filter(district__isnull=True, source=Programme.Source.TYPED),
        required=False,
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
