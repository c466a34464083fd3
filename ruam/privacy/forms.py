from django import forms
from django.utils.translation import gettext_lazy as _


class AccountForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    consent = forms.BooleanField(
        label=_("I agree that Ruam uses these contact details to tell me about this report."),
        required=False,
    )


class EraseAccountForm(forms.Form):
    confirm = forms.CharField(label=_("Type your user name to confirm"), max_length=150)
