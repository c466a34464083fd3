from django import forms
from django.utils.translation import gettext_lazy as _

from ruam.framework.models import Area, PlanItem
from ruam.issues.models import Issue


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Issue.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.all(), required=False)
    plan_items = forms.ModelMultipleChoiceField(
        label=_("Plan items it serves"),
        queryset=PlanItem.objects.select_related("kind").order_by("kind__order", "order", "code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=13.4, max_value=14.0)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=100.3, max_value=101.0)
    reports = forms.CharField(
        label=_("Tracking codes of related reports (optional)"),
        required=False,
        widget=forms.HiddenInput,
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
