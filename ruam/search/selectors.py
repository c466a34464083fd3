"""Thai full-text search with ranking, on PostgreSQL and on SQLite.

The SQL is assembled from fixed fragments only (column lists, filter clauses chosen in code,
constants); every value a person typed travels as a query parameter.

Whole words (as nlpo3 segments them) rank first; entries that contain the query only as part
of a word ("ท่วม" inside "น้ำท่วม") follow, newest first.
"""

from __future__ import annotations

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
    """Hits for a query, best first, and how many there are (counted up to 10,000)."""
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


# Ranking looks at the newest matches only: enough for a page of results, and bounded however
# common the word.
RANK_WINDOW = 2000


def _postgres(raw, words, where, params, limit, offset):
    tsquery = " ".join(words)
    # Word parts need three characters for the trigram index; shorter ones match whole words.
    part = " OR e.raw ILIKE %s" if len(raw) >= 3 else ""
    base = (
        f"FROM search_searchentry e WHERE (e.vector @@ plainto_tsquery('simple', %s){part}){where}"
    )
    base_params = [tsquery, *([_like(raw)] if part else []), *params]
    sql = (
        f"SELECT {COLUMNS}, ts_rank(e.vector, plainto_tsquery('simple', %s)) AS rank "
        f"FROM (SELECT e.* {base} ORDER BY e.created DESC LIMIT {RANK_WINDOW}) e "
        "ORDER BY rank DESC, e.created DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, *base_params, limit, offset])
        rows = cursor.fetchall()
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {MAX_COUNT}) t", base_params)
        count = cursor.fetchone()[0]
    return [Hit(*row) for row in rows], count


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
