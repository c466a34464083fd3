"""Signing in and up. Residents sign up to follow their reports; officials are given accounts."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from ruam.core.errors import Bilingual
from ruam.core.ratelimit import allow, client_address

TOO_MANY_SIGNINS = Bilingual(
    "ลงชื่อเข้าใช้ผิดหลายครั้งเกินไป โปรดรอสักครู่", "Too many sign-in attempts: please wait a while."
)


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label=_("Email"), required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def post(self, request, *args, **kwargs):
        if not allow("signin", client_address(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, f"{TOO_MANY_SIGNINS.th} — {TOO_MANY_SIGNINS.en}")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("reports:mine")
    return render(
        request, "accounts/signup.html", {"form": form}, status=422 if form.errors else 200
    )
