"""Sign-in forms that say, in Thai and English, when an account is locked for a while."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from ruam.accounts.lockout import TOO_MANY_SIGNINS, locked
from ruam.core.antispam import SpamGuard


class _Lockout:
    def clean(self):
        if locked(self.request, self.data.get("username", "")):
            raise forms.ValidationError(
                f"{TOO_MANY_SIGNINS.th} — {TOO_MANY_SIGNINS.en}", code="locked"
            )
        return super().clean()


class SignInForm(_Lockout, AuthenticationForm):
    pass


class AdminSignInForm(_Lockout, AdminAuthenticationForm):
    pass


class SignUpForm(SpamGuard, UserCreationForm):
    email = forms.EmailField(label=_("Email"), required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")
