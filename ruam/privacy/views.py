"""Your data: a signed-in person's account, and a report's contact details for whoever holds
its private link. See it, download it as JSON, correct it, erase it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruam.core.errors import InvalidInput, NotAllowed
from ruam.core.permissions import allowed
from ruam.core.web import add_errors, both
from ruam.privacy import services
from ruam.privacy.forms import AccountForm, ContactForm, EraseAccountForm
from ruam.reports.rules import Presented
from ruam.reports.views import get_report, reporter_key


def _json(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountForm(
        request.POST or None,
        initial={"display_name": user.display_name, "email": user.email, "phone": user.phone},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.correct_account(user, **form.cleaned_data)
                messages.success(request, _("Your details are corrected."))
                return redirect("privacy:mine")
            except InvalidInput as exc:
                add_errors(form, exc)
        status = 422
    response = render(
        request,
        "privacy/my_data.html",
        {
            "data": services.account_data(user),
            "form": form,
            "erase_form": EraseAccountForm(),
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_data_json(request: HttpRequest) -> HttpResponse:
    return _json(services.account_data(request.user), "ruam-my-data.json")


@login_required
@require_POST
def erase_account(request: HttpRequest) -> HttpResponse:
    form = EraseAccountForm(request.POST)
    try:
        services.erase_account(request.user, confirm=request.POST.get("confirm", ""))
    except InvalidInput as exc:
        add_errors(form, exc)
        return render(
            request,
            "privacy/my_data.html",
            {
                "data": services.account_data(request.user),
                "form": AccountForm(),
                "erase_form": form,
            },
            status=422,
        )
    logout(request)
    messages.success(request, _("Your account and personal data are erased."))
    return redirect("site:home")


def _report_for_reporter(request: HttpRequest, code: str):
    report = get_report(code)
    key = reporter_key(request, report)
    if not allowed(request.user, "privacy.manage_report_contact", Presented(report, key)):
        raise PermissionDenied(both(services.NOT_YOURS))
    return report, key


def report_data(request: HttpRequest, code: str) -> HttpResponse:
    report, key = _report_for_reporter(request, code)
    form = ContactForm(
        request.POST or None,
        initial={
            "name": report.contact_name,
            "email": report.contact_email,
            "phone": report.contact_phone,
            "consent": bool(report.consent_at),
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.correct_report_contact(
                    report, actor=request.user, reporter_key=key, **form.cleaned_data
                )
                messages.success(request, _("Your contact details are corrected."))
                return redirect("privacy:report", code=report.code)
            except (InvalidInput, NotAllowed) as exc:
                if isinstance(exc, NotAllowed):
                    raise PermissionDenied(both(exc.message)) from None
                add_errors(form, exc)
        status = 422
    response = render(
        request,
        "privacy/report_data.html",
        {
            "report": report,
            "form": form,
            "data": services.report_contact_data(report, actor=request.user, reporter_key=key),
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def report_data_json(request: HttpRequest, code: str) -> HttpResponse:
    report, key = _report_for_reporter(request, code)
    data = services.report_contact_data(report, actor=request.user, reporter_key=key)
    return _json(data, f"ruam-{report.code}.json")


@require_POST
def erase_report_contact(request: HttpRequest, code: str) -> HttpResponse:
    report, key = _report_for_reporter(request, code)
    services.erase_report_contact(report, actor=request.user, reporter_key=key)
    messages.success(request, _("The contact details you gave with this report are erased."))
    return redirect("privacy:report", code=report.code)
