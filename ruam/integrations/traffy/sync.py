"""Keeping Traffy Fondue's tickets in step: new and changed tickets from Traffy's public search
API, upserted exactly as ``ruam import-traffy`` does.

Each page of the API is turned into the rows of the public dump (``to_row``: the API and the
dump name some fields differently; both namings are read) and goes through the importer's own
stages: ``reader.RowParser`` for each row, ``plan.BatchChecks`` for the batch, and
``TraffyImporter.commit_batch`` (``writer.BatchWriter``) to write it in one transaction. So a
ticket becomes the same report, an unchanged one writes nothing, a changed one is updated with
a status event, and every row read is created, updated, unchanged or rejected with the dump's
reasons (``docs/IMPORT.md``).

The API is read one day at a time (``start`` = the day, ``end`` = the next day), by ``offset``
until a page comes back shorter than asked. The position (day, offset) is a ``SyncCursor``,
moved in the same transaction as each page's reports, so a run that stops (a crash, Ctrl-C,
Traffy going away) continues from the last committed page, and a page is applied whole or not
at all. Each run reads again the last ``recent_days`` days from their start, for tickets whose
state changed. Time-outs, 5xx answers and pages that are not the API's JSON are tried again
with back-off; a page that still fails stops the run with the error recorded on the cursor.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ruam.integrations.traffy.importer import TraffyImporter
from ruam.integrations.traffy.models import SyncCursor
from ruam.integrations.traffy.plan import STATES
from ruam.integrations.traffy.reader import COLUMNS, MALFORMED_ROW, Rejected, RowParser, Ticket
from ruam.integrations.traffy.summary import ImportSummary, RejectsFile

log = logging.getLogger(__name__)
BANGKOK = ZoneInfo("Asia/Bangkok")
SEARCH_PATH = "/share/teamchadchart/search"
DEFAULT_CURSOR = "traffy"

# Dump column → the API's names for it, in the order they are tried.
API_NAMES: dict[str, tuple[str, ...]] = {
    "ticket_id": ("ticket_id",),
    "type": ("type", "problem_type_fondue"),
    "organization": ("org", "organization"),
    "comment": ("description", "comment"),
    "photo": ("photo_url", "photo"),
    "photo_after": ("photo_after", "after_photo"),
    "coords": ("coords",),
    "address": ("address",),
    "subdistrict": ("subdistrict",),
    "district": ("district",),
    "province": ("province",),
    "timestamp": ("timestamp",),
    "state": ("state",),
    "star": ("star",),
    "count_reopen": ("count_reopen",),
    "last_activity": ("last_activity",),
}


class FetchFailed(Exception):
    """A page could not be had after every retry (the run stops; nothing of it was applied)."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _value(column: str, value) -> str:
    """An API value as the dump writes it: ``type`` as ``{a,b}``, ``coords`` as ``lon,lat``."""
    if column == "type" and isinstance(value, list | tuple):
        return "{" + ",".join(_text(v) for v in value) + "}"
    if column == "coords" and isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    if column == "organization" and isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    return _text(value)


def to_row(result: Mapping) -> list[str]:
    """One API result → a dump row in ``reader.COLUMNS`` order."""
    row = []
    for column in COLUMNS:
        value = None
        for name in API_NAMES[column]:
            if result.get(name) is not None:
                value = result[name]
                break
        row.append(_value(column, value))
    return row


@dataclass
class Page:
    results: list
    total: int | None


class TraffyApi:
    """Traffy's public search API: one page, with retries and back-off."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.retried = 0  # tries that failed and were made again, over the run

    def url(self, day: dt.date, offset: int, limit: int) -> str:
        query = urlencode(
            {
                "start": day.isoformat(),
                "end": (day + dt.timedelta(days=1)).isoformat(),
                "offset": offset,
                "limit": limit,
            }
        )
        return f"{self.base_url}{SEARCH_PATH}?{query}"

    def page(self, day: dt.date, offset: int, limit: int) -> Page:
        url = self.url(day, offset, limit)
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.retried += 1
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._get(url)
            except urllib.error.HTTPError as exc:
                problem = f"HTTP {exc.code}"
                if exc.code < 500 and exc.code != 429:
                    break  # a 4xx other than "too many" will not get better by asking again
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                problem = f"no answer ({exc})"
            except ValueError as exc:
                problem = f"malformed page ({exc})"
            log.warning("Traffy page %s failed (%s), try %d", url, problem, attempt + 1)
        raise FetchFailed(f"{url}: {problem} after {attempt + 1} tries")

    def _get(self, url: str) -> Page:
        request = urllib.request.Request(  # noqa: S310 (the base URL is a setting: http(s))
            url, headers={"Accept": "application/json", "User-Agent": "Ruam (ruam sync-traffy)"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            if response.status not in (200, 201):
                raise ValueError(f"HTTP {response.status}")
            body = response.read()
        data = json.loads(body)  # a JSONDecodeError is a ValueError
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise ValueError("no list of results")
        total = data.get("total")
        return Page(data["results"], total if isinstance(total, int) else None)


def bangkok_today() -> dt.date:
    return timezone.now().astimezone(BANGKOK).date()


class TraffySync:
    """One run of the sync over a range of days; ``summary`` is the importer's own."""

    def __init__(
        self,
        api: TraffyApi,
        *,
        cursor_name: str = DEFAULT_CURSOR,
        page_size: int | None = None,
        recent_days: int | None = None,
        rejects_path: Path | None = None,
        after_page: Callable[[int], None] | None = None,
    ) -> None:
        self.api = api
        self.cursor_name = cursor_name
        self.page_size = page_size or settings.TRAFFY_SYNC_PAGE_SIZE
        self.recent_days = settings.TRAFFY_SYNC_RECENT_DAYS if recent_days is None else recent_days
        self.importer = TraffyImporter(batch_size=self.page_size, rejects_path=rejects_path)
        self.summary: ImportSummary = self.importer.summary
        self.summary.files = [api.base_url + SEARCH_PATH]
        self.after_page = after_page
        self.pages = 0

    def days(self, cursor: SyncCursor, since: dt.date | None, until: dt.date | None, resume: bool):
        """The days this run reads: a one-off range (from where an unfinished run of it
        stopped), else from the cursor (or the recent days, whichever is earlier) to today."""
        today = bangkok_today()
        end = until or today
        recent = today - dt.timedelta(days=max(self.recent_days - 1, 0))
        if since is not None:
            start = since
        elif cursor.day is not None:
            start = min(cursor.day, recent)
        else:
            start = recent
        if since is not None and resume and cursor.day is not None:
            start = max(start, cursor.day)  # a one-off run that stopped: go on from there
        day = start
        while day <= end:
            yield day
            day += dt.timedelta(days=1)

    def run(self, *, since: dt.date | None = None, until: dt.date | None = None) -> ImportSummary:
        cursor, _ = SyncCursor.objects.get_or_create(name=self.cursor_name)
        finished = cursor.last_finished
        resume = cursor.last_started is not None and (
            finished is None or finished < cursor.last_started
        )
        if since is not None and not resume:
            cursor.day, cursor.offset = None, 0  # a one-off run again, from its first day
        cursor.last_started, cursor.last_error = timezone.now(), ""
        cursor.save(update_fields=["last_started", "last_error"])
        started = time.monotonic()
        rejects = self.importer.rejects_path
        self.importer._rejects = RejectsFile(rejects) if rejects else None
        try:
            self.importer.load_lookups()
            for day in self.days(cursor, since, until, resume):
                offset = cursor.offset if cursor.day == day else 0
                self._read_day(cursor, day, offset)
        except BaseException as exc:
            self.summary.interrupted = True
            SyncCursor.objects.filter(pk=cursor.pk).update(
                last_error=str(exc)[:2000] or type(exc).__name__,
                last_summary=self._counts(),
            )
            raise
        finally:
            self.summary.elapsed = time.monotonic() - started
            if self.importer._rejects:
                self.importer._rejects.close()
        SyncCursor.objects.filter(pk=cursor.pk).update(
            last_finished=timezone.now(), last_summary=self._counts()
        )
        if self.summary.created or self.summary.updated:
            self.importer.classify_and_index()
        return self.summary

    def _read_day(self, cursor: SyncCursor, day: dt.date, offset: int) -> None:
        parser = RowParser(list(COLUMNS), STATES)
        while True:
            page = self.api.page(day, offset, self.page_size)
            items: list[Ticket | Rejected] = []
            for i, result in enumerate(page.results, start=offset + 1):
                if isinstance(result, Mapping):
                    items.append(parser.parse(i, to_row(result)))
                else:
                    items.append(Rejected(i, "", MALFORMED_ROW, "not a JSON object"))
            # A ticket met again on a later page (the day's list moved while it was read) is
            # compared with its report like any other, not refused as a repeat in the file.
            self.importer.checks.seen.clear()
            batch = self.importer.checks.batch(f"{day.isoformat()}+{offset}", items)
            done = len(page.results)
            short = done < self.page_size
            # The cursor moves with the page's reports, in one transaction; a day read to its
            # end moves it to the next day, never back.
            position = (day + dt.timedelta(days=1), 0) if short else (day, offset + done)
            if cursor.day is None or position > (cursor.day, cursor.offset):
                cursor.day, cursor.offset = position

            def move(cursor=cursor) -> None:
                SyncCursor.objects.filter(pk=cursor.pk).update(day=cursor.day, offset=cursor.offset)

            self.importer.commit_batch(batch, along=move)
            self.pages += 1
            if self.after_page:
                self.after_page(self.pages)
            if short:
                return
            offset += done

    def _counts(self) -> dict:
        s = self.summary
        return {
            "rows_read": s.rows_read,
            "created": s.created,
            "updated": s.updated,
            "unchanged": s.unchanged,
            "rejected": dict(s.rejected),
            "pages": self.pages,
            "retries": self.api.retried,
        }


def sync(
    *,
    base_url: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    rejects_path: Path | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> TraffySync:
    """One run with the settings (``TRAFFY_API_BASE`` …); a range of days is a one-off
    catch-up with a cursor of its own. Returns the run (its ``summary``, its ``pages``)."""
    api = TraffyApi(
        base_url or settings.TRAFFY_API_BASE,
        timeout=settings.TRAFFY_API_TIMEOUT,
        retries=settings.TRAFFY_API_RETRIES,
        backoff=settings.TRAFFY_API_BACKOFF,
        sleep=sleep,
    )
    name = DEFAULT_CURSOR
    if since is not None:
        name = f"{DEFAULT_CURSOR}:{since.isoformat()}:{until.isoformat() if until else ''}"
    # (the command names its cursors the same way)
    run = TraffySync(api, cursor_name=name, rejects_path=rejects_path)
    run.run(since=since, until=until)
    return run
