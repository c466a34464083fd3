"""Planning rows: which tickets of a batch are imported, and what each one becomes.

``BatchChecks`` (the reading thread) makes the checks that need more than one row: is the point
in a Bangkok district (all of a batch's points located in one call), and is this the first
row of its ticket_id in the run. ``Planner`` (the writing side) turns a new ticket into the
rows of its report, category links and "created" event, routed as a report made on the site
(``ruam.framework.selectors.RoutingTable``); and compares a ticket already imported with its
report: unchanged, changed, or moved to another status (with a "status" event).

Nothing here writes to the database; ``writer.py`` does, in the column orders named here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ruam.framework.models import Category
from ruam.framework.selectors import RouteIds, RoutingTable
from ruam.geo.locate import Locator
from ruam.integrations.traffy.reader import DUPLICATE_IN_FILE, OUTSIDE_BANGKOK, Rejected, Ticket
from ruam.reports.models import Channel, Report, ReportEvent, grid_cells
from ruam.reports.statuses import TRAFFY_STATES

NOTE = "นำเข้าจาก Traffy Fondue / imported from Traffy Fondue"
# Traffy's Thai state → Ruam's status, as plain strings for the database driver.
STATES = {state: str(status) for state, status in TRAFFY_STATES.items()}
CREATED = ReportEvent.Kind.CREATED.value
IMPORT = Channel.IMPORT.value
STATUS = ReportEvent.Kind.STATUS.value
REPORT_FIELDS = [
    "code",
    "description",
    "lat",
    "lon",
    "cell",
    "address",
    "district_id",
    "subdistrict_id",
    "area_id",
    "channel",
    "responsible_id",
    "department_id",
    "deadline",
    "status",
    "status_changed",
    "rating",
    "reopen_count",
    "external_id",
    "external_photo_url",
    "external_after_photo_url",
    "created",
    "modified",
]
EVENT_FIELDS = [
    "report_id",
    "kind",
    "from_status",
    "to_status",
    "note",
    "target_body_id",
    "created",
]
# What a ticket imported before is compared by (after the primary key).
EXISTING_FIELDS = [
    "id",
    "status",
    "rating",
    "reopen_count",
    "external_after_photo_url",
]
UPDATED_FIELDS = ["rating", "reopen_count", "external_after_photo_url", "modified"]
MOVED_FIELDS = ["status", "status_changed", *UPDATED_FIELDS]


@dataclass
class Batch:
    """Rows read, after every check: what one transaction writes."""

    file: str
    rows: int
    tickets: list[Ticket]
    rejects: list[Rejected]
    unknown_labels: Counter[str]
    no_subdistrict: int


class BatchChecks:
    """The checks that need more than one row, for one run: in Bangkok (per batch), first
    row of its ticket_id in the run."""

    def __init__(
        self,
        *,
        locator: Locator,
        district_codes: set[str],
        subdistrict_codes: set[str],
        categories: Mapping[str, Category],
    ) -> None:
        self.locator = locator
        self.district_codes = district_codes
        self.subdistrict_codes = subdistrict_codes
        self.categories = categories
        self.seen: dict[str, int] = {}  # ticket_id → line of its first occurrence in this run

    def batch(self, file: str, items: list[Ticket | Rejected]) -> Batch:
        rejects = [item for item in items if isinstance(item, Rejected)]
        tickets = [item for item in items if isinstance(item, Ticket)]
        if tickets:
            tickets = self._locate(tickets, rejects)
            tickets = self._first_occurrences(tickets, rejects)
        unknown: Counter[str] = Counter()
        categories = self.categories
        for ticket in tickets:
            for label in ticket.labels:
                if label not in categories:
                    unknown[label] += 1
        no_subdistrict = sum(1 for t in tickets if t.subdistrict is None)
        return Batch(file, len(items), tickets, rejects, unknown, no_subdistrict)

    def _locate(self, tickets: list[Ticket], rejects: list[Rejected]) -> list[Ticket]:
        """District, แขวง and grid cell of each point; a point in no district is rejected."""
        lat = np.fromiter((t.lat for t in tickets), dtype=float, count=len(tickets))
        lon = np.fromiter((t.lon for t in tickets), dtype=float, count=len(tickets))
        districts, subdistricts = self.locator.locate_many(lat, lon)
        cells = grid_cells(lat, lon).tolist()
        kept = []
        for ticket, district, sub, cell in zip(
            tickets, districts.tolist(), subdistricts.tolist(), cells, strict=True
        ):
            if district and district in self.district_codes:
                ticket.district = district
                ticket.subdistrict = sub if sub in self.subdistrict_codes else None
                ticket.cell = cell
                kept.append(ticket)
            else:
                where = f" (province: {ticket.province})" if ticket.province else ""
                rejects.append(
                    Rejected(
                        ticket.line,
                        ticket.ticket_id,
                        OUTSIDE_BANGKOK,
                        f"lon {ticket.lon}, lat {ticket.lat}{where}",
                    )
                )
        return kept

    def _first_occurrences(self, tickets: list[Ticket], rejects: list[Rejected]) -> list[Ticket]:
        """The first importable row of a ticket_id in this run wins; later ones are rejected."""
        seen = self.seen
        kept = []
        for ticket in tickets:
            first = seen.get(ticket.ticket_id)
            if first is None:
                seen[ticket.ticket_id] = ticket.line
                kept.append(ticket)
            else:
                rejects.append(
                    Rejected(
                        ticket.line,
                        ticket.ticket_id,
                        DUPLICATE_IN_FILE,
                        f"first seen on line {first} of this run",
                    )
                )
        return kept


class Placement(NamedTuple):
    """What every new report with the same labels in the same district gets."""

    area_id: int | None
    responsible_id: int | None
    department_id: int | None
    deadline: dt.timedelta
    category_ids: tuple[int, ...]


@dataclass
class NewReports:
    """The rows of a batch's new reports, in the order of their tickets."""

    reports: list[tuple]  # in the order of REPORT_FIELDS
    category_ids: list[tuple[int, ...]]
    events: list[tuple]  # in the order of EVENT_FIELDS, without report_id (not known yet)


@dataclass
class Changes:
    """What a batch changes in the reports imported before."""

    unchanged: int
    changed: list[Report]  # rating, reopen count or after-photo: UPDATED_FIELDS
    moved: list[Report]  # and status: MOVED_FIELDS
    status_events: list[tuple]  # in the order of EVENT_FIELDS

    @property
    def updated(self) -> int:
        return len(self.changed) + len(self.moved)


class Planner:
    """What each new or changed ticket becomes, for one run. Safe to share between writer
    threads: it only reads, and remembers placements (the same answer from any thread)."""

    def __init__(
        self,
        *,
        categories: Mapping[str, Category],
        routing: RoutingTable,
        now: dt.datetime,
        adapt_datetime: Callable[[dt.datetime], object],
    ) -> None:
        self.categories = categories
        self.routing = routing
        self.now = now
        self.adapt_datetime = adapt_datetime
        self._placements: dict[tuple[tuple[str, ...], str], Placement] = {}
        # The shared file has 11,138 pairs of labels and district but 1,035 of first category
        # and district: the table is asked once per pair of the second kind.
        self._routes: dict[tuple[int | None, str], RouteIds] = {}

    def placement(self, labels: tuple[str, ...], district: str) -> Placement:
        """The categories (the known labels, in the ticket's order), and the area, routing and
        deadline of the first of them, as for a report made on the site."""
        key = (labels, district)
        placement = self._placements.get(key)
        if placement is None:
            known = [self.categories[label] for label in labels if label in self.categories]
            primary = known[0] if known else None
            route_key = (primary.pk if primary else None, district)
            route = self._routes.get(route_key)
            if route is None:
                route = self._routes[route_key] = self.routing.route(primary, district)
            placement = self._placements[key] = Placement(
                primary.area_id if primary else None,
                route.responsible_id,
                route.department_id,
                dt.timedelta(days=route.deadline_days),
                tuple(c.pk for c in known),
            )
        return placement

    def new_reports(self, tickets: list[Ticket], codes: list[str]) -> NewReports:
        at = self.adapt_datetime
        now = at(self.now)
        placements = self._placements
        reports: list[tuple] = []
        chosen: list[tuple[int, ...]] = []
        events: list[tuple] = []
        for ticket, code in zip(tickets, codes, strict=True):
            where = placements.get((ticket.labels, ticket.district)) or self.placement(
                ticket.labels, ticket.district
            )
            area_id, responsible_id, department_id, deadline, category_ids = where
            created = at(ticket.created)
            last_activity = ticket.last_activity
            reports.append(
                (  # in the order of REPORT_FIELDS
                    code,
                    ticket.description,
                    ticket.lat,
                    ticket.lon,
                    ticket.cell,
                    ticket.address,
                    ticket.district,
                    ticket.subdistrict,
                    area_id,
                    IMPORT,
                    responsible_id,
                    department_id,
                    at(ticket.created + deadline),
                    ticket.status,
                    at(last_activity) if last_activity else created,
                    ticket.rating,
                    ticket.reopen_count,
                    ticket.ticket_id,
                    ticket.photo_url,
                    ticket.after_photo_url,
                    created,
                    now,
                )
            )
            chosen.append(category_ids)
            # in the order of EVENT_FIELDS after report_id
            events.append((CREATED, "", ticket.status, NOTE, responsible_id, created))
        return NewReports(reports, chosen, events)

    def changes(self, tickets: list[Ticket], existing: Mapping[str, tuple]) -> Changes:
        """Traffy's status, rating, reopen count and after-photo (a row without one does not
        erase it) win over the report's; description, place, categories and routing stay as
        they were set when the report was created. ``existing``: ticket_id → the report's
        EXISTING_FIELDS."""
        unchanged = 0
        changed: list[Report] = []
        moved: list[Report] = []
        status_events: list[tuple] = []
        for ticket in tickets:
            old = existing.get(ticket.ticket_id)
            if old is None:
                continue
            pk, status, rating, reopen_count, after_url = old
            new_after = ticket.after_photo_url or after_url
            if (
                status == ticket.status
                and rating == ticket.rating
                and reopen_count == ticket.reopen_count
                and after_url == new_after
            ):
                unchanged += 1
                continue
            report = Report(
                pk=pk,
                status=ticket.status,
                rating=ticket.rating,
                reopen_count=ticket.reopen_count,
                external_after_photo_url=new_after,
                modified=self.now,
            )
            if status == ticket.status:
                changed.append(report)
                continue
            report.status_changed = ticket.last_activity or self.now
            moved.append(report)
            status_events.append(  # in the order of EVENT_FIELDS
                (
                    pk,
                    STATUS,
                    status,
                    ticket.status,
                    NOTE,
                    None,
                    self.adapt_datetime(report.status_changed),
                )
            )
        return Changes(unchanged, changed, moved, status_events)
