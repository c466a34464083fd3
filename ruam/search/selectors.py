"""Thai full-text search with ranking, on PostgreSQL and on SQLite.

The SQL is assembled from fixed fragments only (column lists, filter clauses chosen in code,
constants); every value a person typed travels as a query parameter.

Whole words (as nlpo3 segments them) rank first; entries that contain the query only as part
of a word ("ท่วม" inside "น้ำท่วม") follow, newest first. The count is exact up to 1,000 on
PostgreSQL (10,000 on SQLite); past that PostgreSQL's estimate, rounded to two figures.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection

from ruam.search.models import SearchEntry

MAX_COUNT = 10_000
MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    code: str
    title: str
    district_id: str
    created: object
    is_open: bool
    rank: float


def query_words(query: str) -> list[str]:
    """The words of a query as search reads them (Thai segmented), for marking them in results."""
    return _words(" ".join(query.split())[:MAX_QUERY])


def _words(query: str) -> list[str]:
    from ruam.thai.segment import words

    return [w for w in words(query) if w.strip()]


def search(
    query: str,
    *,
    kind: str | None = None,
    district: str | None = None,
    open_only: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Hit], int]:
    """Hits for a query, best first, and how many there are (see the module's docstring)."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        return [], 0
    words = _words(query)
    filters, params = [], []
    if kind:
        filters.append("e.kind = %s")
        params.append(kind)
    if district:
        filters.append("e.district_id = %s")
        params.append(district)
    if open_only:
        filters.append("e.is_open")
    where = "".join(f" AND {f}" for f in filters)
    if connection.vendor == "postgresql":
        return _postgres(query.lower(), words, where, params, limit, offset)
    return _sqlite(query.lower(), words, where, params, limit, offset)


COLUMNS = "e.kind, e.object_id, e.code, e.title, e.district_id, e.created, e.is_open"


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# Ranking looks at the newest matches only: enough for the first pages, and bounded however
# common the word. Deeper pages widen it, up to MAX_WINDOW.
RANK_WINDOW = 200
MAX_WINDOW = 5_000
# PostgreSQL looks for the newest matches in a band of recent time first, sized from the
# planner's estimate of how many entries match, so that the band holds about twice the window:
# a common word is answered from its last day or two (the GIN index ANDed with the `created`
# index), a rare one from months or everything. Only if the band falls short is the rest read.
BAND_FILL = 2.0
# Up to this many matches are counted; past it the count is PostgreSQL's estimate.
EXACT_COUNT = 1_000
WORDS = "e.vector @@ plainto_tsquery('simple', %s)"


def _postgres(raw, words, where, params, limit, offset):
    """Whole-word matches (ranked) first, then word-part matches, newest first.

    The word-part search (``raw LIKE``, through the trigram index) runs only when the word
    search has not filled the window: a common word's own matches outnumber any page anyone
    reads, and the trigram side is the expensive one (every candidate is checked).
    """
    window = min(max(RANK_WINDOW, offset + limit), MAX_WINDOW)
    tsquery = " ".join(words)
    part = len(raw) >= 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(created), min(created) FROM search_searchentry")
        span = cursor.fetchone()
        if span[0] is None:
            return [], 0
        found, count = [], 0
        if words:
            # Words are ANDed: the planner multiplies their shares as if independent ("ไฟ"
            # and "ดับ" are not), so the rarest word's own count is the better estimate.
            estimate = min(_estimate(cursor, f"{WORDS}{where}", [w, *params]) for w in words)
            found, count = _newest(
                cursor, span, WORDS, [tsquery], where, params, window, tsquery, estimate
            )
        if len(found) < window and part:
            match, match_params = "e.raw LIKE %s", [_like(raw)]
            if words:
                match, match_params = f"{match} AND NOT {WORDS}", [*match_params, tsquery]
            more, more_count = _newest(
                cursor, span, match, match_params, where, params, window - len(found)
            )
            found += more
            count += more_count
    found.sort(key=lambda hit: (-hit.rank, -hit.created.timestamp()))
    return found[offset : offset + limit], count


def _newest(cursor, span, match, match_params, where, params, need, rank=None, estimate=None):
    """The newest ``need`` entries that match, and how many match in all (see _how_many)."""
    newest, oldest = span
    condition, condition_params = f"{match}{where}", [*match_params, *params]
    if estimate is None:
        estimate = _estimate(cursor, condition, condition_params)
    score = "ts_rank(e.vector, plainto_tsquery('simple', %s))" if rank else "0.0"
    select = f"SELECT {COLUMNS}, {score} FROM search_searchentry e WHERE {condition}"
    per_second = estimate / max((newest - oldest).total_seconds(), 1.0)
    seconds = BAND_FILL * need / per_second if per_second else None
    lower = newest - dt.timedelta(seconds=seconds) if seconds else None
    bands = [(" AND e.created >= %s", [lower]), (" AND e.created < %s", [lower])]
    if lower is None or lower <= oldest:
        bands = [("", [])]
    hits: list[Hit] = []
    for band, band_params in bands:
        cursor.execute(
            f"{select}{band} ORDER BY e.created DESC LIMIT %s",
            [*([rank] if rank else []), *condition_params, *band_params, need - len(hits)],
        )
        hits += [Hit(*row) for row in cursor.fetchall()]
        if len(hits) >= need:
            return hits, _how_many(cursor, condition, condition_params, estimate)
    return hits, len(hits)  # every match was read


def _estimate(cursor, condition, params) -> int:
    """How many entries match, by the planner's statistics (no rows read)."""
    cursor.execute(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchentry e WHERE {condition}", params
    )
    plan = cursor.fetchone()[0]
    return int((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]["Plan Rows"])


def _how_many(cursor, condition, params, estimate) -> int:
    """Matches counted up to EXACT_COUNT; past that, the planner's estimate (2 figures)."""
    if estimate <= EXACT_COUNT:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM search_searchentry e WHERE {condition} "
            f"LIMIT {EXACT_COUNT + 1}) t",
            params,
        )
        exact = cursor.fetchone()[0]
        if exact <= EXACT_COUNT:
            return exact
        estimate = max(estimate, exact)
    return int(float(f"{estimate:.2g}"))


def _sqlite(raw, words, where, params, limit, offset):
    # Word matches ranked by bm25, then word-part matches newest first: ids only, then rows.
    match_words = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    ranked: list[tuple[int, float]] = []
    with connection.cursor() as cursor:
        if match_words:
            cursor.execute(
                "SELECT e.id, bm25(search_words) FROM search_words "
                "JOIN search_searchentry e ON e.id = search_words.rowid "
                f"WHERE search_words MATCH %s{where} ORDER BY bm25(search_words), e.created DESC "
                f"LIMIT {MAX_COUNT}",
                [match_words, *params],
            )
            ranked = [(row[0], -row[1]) for row in cursor.fetchall()]
        if len(raw) >= 3:
            cursor.execute(
                "SELECT e.id FROM search_trigrams "
                "JOIN search_searchentry e ON e.id = search_trigrams.rowid "
                f"WHERE search_trigrams MATCH %s{where} ORDER BY e.created DESC LIMIT {MAX_COUNT}",
                ['"' + raw.replace('"', '""') + '"', *params],
            )
        else:
            cursor.execute(
                f"SELECT e.id FROM search_searchentry e WHERE e.raw LIKE %s ESCAPE '\\'{where} "
                f"ORDER BY e.created DESC LIMIT {MAX_COUNT}",
                [_like(raw), *params],
            )
        seen = {pk for pk, _ in ranked}
        ranked += [(row[0], 0.0) for row in cursor.fetchall() if row[0] not in seen]
    count = min(len(ranked), MAX_COUNT)
    page = ranked[offset : offset + limit]
    rows = {e.pk: e for e in SearchEntry.objects.filter(pk__in=[pk for pk, _ in page])}
    hits = [
        Hit(e.kind, e.object_id, e.code, e.title, e.district_id, e.created, e.is_open, rank)
        for pk, rank in page
        if (e := rows.get(pk)) is not None
    ]
    return hits, count
