"""Signing in and up. Residents sign up to follow their reports; officials are given accounts."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ruam.accounts.forms import SignInForm, SignUpForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm

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
