"""Probable duplicates: found nearby and recent, scored by words, confirmed by a person."""

import datetime as dt

import numpy as np
import pytest

from ruam.bodies.models import Role
from ruam.core.errors import NotAllowed
from ruam.reports import duplicates, services
from ruam.reports.models import (
    Channel,
    DuplicateSuggestion,
    Report,
    ReportEvent,
    grid_cell,
    grid_cells,
)
from ruam.reports.statuses import Status

pytestmark = pytest.mark.django_db

HERE = (13.8596, 100.7046)


def report(text, lat=HERE[0], lon=HERE[1], categories=("น้ำท่วม",)):
    return services.submit_report(
        description=text, channel=Channel.WEB, lat=lat, lon=lon, categories=list(categories)
    ).report


def test_grid_cells_of_many_points_are_those_of_each_point():
    rng = np.random.default_rng(7)
    lat = rng.uniform(13.4, 14.0, 5000)
    lon = rng.uniform(100.3, 101.0, 5000)
    lat[:3] = [13.75, 13.7525, 13.0 + 0.0025 * 300]  # on cell edges
    cells = grid_cells(lat, lon).tolist()
    assert cells == [grid_cell(a, b) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)]


def test_reports_carry_their_grid_cell():
    r = report("น้ำท่วมขังหน้าซอย")
    assert r.cell == grid_cell(*HERE)


def test_the_same_problem_nearby_is_suggested():
    first = report("น้ำท่วมขังหน้าซอยวัด รถผ่านไม่ได้")
    second = report("น้ำท่วมขังหน้าซอยวัด ผ่านไม่ได้เลย", lat=HERE[0] + 0.0005)  # ~55 m
    found = duplicates.candidates(second)
    assert found and found[0].original == first
    assert 40 < found[0].distance_m < 70
    made = duplicates.suggest(second)
    assert [s.original for s in made] == [first]


def test_far_away_other_kind_or_old_reports_are_not_candidates():
    near_text = "น้ำท่วมขังหน้าซอยวัด รถผ่านไม่ได้"
    far = report(near_text, lat=HERE[0] + 0.004)  # ~440 m
    other_kind = report(near_text, categories=("แสงสว่าง",))
    old = report(near_text)
    Report.objects.filter(pk=old.pk).update(created=old.created - dt.timedelta(days=40))
    new = report(near_text)
    originals = {c.original.pk for c in duplicates.candidates(new)}
    assert far.pk not in originals and other_kind.pk not in originals and old.pk not in originals


def test_related_categories_count():
    drain = report("ท่อระบายน้ำอุดตัน น้ำท่วมขัง", categories=("ท่อระบายน้ำ",))
    flood = report("น้ำท่วมขังเพราะท่อระบายน้ำอุดตัน")
    assert drain.pk in {c.original.pk for c in duplicates.candidates(flood)}


def test_different_words_score_low():
    report("น้ำท่วมขังหน้าซอย")
    other = report("ต้องการให้ขุดลอกคูน้ำด้านหลังตลาดสด")
    assert duplicates.suggest(other) == []


@pytest.mark.parametrize("chunk", [duplicates.SUGGEST_CHUNK, 3])
def test_many_reports_at_once_get_the_suggestions_one_at_a_time_gives(chunk, monkeypatch):
    """suggest_many (after an import) stores the pairs suggest() stores report by report,
    also when it works through the reports a few at a time."""
    monkeypatch.setattr(duplicates, "SUGGEST_CHUNK", chunk)
    texts = ["น้ำท่วมขังหน้าซอยวัด รถผ่านไม่ได้", "น้ำท่วมขังหน้าซอยวัด ผ่านไม่ได้เลย"]
    made = [
        report(texts[0]),
        report(texts[1], lat=HERE[0] + 0.0005),
        report(texts[0], lat=HERE[0] + 0.004),  # ~440 m: too far from the first two
        report(texts[1], lat=HERE[0] + 0.0041),
        report(texts[0], categories=("แสงสว่าง",)),  # another kind of problem
        report("ท่อระบายน้ำอุดตัน น้ำท่วมขัง", categories=("ท่อระบายน้ำ",)),  # a related one
        report("ต้องการให้ขุดลอกคูน้ำด้านหลังตลาดสด"),  # other words
        report(texts[1]),
    ]
    old = report(texts[0])
    Report.objects.filter(pk=old.pk).update(created=old.created - dt.timedelta(days=40))
    Report.objects.filter(pk=made[3].pk).update(status=Status.FINISHED)  # closed: not a target

    def stored():
        return {
            (s.report_id, s.original_id, round(s.score, 9), round(s.distance_m, 6))
            for s in DuplicateSuggestion.objects.all()
        }

    for r in Report.objects.prefetch_related("categories"):
        if r.status in duplicates.OPEN:
            duplicates.suggest(r)
    one_by_one = stored()
    assert one_by_one  # the fixture has real pairs
    DuplicateSuggestion.objects.all().delete()
    assert duplicates.suggest_many(Report.objects.all()) == len(one_by_one)
    assert stored() == one_by_one
    assert duplicates.suggest_many(Report.objects.all()) == 0  # nothing twice


def test_staff_confirm_makes_it_a_duplicate(seat):
    official = seat("division-1046-works", Role.OFFICIAL)
    first = report("น้ำท่วมขังหน้าซอยวัด รถผ่านไม่ได้")
    second = report("น้ำท่วมขังหน้าซอยวัด ผ่านไม่ได้")
    [suggestion] = duplicates.suggest(second)
    services.confirm_duplicate(suggestion, actor=official)
    second.refresh_from_db()
    assert second.status == Status.DUPLICATE and second.duplicate_of == first
    assert DuplicateSuggestion.objects.get().state == "confirmed"
    event = second.events.get(kind=ReportEvent.Kind.DUPLICATE)
    assert event.actor == official and event.to_status == Status.DUPLICATE


def test_only_the_reports_officials_decide_on_a_duplicate(seat):
    first = report("น้ำท่วมขังหน้าซอยวัด รถผ่านไม่ได้")
    second = report("น้ำท่วมขังหน้าซอยวัด ผ่านไม่ได้")
    [suggestion] = duplicates.suggest(second)
    for outsider in (
        seat("division-1001-works", Role.OFFICIAL),
        seat("committee-1046", Role.CHAIR),
    ):
        for decide in (services.confirm_duplicate, services.dismiss_duplicate):
            with pytest.raises(NotAllowed):
                decide(suggestion, actor=outsider)
    suggestion.refresh_from_db()
    second.refresh_from_db()
    assert suggestion.state == "suggested" and suggestion.decided_by is None
    assert second.status == Status.WAITING and second.duplicate_of is None
    assert not second.events.exclude(kind=ReportEvent.Kind.CREATED).exists()
    assert first.events.count() == 1


def test_staff_page_lists_and_dismisses(client, seat):
    official = seat("division-1046-works", Role.OFFICIAL)
    report("น้ำท่วมขังหน้าซอยวัด รถผ่านไม่ได้")
    second = report("น้ำท่วมขังหน้าซอยวัด ผ่านไม่ได้")
    [suggestion] = duplicates.suggest(second)
    client.force_login(official)
    assert (
        "Probable duplicates" in client.get(f"/inbox/{second.code}/").content.decode()
        or "เรื่องที่อาจซ้ำ" in client.get(f"/inbox/{second.code}/").content.decode()
    )
    client.post(f"/inbox/{second.code}/duplicates/{suggestion.pk}/dismiss/")
    suggestion.refresh_from_db()
    assert suggestion.state == "dismissed" and suggestion.decided_by == official
    second.refresh_from_db()
    assert second.status == Status.WAITING
    # The decision is on the report's timeline, with who made it.
    event = second.events.get(kind=ReportEvent.Kind.NOT_DUPLICATE)
    assert event.actor == official and suggestion.original.display_code in event.note


def test_duplicates_are_found_in_the_background(django_capture_on_commit_callbacks):
    report("น้ำท่วมขังหน้าซอยวัด รถผ่านไม่ได้")
    with django_capture_on_commit_callbacks(execute=True):
        second = report("น้ำท่วมขังหน้าซอยวัด ผ่านไม่ได้")
    assert DuplicateSuggestion.objects.filter(report=second).count() == 1
