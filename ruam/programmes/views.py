"""Programme pages: the list, a programme (city, districts, map, latest figures), a programme in
one district (record, verify, correct, targets), a district's programmes (import, export, its
own), a figure's history, and the plan with its progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ruam.core.errors import InvalidInput, NotAllowed
from ruam.core.permissions import allowed
from ruam.core.web import add_errors, attempt, both
from ruam.framework.models import Area
from ruam.geo.models import District
from ruam.programmes import selectors, services, spreadsheets
from ruam.programmes.forms import (
    CorrectionForm,
    DistrictProgrammeForm,
    ImportForm,
    MeasurementForm,
    TargetForm,
)
from ruam.programmes.models import Measurement, Programme, Target
from ruam.programmes.rules import Place
from ruam.programmes.templatetags.programmes import figure


def _programme(code: str) -> Programme:
    return get_object_or_404(
        Programme.objects.select_related("area", "owner", "district", "category"), code=code
    )


@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    area = request.GET.get("area", "")
    programmes = selectors.city_programmes()
    if area.isdigit():
        programmes = programmes.filter(area__number=int(area))
    return render(
        request,
        "programmes/list.html",
        {
            "rows": selectors.with_city_progress(programmes),
            "areas": Area.objects.all(),
            "area": area,
        },
    )


@require_safe
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(code)
    rows = selectors.district_rows(programme)
    city = selectors.with_city_progress([programme])[0][1]
    map_data = {
        row.district_id: {
            "progress": row.progress,
            "label": f"{row.district.name}: {row.achieved if row.achieved is not None else '—'}"
            f" / {row.target if row.target is not None else '—'} {programme.unit}",
        }
        for row in rows
    }
    # Where figures have a place (a planted site, a fixed flood point): dots on the same map.
    points = [
        [m.lat, m.lon, f"{m.date:%Y-%m-%d} · {figure(m.value)} {programme.unit}"]
        for m in programme.measurements.filter(
            lat__isnull=False, status__in=["recorded", "verified"]
        ).order_by("-date")[:300]
    ]
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "city": city,
            "rows": rows,
            "map_data": {"districts": map_data, "points": points},
            "measurements": selectors.latest_measurements(programme),
            "plan_items": programme.plan_items.select_related("kind"),
            "issues": programme.issues.all()[:20],
        },
    )


def _district(code: str) -> District:
    return get_object_or_404(District.objects.select_related("group"), code=code)


def programme_in_district(request: HttpRequest, code: str, district: str) -> HttpResponse:
    """A programme in one district: its figures and their history; staff record here."""
    programme, place = _programme(code), _district(district)
    if programme.district_id and programme.district_id != place.code:
        raise Http404
    can_record = allowed(
        request.user, "programmes.record_measurement", Place(programme, place.code)
    )
    can_target = allowed(request.user, "programmes.manage_targets", Place(programme, place.code))
    form = MeasurementForm(initial={"date": timezone.localdate()})
    target_form = TargetForm()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if request.POST.get("form") == "target":
            target_form = TargetForm(request.POST)
            if _set_target(request, target_form, programme, place):
                return redirect(request.path)
        else:
            form = MeasurementForm(request.POST, request.FILES)
            if _record(request, form, programme, place):
                messages.success(request, _("The figure is recorded."))
                return redirect(request.path)
        status = 422
    rows = [r for r in selectors.district_rows(programme) if r.district_id == place.code]
    return render(
        request,
        "programmes/district_programme.html",
        {
            "programme": programme,
            "district": place,
            "row": rows[0] if rows else None,
            "measurements": selectors.latest_measurements(programme, place.code, limit=100),
            "targets": Target.objects.filter(programme=programme, district=place),
            "can_record": can_record,
            "can_target": can_target,
            "form": form,
            "target_form": target_form,
        },
        status=status,
    )


def _record(request, form: MeasurementForm, programme: Programme, place: District) -> bool:
    if not form.is_valid():
        return False
    upload = form.cleaned_data.get("evidence")
    try:
        services.record_measurement(
            actor=request.user,
            programme=programme,
            district_code=place.code,
            date=form.cleaned_data["date"],
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
            lat=form.cleaned_data["lat"] or None,
            lon=form.cleaned_data["lon"] or None,
            evidence=upload.read() if upload else None,
        )
    except InvalidInput as exc:
        add_errors(form, exc)
        return False
    except NotAllowed as exc:
        raise PermissionDenied(both(exc.message)) from None
    return True


def _set_target(request, form: TargetForm, programme: Programme, place: District) -> bool:
    if not form.is_valid():
        return False
    try:
        services.set_target(
            actor=request.user,
            programme=programme,
            district_code=place.code,
            year=form.cleaned_data["year"],
            value=form.cleaned_data["target"],
            note=form.cleaned_data["note"],
        )
    except InvalidInput as exc:
        add_errors(form, exc, {"target": "target"})
        return False
    except NotAllowed as exc:
        raise PermissionDenied(both(exc.message)) from None
    messages.success(request, _("The target is saved."))
    return True


def measurement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One figure, its evidence and its timeline; verify it, or correct it with a new entry."""
    measurement = get_object_or_404(
        Measurement.objects.select_related("programme", "district", "body", "corrects"), pk=pk
    )
    place = Place(measurement.programme, measurement.district_id)
    form = CorrectionForm()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        form = CorrectionForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("evidence")
            new = None

            def act():
                nonlocal new
                new = services.correct_measurement(
                    measurement,
                    actor=request.user,
                    value=form.cleaned_data["value"],
                    note=form.cleaned_data["note"],
                    evidence=upload.read() if upload else None,
                )

            if attempt(request, act):
                messages.success(request, _("The correction is recorded; the old figure is kept."))
                return redirect("programmes:measurement", pk=new.pk)
    return render(
        request,
        "programmes/measurement.html",
        {
            "m": measurement,
            "events": measurement.events.select_related("actor_body").order_by("created", "pk"),
            "corrections": measurement.corrections.all(),
            "can_verify": measurement.status == Measurement.Status.RECORDED
            and allowed(request.user, "programmes.verify_measurement", measurement),
            "can_correct": measurement.is_current
            and measurement.origin != Measurement.Origin.PUBLISHED
            and allowed(request.user, "programmes.record_measurement", place),
            "form": form,
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = get_object_or_404(Measurement.objects.select_related("programme"), pk=pk)
    if attempt(
        request,
        lambda: services.verify_measurement(
            measurement, actor=request.user, note=request.POST.get("note", "")
        ),
    ):
        messages.success(request, _("The figure is verified."))
    return redirect("programmes:measurement", pk=pk)


def district_programmes(request: HttpRequest, code: str) -> HttpResponse:
    """A district's programmes: its standing in the city's, its own, import and export."""
    district = _district(code)
    can_add = allowed(request.user, "programmes.add_programme", district)
    form = DistrictProgrammeForm()
    status = 200
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied(both(services.NOT_OFFICER))
        form = DistrictProgrammeForm(request.POST)
        if form.is_valid():
            try:
                made = services.add_district_programme(
                    actor=request.user, district=district, **form.cleaned_data
                )
            except InvalidInput as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The district's programme is added."))
                return redirect("programmes:in_district", code=made.code, district=district.code)
        status = 422
    return render(
        request,
        "programmes/district.html",
        {
            "district": district,
            "rows": selectors.district_progress(code),
            "own": selectors.own_programmes(code),
            "can_add": can_add,
            "form": form,
            "import_form": ImportForm(),
            "can_import": request.user.is_authenticated,
        },
        status=status,
    )


@login_required
@require_POST
def import_figures(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(code)
    form = ImportForm(request.POST, request.FILES)
    result, errors = None, []
    if form.is_valid():
        try:
            result = spreadsheets.import_file(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                data=form.cleaned_data["file"].read(),
                district=district.code,
            )
        except InvalidInput as exc:
            errors = [both(m) for m in exc.errors.values()]
    if result is not None and result.ok:
        messages.success(request, _("Imported %(n)d rows from the file.") % {"n": result.written})
        return redirect("programmes:district", code=district.code)
    return render(
        request,
        "programmes/import_result.html",
        {"district": district, "result": result, "errors": errors, "form": form},
        status=422,
    )


@require_safe
def export_figures(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The district's targets or current measurements, in the columns the import reads."""
    district = _district(code)
    kind = request.GET.get("kind", "measurements")
    if kind not in spreadsheets.COLUMNS:
        raise Http404
    return _download(spreadsheets.export_rows(kind, district=district.code), fmt, f"{kind}-{code}")


@require_safe
def export_programme(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    programme = _programme(code)
    kind = request.GET.get("kind", "measurements")
    if kind not in spreadsheets.COLUMNS:
        raise Http404
    return _download(
        spreadsheets.export_rows(kind, programme=programme), fmt, f"{kind}-{programme.code}"
    )


def _download(rows, fmt: str, name: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    if fmt == "xlsx":
        response = HttpResponse(
            spreadsheets.to_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(spreadsheets.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    top, others = selectors.plan_forest()
    return render(request, "programmes/plan.html", {"tree": top, "others": others})
