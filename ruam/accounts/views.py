"""Signing in and up. Residents sign up to follow their reports; officials are given accounts."""

from __future__ import annotations

from base64 import b32encode

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import user_has_device

from ruam.accounts import second_factor
from ruam.accounts.forms import SignInForm, SignUpForm
from ruam.core.permissions import allowed
from ruam.core.web import both


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm

    def get_default_redirect_url(self):
        # An official or a committee member goes to their inbox; a resident to their reports.
        if allowed(self.request.user, "reports.view_inbox"):
            return reverse("reports:inbox")
        return super().get_default_redirect_url()

    def form_invalid(self, form):
        # A locked account (accounts.lockout) is told so, with 429 like any other limit.
        status = 429 if form.has_error("__all__", "locked") else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="ruam.accounts.lockout.LockoutBackend")
        return redirect("reports:mine")
    return render(
        request, "accounts/signup.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def setup_second_factor(request: HttpRequest) -> HttpResponse:
    """The first time: scan the QR code, confirm one code, keep the recovery codes."""
    if user_has_device(request.user):
        return redirect("accounts:verify")
    device = second_factor.pending_device(request.user)
    error, codes = "", None
    if request.method == "POST":
        codes = second_factor.confirm(request, device, request.POST.get("code", ""))
        if codes is None:
            error = both(second_factor.CODE_WRONG)
    response = render(
        request,
        "accounts/second_factor_setup.html",
        {
            "qr": second_factor.qr_svg(device) if codes is None else "",
            "secret": b32encode(device.bin_key).decode() if codes is None else "",
            "codes": codes,
            "error": error,
            "next": second_factor.next_url(request),
        },
        status=422 if error else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def verify_second_factor(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect("accounts:setup")
    error = ""
    if request.method == "POST":
        if second_factor.verify(request, request.POST.get("code", "")):
            return redirect(second_factor.next_url(request))
        error = both(second_factor.CODE_WRONG)
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"error": error, "next": second_factor.next_url(request)},
        status=422 if error else 200,
    )
