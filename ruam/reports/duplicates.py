"""Probable duplicates: the same problem reported again nearby, soon after.

Candidates for a report are *open* reports of the same or a related category, within 250 m
(looked up by grid cell, not by scanning the table) and 30 days before it. Each is scored by how
alike the descriptions' words are (Jaccard overlap of the segmented words; the address is left
out, since every ticket on a street shares it and distance already measures place) and how close
it is; those above the threshold are stored as suggestions for staff to confirm or dismiss
(``services.confirm_duplicate``, ``services.dismiss_duplicate``).
Nothing is ever merged without a person. Precision on hand-labelled real tickets: bench/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ruam.reports.models import DuplicateSuggestion, Report, neighbour_cells
from ruam.reports.selectors import distance_m
from ruam.reports.statuses import OPEN

RADIUS_M = 250
WINDOW_DAYS = 30
THRESHOLD = 0.55
TEXT_WEIGHT = 0.7
CANDIDATES = 5  # the best this many per report are weighed against the threshold

# Categories that describe the same problem from different sides.
RELATED = [
    {"น้ำท่วม", "ท่อระบายน้ำ", "คลอง"},
    {"ถนน", "ทางเท้า", "สะพาน"},
    {"แสงสว่าง", "สายไฟ"},
    {"ความสะอาด", "กีดขวาง", "ป้าย"},
    {"จราจร", "ป้ายจราจร", "การเดินทาง"},
    {"ความปลอดภัย", "คนจรจัด", "สัตว์จรจัด"},
]


def related_names(names: Iterable[str]) -> set[str]:
    names = set(names)
    out = set(names)
    for group in RELATED:
        if names & group:
            out |= group
    return out


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Candidate:
    original: Report
    distance_m: float
    text_similarity: float
    score: float


def _words(reports: list[Report]) -> dict[int, set[str]]:
    from ruam.thai.segment import words

    return {report.pk: set(words(report.description)) for report in reports}


def candidates(report: Report, *, limit: int = CANDIDATES) -> list[Candidate]:
    if report.lat is None or report.lon is None:
        return []
    names = [c.name_th for c in report.categories.all()]
    qs = (
        Report.objects.filter(
            cell__in=neighbour_cells(report.lat, report.lon),
            created__gte=report.created - dt.timedelta(days=WINDOW_DAYS),
            created__lte=report.created,
            status__in=OPEN,
        )
        .exclude(pk=report.pk)
        .only("pk", "code", "lat", "lon", "created", "description", "status")
    )
    if names:
        qs = qs.filter(categories__name_th__in=related_names(names)).distinct()
    nearby = [
        (other, d)
        for other in qs[:200]
        if (d := distance_m(report.lat, report.lon, other.lat, other.lon)) <= RADIUS_M
    ]
    if not nearby:
        return []
    words = _words([report] + [other for other, _ in nearby])
    return _ranked(words.get(report.pk, set()), nearby, words, limit)


def _ranked(
    mine: set[str], nearby: list[tuple[Report, float]], words: dict[int, set[str]], limit: int
) -> list[Candidate]:
    """The nearby reports scored by words and distance, best first."""
    found = []
    for other, d in nearby:
        text = jaccard(mine, words.get(other.pk, set()))
        score = TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * (1 - d / RADIUS_M)
        found.append(Candidate(other, d, text, score))
    found.sort(key=lambda c: -c.score)
    return found[:limit]


def _scores(c: Candidate) -> dict:
    """What a suggestion stores of a candidate besides the pair."""
    return {"score": c.score, "text_similarity": c.text_similarity, "distance_m": c.distance_m}


def suggest(report: Report, *, threshold: float = THRESHOLD) -> list[DuplicateSuggestion]:
    """Store the candidates above the threshold (again: unchanged pairs are kept as they are).
    Returns the stored suggestions of those candidates, best first."""
    above = [c for c in candidates(report) if c.score >= threshold]
    if not above:
        return []
    # One insert for all of them, a pair already stored left as it is (its unique constraint),
    # then one read for the rows as stored.
    DuplicateSuggestion.objects.bulk_create(
        [DuplicateSuggestion(report=report, original=c.original, **_scores(c)) for c in above],
        ignore_conflicts=True,
    )
    stored = {
        s.original_id: s
        for s in DuplicateSuggestion.objects.filter(
            report=report, original_id__in=[c.original.pk for c in above]
        )
    }
    made = []
    for c in above:
        if (suggestion := stored.get(c.original.pk)) is not None:  # None: deleted meanwhile
            suggestion.report, suggestion.original = report, c.original
            made.append(suggestion)
    return made


SUGGEST_CHUNK = 20_000  # reports whose candidates are found together (memory stays bounded)


def suggest_many(reports, *, threshold: float = THRESHOLD) -> int:
    """``suggest`` for many reports at once (after an import): the open reports around a chunk
    of them are read in one query and each text is segmented once, instead of one query and
    up to 200 segmentations per report. Unlike ``candidates`` it weighs every open report in
    reach, not the first 200. Returns how many new suggestions were stored."""
    fields = ("pk", "code", "lat", "lon", "cell", "created", "description", "status")
    targets = sorted(
        reports.filter(status__in=OPEN, lat__isnull=False, lon__isnull=False).only(*fields),
        key=lambda r: r.created,
    )
    before = DuplicateSuggestion.objects.count()
    words: dict[int, set[str]] = {}  # segmented when first compared, kept across chunks
    for i in range(0, len(targets), SUGGEST_CHUNK):
        chunk = targets[i : i + SUGGEST_CHUNK]
        window = (chunk[0].created - dt.timedelta(days=WINDOW_DAYS), chunk[-1].created)
        pool = list(
            Report.objects.filter(
                created__range=window, status__in=OPEN, lat__isnull=False, lon__isnull=False
            ).only(*fields)
        )
        names: dict[int, set[str]] = {}
        for pk, name in Report.categories.through.objects.filter(
            report__created__range=window, report__status__in=OPEN
        ).values_list("report_id", "category__name_th"):
            names.setdefault(pk, set()).add(name)
        by_cell: dict[int, list[Report]] = {}
        for other in pool:
            by_cell.setdefault(other.cell, []).append(other)
        found = []
        for report in chunk:
            mine = names.get(report.id)
            wanted = related_names(mine) if mine else None
            earliest = report.created - dt.timedelta(days=WINDOW_DAYS)
            nearby = [
                (other, d)
                for cell in neighbour_cells(report.lat, report.lon)
                for other in by_cell.get(cell, ())
                if other.id != report.id
                and earliest <= other.created <= report.created
                and (wanted is None or not wanted.isdisjoint(names.get(other.id, ())))
                and (d := distance_m(report.lat, report.lon, other.lat, other.lon)) <= RADIUS_M
            ]
            if not nearby:
                continue
            fresh = [r for r in (report, *(other for other, _ in nearby)) if r.id not in words]
            words.update(_words(fresh))
            found += [
                DuplicateSuggestion(report=report, original=c.original, **_scores(c))
                for c in _ranked(words.get(report.pk, set()), nearby, words, CANDIDATES)
                if c.score >= threshold
            ]
        DuplicateSuggestion.objects.bulk_create(found, ignore_conflicts=True)
    return DuplicateSuggestion.objects.count() - before
