"""Everything that changes a report goes through here: validate, write, record an event, notify.

Views, the REST API, Open311 and the importer call these functions and nothing else; each
function checks the rules itself, so no caller can skip them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ruam.bodies.models import Body
from ruam.core import queue
from ruam.core.errors import Bilingual, InvalidInput, NotAllowed, StorageFull
from ruam.core.permissions import require
from ruam.core.rows import insert_together
from ruam.core.timeline import Lifecycle
from ruam.framework import lookups
from ruam.framework.models import Category
from ruam.reports import labelling, selectors, tasks
from ruam.reports import messages as M
from ruam.reports import validation as check
from ruam.reports.classifiers import answering
from ruam.reports.models import (
    ContactAccess,
    DuplicateSuggestion,
    IdempotencyKey,
    Report,
    ReportEvent,
    ReportPhoto,
    Supporter,
    grid_cell,
    hash_key,
    new_reporter_key,
)
from ruam.reports.photos import ProcessedPhoto
from ruam.reports.rules import Presented
from ruam.reports.statuses import (
    NEEDS_AFTER_PHOTO,
    NEEDS_REASON,
    STAFF_TRANSITIONS,
    Status,
    allowed_for_reporter,
    allowed_for_staff,
)

# -- intake --------------------------------------------------------------------------------


@dataclass
class Submitted:
    report: Report
    reporter_key: str | None
    created: bool
    categories: list[Category] | None = None
    photos: list[ReportPhoto] | None = None


def submit_report(
    *,
    description: str,
    channel: str,
    lat: float | str | None = None,
    lon: float | str | None = None,
    address: str = "",
    district_code: str | None = None,
    categories: Iterable[str | int] = (),
    reporter=None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    consent: bool = False,
    photos: Sequence[bytes] = (),
    idempotency_scope: str = "",
    idempotency_key: str = "",
    actor_body: Body | None = None,
    contact_line_id: str = "",
    consent_version: str = "",
    consent_taken_by=None,
    entered_by=None,
    api_key=None,
    suggestion: str = "",
) -> Submitted:
    """Validate everything, then create the report, route it and record the first event.

    A failed submission writes nothing. With an idempotency key, the same submission sent
    again returns the first report instead of making another. ``entered_by``: the official
    who typed it in for a resident (assisted entry), the first event's actor; the report then
    has no reporter account. ``consent_version``: the notice the consent was given to, when
    it is not the web form's. ``suggestion``: the token of the category suggestion shown
    (``reports.suggest``), kept with the categories chosen (``reports.labelling``).
    """
    if idempotency_key and (seen := _seen_before(idempotency_scope, idempotency_key)):
        return seen

    # A line break is one character, whoever sent it (browsers send CR LF).
    description = (description or "").replace("\r\n", "\n").strip()
    address = (address or "").strip()
    contact_name, contact_email = contact_name.strip(), contact_email.strip()
    contact_phone = contact_phone.strip()
    errors: dict[str, Bilingual] = {}
    if not description:
        errors["description"] = M.DESCRIPTION_REQUIRED
    elif len(description) > check.MAX_DESCRIPTION:
        errors["description"] = M.DESCRIPTION_TOO_LONG
    if len(address) > 300:
        errors["address"] = M.ADDRESS_TOO_LONG
    place = check.place(errors, lat, lon, district_code, address)
    chosen = check.categories(errors, categories)
    check.contact(errors, contact_name, contact_email, contact_phone, consent)
    if contact_line_id and not consent:
        errors["consent"] = M.CONSENT_REQUIRED
    processed = check.photos(errors, photos)
    if errors:
        raise InvalidInput(errors)
    assert place is not None

    try:
        # Without photos the report's rows are one statement, atomic by itself on PostgreSQL;
        # photos are stored files and rows of their own, written in the same transaction. In a
        # caller's transaction a savepoint keeps a lost idempotency race from breaking it.
        alone = not processed and not transaction.get_connection().in_atomic_block
        with contextlib.nullcontext() if alone else transaction.atomic():
            if entered_by is not None:
                reporter = None
            key = None if getattr(reporter, "is_authenticated", False) else new_reporter_key()
            report, event = _create(
                description=description,
                channel=channel,
                place=place,
                address=address,
                categories=chosen,
                reporter=reporter,
                contact=(contact_name, contact_email, contact_phone),
                consent=consent,
                consent_version=consent_version or check.CONSENT_VERSION,
                actor_body=actor_body,
                reporter_key_hash=hash_key(key) if key else "",
                extra={
                    "contact_line_id": contact_line_id,
                    "consent_taken_by": consent_taken_by if consent else None,
                    "api_key": api_key,
                },
                entered_by=entered_by,
                idempotency=(idempotency_scope, idempotency_key) if idempotency_key else None,
                suggestion=suggestion,
            )
            stored = _store_photos(report, event, processed, ReportPhoto.Kind.REPORT)
    except IntegrityError:
        # Two identical submissions raced; the other one won. Answer with its report.
        if idempotency_key and (seen := _seen_before(idempotency_scope, idempotency_key)):
            return seen
        raise
    return Submitted(report, key, created=True, categories=chosen, photos=stored)


def _seen_before(scope: str, key: str) -> Submitted | None:
    """The report an earlier submission with this idempotency key made, if any."""
    # Asked on every create with a key, and nearly always new: the cheapest query answers.
    found = list(
        IdempotencyKey.objects.filter(scope=scope, key=key).values_list("report_id", flat=True)[:1]
    )
    return Submitted(Report.objects.get(pk=found[0]), None, created=False) if found else None


def _create(
    *,
    description: str,
    channel: str,
    place: check.Place,
    address: str,
    categories: list[Category],
    reporter,
    contact: tuple[str, str, str],
    consent: bool,
    consent_version: str,
    actor_body: Body | None,
    reporter_key_hash: str,
    extra: dict,
    entered_by=None,
    idempotency: tuple[str, str] | None = None,
    suggestion: str = "",
) -> tuple[Report, ReportEvent]:
    now = timezone.now()
    primary = categories[0] if categories else None
    where = lookups.route_ids(primary, place.district.code)
    # Intake writes these rows for every report: one statement on PostgreSQL (ruam.core.rows).
    report = Report(
        description=description,
        lat=place.lat,
        lon=place.lon,
        cell=grid_cell(place.lat, place.lon),  # what Report.save() sets
        address=address,
        district=place.district,
        subdistrict=place.subdistrict,
        area=primary.area if primary else None,
        channel=channel,
        reporter=reporter if getattr(reporter, "is_authenticated", False) else None,
        contact_name=contact[0],
        contact_email=contact[1],
        contact_phone=contact[2],
        consent_at=now if consent else None,
        consent_version=consent_version if consent else "",
        reporter_key_hash=reporter_key_hash,
        **extra,
        responsible_id=where.responsible_id,
        department_id=where.department_id,
        deadline=now + dt.timedelta(days=where.deadline_days),
        status=Status.WAITING,
        status_changed=now,
        created=now,
    )
    links = [Report.categories.through(report=report, category=c) for c in categories]
    event = ReportEvent(
        report=report,
        kind=ReportEvent.Kind.CREATED,
        actor=entered_by or report.reporter,
        actor_body=actor_body,
        to_status=Status.WAITING,
        target_body_id=where.responsible_id,
        created=now,
    )
    rows = [*links, event]
    rows += labelling.intake_rows(report, chosen=categories, token=suggestion, actor=event.actor)
    if idempotency:
        rows.append(IdempotencyKey(scope=idempotency[0], key=idempotency[1], report=report))
    # Indexing for search, looking for duplicates and telling the division happen in the
    # background: the resident's request does only what must not wait.
    task = queue.task_row(tasks.after_intake, report.code)
    if task:
        rows.append(task)
    insert_together(report, *rows, receivers_done=queue.RECEIVERS_DONE)
    if task is None:
        queue.after_commit(tasks.after_intake, report.code)
    return report, event


def _store_photos(
    report: Report, event: ReportEvent, photos: Sequence[ProcessedPhoto], kind: str
) -> list[ReportPhoto]:
    """The photos' files and rows. A file that cannot be written (the disk is full) undoes the
    files written before it and raises ``StorageFull``; the caller's transaction drops the rows,
    so nothing of the submission is half stored."""
    stored, written = [], []
    try:
        for i, photo in enumerate(photos, start=1):
            stem = f"{report.code}-{event.pk}-{i}"
            item = ReportPhoto(
                report=report,
                event=event,
                kind=kind,
                width=photo.width,
                height=photo.height,
                sha256=photo.sha256,
                taken_at=timezone.make_aware(photo.taken_at) if photo.taken_at else None,
            )
            for field, data, name in (
                (item.image, photo.large, f"{stem}.{photo.extension}"),
                (item.thumbnail, photo.thumbnail, f"{stem}-t.{photo.extension}"),
            ):
                field.save(name, ContentFile(data), save=False)
                written.append(field.name)
            item.save()
            stored.append(item)
    except OSError as exc:
        storage = ReportPhoto._meta.get_field("image").storage
        for name in written:
            storage.delete(name)
        raise StorageFull from exc
    return stored


# -- staff actions ---------------------------------------------------------------------------

# Every move of a report goes through its lifecycle (ruam.core.timeline): staff moves follow
# STAFF_TRANSITIONS; the reporter's are given by REPORTER_TRANSITIONS at the call.
LIFECYCLE = Lifecycle(
    model=Report,
    event_model=ReportEvent,
    subject="report",
    moves=STAFF_TRANSITIONS,
    refresh=(
        "status",
        "status_changed",
        "responsible_id",
        "duplicate_of_id",
        "reopen_count",
        "rating",
        "supporter_count",
    ),
    not_allowed=M.MOVE_NOT_ALLOWED,
)
EVENT_KIND = {
    Status.FORWARDED: ReportEvent.Kind.FORWARDED,
    Status.INVITED: ReportEvent.Kind.INVITED,
    Status.DUPLICATE: ReportEvent.Kind.DUPLICATE,
    Status.CONFIRMED: ReportEvent.Kind.CONFIRMED,
    Status.REOPENED: ReportEvent.Kind.REOPENED,
}


def _notify(event: ReportEvent) -> tuple:
    return (event.pk,)


def change_status(
    report: Report,
    *,
    actor,
    to: str,
    note: str = "",
    photos: Sequence[bytes] = (),
    target_body: Body | None = None,
    duplicate_of: Report | None = None,
    api_key=None,
) -> ReportEvent:
    """A staff move: accept, coordinate, forward, invite, reject, resolve, close, duplicate."""
    require(api_key or actor, "reports.handle_report", report, M.NOT_STAFF)
    note = (note or "").strip()
    errors: dict[str, Bilingual] = {}
    if to not in allowed_for_staff(report.status):
        errors["status"] = M.MOVE_NOT_ALLOWED
    if to in NEEDS_REASON and not note:
        errors["note"] = M.REASON_REQUIRED
    if len(note) > check.MAX_DESCRIPTION:
        errors["note"] = M.DESCRIPTION_TOO_LONG
    if to in {Status.FORWARDED, Status.INVITED}:
        if target_body is None:
            errors["target_body"] = M.TARGET_REQUIRED
        elif to == Status.FORWARDED and target_body.pk == report.responsible_id:
            errors["target_body"] = M.TARGET_SAME
        elif not selectors.target_bodies(report).filter(pk=target_body.pk).exists():
            # Only bodies that handle reports here: another district's committee must never
            # be shown the reporter's contact details.
            errors["target_body"] = M.TARGET_NOT_ALLOWED
    if to == Status.DUPLICATE:
        if duplicate_of is None:
            errors["duplicate_of"] = M.DUPLICATE_TARGET_REQUIRED
        elif duplicate_of.pk == report.pk:
            errors["duplicate_of"] = M.DUPLICATE_TARGET_INVALID
    processed = check.photos(errors, photos)
    if to in NEEDS_AFTER_PHOTO and not processed and "photos" not in errors:
        errors["photos"] = M.AFTER_PHOTO_REQUIRED
    if errors:
        raise InvalidInput(errors)

    updates: dict = {"status_changed": lambda now: now}
    if to == Status.FORWARDED:
        updates["responsible"] = target_body
    if to == Status.DUPLICATE:
        updates["duplicate_of"] = duplicate_of
    photo_kind = ReportPhoto.Kind.AFTER if to == Status.FINISHED else ReportPhoto.Kind.PROGRESS

    def then(locked: Report, event: ReportEvent) -> None:
        if to == Status.INVITED:
            locked.invited.add(target_body)
        _store_photos(locked, event, processed, photo_kind)

    return LIFECYCLE.move(
        report,
        to=to,
        kind=EVENT_KIND.get(to, ReportEvent.Kind.STATUS),
        actor=actor,
        actor_body=selectors.acting_body(actor, report, api_key),
        note=note,
        updates=updates,
        event_fields={"target_body": target_body},
        then=then,
        follow_up=[(tasks.notify_status_change, _notify)],
    )


def bulk_change_status(
    reports: Iterable[Report], *, actor, to: str, note: str = ""
) -> tuple[list[Report], dict[str, InvalidInput | NotAllowed]]:
    """The same move for many reports; each succeeds or fails on its own, with its reason."""
    done, failed = [], {}
    for report in reports:
        try:
            change_status(report, actor=actor, to=to, note=note)
            done.append(report)
        except (InvalidInput, NotAllowed) as exc:
            failed[report.code] = exc
    return done, failed


# -- the reporter's actions ----------------------------------------------------------------


def _reporter_move(report: Report, *, to: str, actor, note: str = "", **extra) -> ReportEvent:
    return LIFECYCLE.move(
        report,
        to=to,
        kind=EVENT_KIND[to],
        actor=actor,
        note=note,
        moves=allowed_for_reporter(report.status),
        follow_up=[(tasks.notify_status_change, _notify)],
        **extra,
    )


def confirm_fix(
    report: Report, *, actor=None, reporter_key: str | None = None, api_key=None
) -> ReportEvent:
    """The reporter (or a member of the district's committee) confirms the fix."""
    presented = Presented(report, reporter_key)
    require(api_key or actor, "reports.confirm_fix", presented, M.NOT_REPORTER)
    if Status.CONFIRMED not in allowed_for_reporter(report.status):
        raise InvalidInput({"status": M.MOVE_NOT_ALLOWED})
    return _reporter_move(
        report,
        to=Status.CONFIRMED,
        actor=actor,
        updates={"status_changed": lambda now: now},
    )


def reopen(
    report: Report, *, reason: str, actor=None, reporter_key: str | None = None, api_key=None
) -> ReportEvent:
    """The reporter says it is not fixed: the report goes back to the body responsible.
    ``api_key``: the program that sent the report, speaking for its reporter."""
    presented = Presented(report, reporter_key)
    require(api_key or actor, "reports.reopen", presented, M.NOT_REPORTER)
    reason = (reason or "").strip()
    errors: dict[str, Bilingual] = {}
    if Status.REOPENED not in allowed_for_reporter(report.status):
        errors["status"] = M.MOVE_NOT_ALLOWED
    if not reason:
        errors["note"] = M.REASON_REQUIRED
    if errors:
        raise InvalidInput(errors)
    return _reporter_move(
        report,
        to=Status.REOPENED,
        actor=actor,
        note=reason,
        updates={"status_changed": lambda now: now, "reopen_count": F("reopen_count") + 1},
        event_fields={"target_body_id": report.responsible_id},
    )


def rate(
    report: Report, *, stars: int | str, actor=None, reporter_key: str | None = None
) -> ReportEvent:
    require(actor, "reports.rate", Presented(report, reporter_key), M.NOT_REPORTER)
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        raise InvalidInput({"rating": M.RATING_INVALID}) from None
    if not 1 <= stars <= 5:
        raise InvalidInput({"rating": M.RATING_INVALID})
    if report.status not in {Status.FINISHED, Status.CONFIRMED, Status.CLOSED_UNFIXED}:
        raise InvalidInput({"rating": M.RATING_NOT_YET})
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(rating=stars)
        report.rating = stars
        return LIFECYCLE.record(report, kind=ReportEvent.Kind.RATED, actor=actor, note=str(stars))


def support(report: Report, *, user=None, fingerprint: str = "") -> Supporter:
    """ "This is mine too": one more resident with the same problem, not one more report."""
    if not report.is_open:
        raise InvalidInput({"report": M.SUPPORT_CLOSED})
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    lookup = {"user": user} if signed_in else {"fingerprint": fingerprint, "user": None}
    if Supporter.objects.filter(report=report, **lookup).exists():
        raise InvalidInput({"report": M.ALREADY_SUPPORTED})
    try:
        with transaction.atomic():
            supporter = Supporter.objects.create(report=report, **lookup)
            Report.objects.filter(pk=report.pk).update(supporter_count=F("supporter_count") + 1)
            LIFECYCLE.record(report, kind=ReportEvent.Kind.SUPPORTED, actor=user)
    except IntegrityError:
        raise InvalidInput({"report": M.ALREADY_SUPPORTED}) from None
    report.supporter_count += 1
    return supporter


# -- probable duplicates --------------------------------------------------------------------


def confirm_duplicate(suggestion: DuplicateSuggestion, *, actor) -> ReportEvent:
    """Staff agree: the report becomes a duplicate of the original (a staff move)."""
    original = suggestion.original
    with transaction.atomic():
        event = change_status(
            suggestion.report,
            actor=actor,
            to=Status.DUPLICATE,
            note=f"ซ้ำกับ {original.display_code} / duplicate of {original.display_code}",
            duplicate_of=original,
        )
        _decide(suggestion, DuplicateSuggestion.State.CONFIRMED, actor)
    return event


def dismiss_duplicate(suggestion: DuplicateSuggestion, *, actor) -> ReportEvent:
    """Staff say the two are different problems: the suggestion is closed, on the timeline."""
    report = suggestion.report
    require(actor, "reports.handle_report", report, M.NOT_STAFF)
    original = suggestion.original.display_code
    with transaction.atomic():
        _decide(suggestion, DuplicateSuggestion.State.DISMISSED, actor)
        return LIFECYCLE.record(
            report,
            kind=ReportEvent.Kind.NOT_DUPLICATE,
            actor=actor,
            actor_body=selectors.acting_body(actor, report, None),
            note=f"ไม่ซ้ำกับ {original} / not a duplicate of {original}",
        )


def _decide(suggestion: DuplicateSuggestion, state: str, actor) -> None:
    suggestion.state, suggestion.decided_by, suggestion.decided = state, actor, timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided"])


# -- personal data ------------------------------------------------------------------------


def has_contact(report: Report) -> bool:
    contact = (report.contact_name, report.contact_email, report.contact_phone)
    return any(contact) or bool(report.contact_line_id)


def log_contact_access(report: Report, *, viewer, where: str) -> None:
    """A person on the staff is shown the reporter's contact details: logged (PDPA)."""
    if has_contact(report):
        ContactAccess.objects.create(report=report, viewer=viewer, where=where)


# -- categories the classifier gives -------------------------------------------------------


def set_categories_many(chosen: Sequence[tuple[int, Sequence[Category]]]) -> int:
    """Categories for many reports at once (report id, its categories in order): the links,
    and each report's area from its first category, one UPDATE per area. Links already there
    are kept. Returns how many reports got at least one category."""
    through = Report.categories.through
    through.objects.bulk_create(
        [through(report_id=pk, category_id=c.pk) for pk, cats in chosen for c in cats],
        ignore_conflicts=True,
    )
    by_area: dict[int, list[int]] = {}
    for pk, cats in chosen:
        if cats:
            by_area.setdefault(cats[0].area_id, []).append(pk)
    for area_id, pks in by_area.items():
        for i in range(0, len(pks), 900):  # under SQLite's oldest limit of 999 parameters
            Report.objects.filter(pk__in=pks[i : i + 900]).update(area_id=area_id)
    return sum(1 for _, cats in chosen if cats)


def classify_unlabelled(reports, *, chunk: int = 2000) -> int:
    """Reports among these still without a category get those of the model that answers
    (``reports.classifiers``; its likeliest one where none is sure); those with no word it
    knows stay without. Returns how many got one."""
    classifier = answering().classifier
    if classifier is None:
        return 0
    by_name = {c.name_th: c for c in Category.objects.all()}
    qs = reports.filter(categories__isnull=True).only("pk", "description").order_by("pk")
    done = 0
    batch: list[Report] = []

    def flush() -> int:
        labels = classifier.predict([r.description for r in batch])
        return set_categories_many(
            [
                (r.pk, [by_name[n] for n in names if n in by_name])
                for r, names in zip(batch, labels, strict=True)
            ]
        )

    for report in qs.iterator(chunk_size=chunk):
        batch.append(report)
        if len(batch) == chunk:
            done += flush()
            batch = []
    if batch:
        done += flush()
    return done
