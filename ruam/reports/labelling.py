"""A report's categories as people confirm or correct them: the labels the classifier learns
from, and the suggestions they came from.

- At intake (``services.submit_report``): categories the reporter, the official doing assisted
  entry or a program chose are a label; sent with the token of a suggestion, the suggestion is
  kept with it (which model, what it said) and the label says whether it was kept.
- A native report sent without a category: the worker (``tasks.after_intake``) gives it the
  categories the model that answers suggests, marked *to confirm* for the division.
- The division confirms or corrects a report's categories (``set_categories``, from the staff
  page or the API): a label too, and the pending suggestion is closed.

Each change of a report's categories is on its timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from ruam.core.errors import Bilingual, InvalidInput
from ruam.core.permissions import require
from ruam.core.timeline import person
from ruam.framework.models import Category
from ruam.reports import messages as M
from ruam.reports import selectors
from ruam.reports import validation as check
from ruam.reports.models import (
    CategoryLabel,
    CategorySuggestion,
    Channel,
    ClassifierVersion,
    Report,
    ReportEvent,
)
from ruam.reports.suggest import Suggestion, read_token, suggest

CATEGORY_REQUIRED = Bilingual("โปรดเลือกประเภทปัญหาอย่างน้อย 1 ประเภท", "Choose at least one category.")


def _names(categories: Iterable[Category]) -> str:
    return ", ".join(c.name_th for c in categories) or "—"


def _suggestion_row(report: Report, found: Suggestion, *, source: str, state: str):
    version_id = found.version_id
    if version_id is not None and not ClassifierVersion.objects.filter(pk=version_id).exists():
        version_id = None  # deleted since: the model's key still names it
    return CategorySuggestion(
        report=report,
        source=source,
        state=state,
        suggested=found.items(),
        model=found.model,
        version_id=version_id,
        created=timezone.now(),
    )


def _role(report: Report, actor) -> str:
    if report.api_key_id is not None:
        return CategoryLabel.Role.PROGRAM
    if report.channel in {Channel.API, Channel.OPEN311} and person(actor) is None:
        return CategoryLabel.Role.PROGRAM  # a program's key, not a signed-in person
    if report.channel == Channel.ASSISTED:
        return CategoryLabel.Role.STAFF
    return CategoryLabel.Role.REPORTER


def intake_rows(report: Report, *, chosen: Sequence[Category], token: str, actor) -> list:
    """The label (and the suggestion it came from) that intake writes in the same statement
    as the report. Nothing when no category was chosen, or for an imported ticket (its
    categories are Traffy's, in the dump)."""
    if not chosen or report.channel == Channel.IMPORT:
        return []
    rows: list = []
    found = read_token(token)
    outcome = CategoryLabel.Outcome.CHOSEN
    suggestion = None
    if found is not None:
        offered = {c.pk for c in found.categories}
        kept = all(c.pk in offered for c in chosen)
        outcome = CategoryLabel.Outcome.CONFIRMED if kept else CategoryLabel.Outcome.CORRECTED
        source = (
            CategorySuggestion.Source.FORM
            if report.channel in {Channel.WEB, Channel.ASSISTED}
            else CategorySuggestion.Source.API
        )
        suggestion = _suggestion_row(report, found, source=source, state=outcome)
        rows.append(suggestion)
    rows.append(
        CategoryLabel(
            report=report,
            categories=[c.pk for c in chosen],
            names=[c.name_th for c in chosen],
            role=_role(report, actor),
            outcome=outcome,
            suggestion=suggestion,
            actor=person(actor),
            api_key=report.api_key,
            created=timezone.now(),
        )
    )
    return rows


def pending_suggestion(report: Report) -> CategorySuggestion | None:
    return (
        report.category_suggestions.filter(state=CategorySuggestion.State.PENDING)
        .order_by("-created")
        .first()
    )


def _replace_categories(report: Report, categories: Sequence[Category]) -> None:
    through = Report.categories.through
    through.objects.filter(report_id=report.pk).exclude(
        category_id__in=[c.pk for c in categories]
    ).delete()
    through.objects.bulk_create(
        [through(report_id=report.pk, category_id=c.pk) for c in categories],
        ignore_conflicts=True,
    )
    area_id = categories[0].area_id if categories else None
    Report.objects.filter(pk=report.pk).update(area_id=area_id)
    report.area_id = area_id


def suggest_in_background(report: Report) -> CategorySuggestion | None:
    """A native report that came without a category gets the suggested ones, marked to
    confirm. Nothing for an imported ticket, a report with categories, or when no model
    knows a word of it."""
    if report.channel == Channel.IMPORT or report.categories.exists():
        return None
    found = suggest(report.description)
    if not found.categories:
        return None
    with transaction.atomic():
        if Report.categories.through.objects.filter(report_id=report.pk).exists():
            return None  # someone set them meanwhile
        _replace_categories(report, found.categories)
        suggestion = _suggestion_row(
            report,
            found,
            source=CategorySuggestion.Source.BACKGROUND,
            state=CategorySuggestion.State.PENDING,
        )
        suggestion.save(force_insert=True)
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.SUGGESTED,
            note=f"{_names(found.categories)} — แนะนำโดยระบบ รอฝ่ายยืนยัน / "
            "suggested by Ruam, for the division to confirm",
        )
    return suggestion


def set_categories(
    report: Report,
    *,
    actor,
    categories: Iterable[str | int],
    token: str = "",
    api_key=None,
) -> CategoryLabel:
    """An official (or a program acting for the division) confirms or corrects a report's
    categories. Against the pending suggestion, if there is one: *confirmed* when they are the
    suggested ones, *corrected* otherwise; against a suggestion token given by the caller:
    *confirmed* when every category chosen was suggested; else *chosen*."""
    require(api_key or actor, "reports.handle_report", report, M.NOT_STAFF)
    errors: dict[str, Bilingual] = {}
    chosen = check.categories(errors, categories)
    if not chosen and not errors:
        errors["categories"] = CATEGORY_REQUIRED
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        before = [
            link.category
            for link in Report.categories.through.objects.filter(report_id=report.pk)
            .select_related("category")
            .order_by("pk")
        ]
        pending = pending_suggestion(report)
        picked = {c.pk for c in chosen}
        outcome = CategoryLabel.Outcome.CHOSEN
        suggestion = None
        if pending is not None:
            same = picked == {item["id"] for item in pending.suggested}
            outcome = CategoryLabel.Outcome.CONFIRMED if same else CategoryLabel.Outcome.CORRECTED
            pending.state = outcome
            pending.save(update_fields=["state"])
            suggestion = pending
        elif (found := read_token(token)) is not None:
            offered = {c.pk for c in found.categories}
            outcome = (
                CategoryLabel.Outcome.CONFIRMED
                if picked <= offered
                else CategoryLabel.Outcome.CORRECTED
            )
            suggestion = _suggestion_row(
                report, found, source=CategorySuggestion.Source.API, state=outcome
            )
            suggestion.save(force_insert=True)
        _replace_categories(report, chosen)
        label = CategoryLabel.objects.create(
            report=report,
            categories=[c.pk for c in chosen],
            names=[c.name_th for c in chosen],
            role=CategoryLabel.Role.PROGRAM if api_key is not None else CategoryLabel.Role.STAFF,
            outcome=outcome,
            suggestion=suggestion,
            actor=person(actor),
            api_key=api_key,
        )
        note = _names(chosen)
        if [c.pk for c in before] != [c.pk for c in chosen]:
            note = f"{_names(before)} → {note}"
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.CATEGORIES,
            actor=person(actor),
            actor_body=selectors.acting_body(actor, report, api_key),
            note=note,
        )
    return label
