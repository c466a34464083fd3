"""Thai search: whole words rank first, word parts still match, filters work, on both databases."""

import pytest

from ruam.bodies.models import Role
from ruam.reports import services
from ruam.reports.models import Channel
from ruam.reports.statuses import Status
from ruam.search.index import index_reports, reindex_all_reports
from ruam.search.models import SearchEntry
from ruam.search.selectors import search

pytestmark = pytest.mark.django_db

KSW = {"lat": 13.8596, "lon": 100.7046}  # คลองสามวา 1046
PNK = {"lat": 13.7553, "lon": 100.4930}  # พระนคร 1001


def report(text, where=KSW, **extra):
    made = services.submit_report(description=text, channel=Channel.WEB, **where, **extra).report
    index_reports([made])  # in production the background task does this after the commit
    return made


@pytest.fixture
def corpus():
    return {
        "flood": report("น้ำท่วมขังหน้าซอยทุกครั้งที่ฝนตก"),
        "flood_pnk": report("น้ำท่วมถนนหน้าวัด", PNK),
        "light": report("ไฟส่องสว่างดับทั้งซอย"),
        "road": report("ถนนเป็นหลุมใหญ่ รถล้ม"),
    }


def codes(hits):
    return [h.code for h in hits]


def test_reports_are_indexed_when_they_arrive(corpus, django_capture_on_commit_callbacks):
    assert SearchEntry.objects.count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(description="ต้นไม้ล้มขวางถนน", channel=Channel.WEB, **KSW)
    assert search("ต้นไม้ล้ม")[1] == 1


def test_a_word_finds_its_reports(corpus):
    hits, count = search("น้ำท่วม")
    assert count == 2
    assert set(codes(hits)) == {corpus["flood"].code, corpus["flood_pnk"].code}


def test_a_part_of_a_word_still_finds(corpus):
    hits, _ = search("ท่วม")
    assert {corpus["flood"].code, corpus["flood_pnk"].code} <= set(codes(hits))
    assert corpus["light"].code not in codes(hits)


def test_whole_word_matches_rank_before_word_parts(corpus):
    part_only = report("ถนนทรุดเพราะน้ำกัดเซาะ ท่วมบ่อย")  # "ท่วม" as a word of its own
    hits, _ = search("ท่วม")
    assert hits[0].code == part_only.code
    assert hits[0].rank > hits[-1].rank


def test_several_words_must_all_match(corpus):
    hits, _ = search("ไฟ ดับ")
    assert codes(hits) == [corpus["light"].code]


def test_district_and_open_filters(corpus, seat):
    hits, _ = search("น้ำท่วม", district="1001")
    assert codes(hits) == [corpus["flood_pnk"].code]
    official = seat("division-1001-works", Role.OFFICIAL)
    services.change_status(corpus["flood_pnk"], actor=official, to=Status.NOT_RELEVANT, note="x")
    hits, _ = search("น้ำท่วม", open_only=True)
    assert codes(hits) == [corpus["flood"].code]


def test_pagination(corpus):
    for i in range(5):
        report(f"ขยะล้นถัง จุดที่ {i}")
    first, count = search("ขยะ", limit=3)
    second, _ = search("ขยะ", limit=3, offset=3)
    assert count == 5 and len(first) == 3 and len(second) == 2
    assert not set(codes(first)) & set(codes(second))


def test_odd_queries_do_not_break(corpus):
    for query in ['"', "'", "ท", "%", "\\", "a OR b", "NEAR(", "*", "  "]:
        search(query)


def test_reindex_rebuilds_the_index(corpus):
    SearchEntry.objects.all().delete()
    assert reindex_all_reports() == 4
    assert search("ถนน")[1] == 2


def test_missing_entries_are_filled_in_and_nothing_twice(corpus):
    from ruam.search.index import index_missing_reports

    SearchEntry.objects.filter(object_id=corpus["road"].pk).delete()
    assert search("ถนน")[1] == 1
    assert index_missing_reports() == 1
    assert index_missing_reports() == 0
    entry = SearchEntry.objects.get(object_id=corpus["road"].pk)
    # The same entry as indexing one report writes: words segmented, raw text, dates kept.
    assert entry.words.split() == ["ถนน", "เป็น", "หลุม", "ใหญ่", "รถ", "ล้ม"]
    assert entry.created == corpus["road"].created and entry.district_id == "1046"
    assert entry.is_open and entry.code == corpus["road"].code
    assert search("ถนน")[1] == 2 and search("หลุมใหญ่")[1] == 1


def test_search_api_and_page(client, corpus):
    body = client.get("/api/v1/search", {"q": "ท่วม"}).json()
    assert body["count"] == 2 and body["items"][0]["url"].startswith("/reports/")
    assert client.get("/api/v1/search", {"q": ""}).status_code == 422
    html = client.get("/search/", {"q": "ไฟ"}).content.decode()
    assert corpus["light"].code in html


def test_the_newest_matches_come_first_however_far_back_they_go(monkeypatch):
    """Entries spread over two years: a small window is filled from a recent band of time when
    the word is common there, and from older ones when it is not; the count stays exact."""
    import datetime as dt

    from django.utils import timezone

    from ruam.search import selectors

    monkeypatch.setattr(selectors, "RANK_WINDOW", 3)
    now = timezone.now()
    made = []
    for days in (0, 1, 2, 3, 200, 400, 700):
        r = report("ขยะล้นถังหน้าตลาด")
        r.created = now - dt.timedelta(days=days)
        r.save(update_fields=["created"])
        made.append(r)
    for days in range(0, 60, 2):  # other words fill the recent weeks
        r = report("ไฟส่องสว่างดับทั้งซอย")
        r.created = now - dt.timedelta(days=days, hours=1)
        r.save(update_fields=["created"])
    reindex_all_reports()

    hits, count = search("ขยะ", limit=3)
    assert codes(hits) == [r.code for r in made[:3]] and count == 7
    # Deeper pages widen the window and reach the oldest.
    hits, _ = search("ขยะ", limit=3, offset=4)
    assert codes(hits) == [r.code for r in made[4:]]
    # As for a common word over a million entries: the planner expects many matches, so
    # PostgreSQL reads a narrow recent band first, then the rest; the answer is the same.
    monkeypatch.setattr(selectors, "_estimate", lambda *args: 50_000)
    assert codes(search("ขยะ", limit=3)[0]) == [r.code for r in made[:3]]
    assert codes(search("ขยะ", limit=3, offset=4)[0]) == [r.code for r in made[4:]]
    monkeypatch.undo()
    # A word whose matches are all old is found too.
    old = report("สุนัขจรจัดกัดคน")
    old.created = now - dt.timedelta(days=500)
    old.save(update_fields=["created"])
    index_reports([old])
    assert codes(search("สุนัข")[0]) == [old.code]


def test_the_page_offers_no_pages_past_the_matches_it_can_read(client, monkeypatch):
    from ruam.search import views

    monkeypatch.setattr(views, "MAX_WINDOW", 40)
    monkeypatch.setattr(views, "search", lambda *args, **kwargs: ([], 440_000))
    response = client.get("/search/", {"q": "ถนน"})
    assert response.status_code == 200
    assert response.context["count"] == 440_000
    assert response.context["page"].paginator.num_pages == 2
    # The API refuses an offset it could not answer.
    assert client.get("/api/v1/search", {"q": "ถนน", "offset": 5001}).status_code == 422


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("in_transaction", [False, True])
def test_missing_search_indexes_are_built_again(in_transaction):
    """After an import is killed between dropping the GIN indexes and building them, the next
    indexing pass builds them (side by side on their own connections, or here in a caller's
    transaction)."""
    from django.db import connection, transaction

    from ruam.search.index import PG_INDEXES, build_search_indexes, index_missing_reports

    if connection.vendor != "postgresql":
        pytest.skip("the GIN indexes are PostgreSQL's")

    def present():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'search_searchentry'"
            )
            return {row[0] for row in cursor.fetchall()} & set(PG_INDEXES)

    assert present() == set(PG_INDEXES)
    assert build_search_indexes() == []  # nothing missing, nothing built
    with connection.cursor() as cursor:
        for name in PG_INDEXES:
            cursor.execute(f"DROP INDEX {name}")
    assert present() == set()
    if in_transaction:
        with transaction.atomic():
            index_missing_reports()
    else:
        index_missing_reports()
    assert present() == set(PG_INDEXES)


@pytest.mark.django_db(transaction=True)
def test_missing_entries_written_by_a_writer_thread_are_those_of_one_report_at_a_time(
    reference,
):
    """Outside a transaction on PostgreSQL the entries are COPYed by a writer thread while the
    next batch is segmented: the same entries as indexing each report, none twice."""
    from ruam.search.index import index_missing_reports

    texts = ("น้ำท่วมขังหน้าซอย", "ไฟดับทั้งซอย", "ถนนเป็นหลุม") * 3
    made = [report(f"{text} {i}") for i, text in enumerate(texts)]
    fields = ["object_id", "words", "raw", "code", "district_id", "is_open", "created"]
    expected = sorted(SearchEntry.objects.values_list(*fields))
    assert len(expected) == len(made)
    SearchEntry.objects.all().delete()
    assert index_missing_reports(batch_size=2) == len(made)
    assert sorted(SearchEntry.objects.values_list(*fields)) == expected
    assert index_missing_reports(batch_size=2) == 0


@pytest.mark.django_db(transaction=True)
def test_sqlite_fts_triggers_missing_are_created_and_the_tables_rebuilt(reference):
    """Killed between dropping the FTS triggers and restoring them, the next indexing pass
    rebuilds both FTS5 tables (with what was written meanwhile) and creates the triggers."""
    from django.db import connection

    from ruam.search.index import SQLITE_TRIGGERS, index_missing_reports, rebuild_sqlite_fts

    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 tables are SQLite's")
    before = report("น้ำท่วมขังหน้าซอย")
    assert rebuild_sqlite_fts() == []  # all there: nothing done
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    during = report("ไฟดับทั้งซอย")  # indexed while the triggers are gone
    index_missing_reports()
    assert search("ไฟดับ")[1] == 1 and search("ท่วม")[1] == 1
    assert {h.code for h in search("ซอย")[0]} == {before.code, during.code}
    index_reports([during])  # the triggers are back: an update keeps the tables in step
    assert search("ไฟดับ")[1] == 1


@pytest.mark.django_db(transaction=True)
def test_a_bulk_indexing_pass_finds_every_report_after(reference, monkeypatch):
    """Past BULK missing entries the full-text machinery is set aside during the load and
    rebuilt after it (PostgreSQL's GIN indexes, SQLite's FTS5 tables)."""
    from django.db import connection

    from ruam.search import index

    made = [report(f"{t} {i}") for i, t in enumerate(["น้ำท่วมขัง", "ไฟดับ", "ถนนเป็นหลุม"] * 4)]
    SearchEntry.objects.all().delete()
    monkeypatch.setattr(index, "BULK", 5)
    assert index.index_missing_reports(batch_size=4) == len(made)
    assert search("ท่วม")[1] == 4 and search("ไฟดับ")[1] == 4 and search("หลุม")[1] == 4
    # Nothing left set aside.
    if connection.vendor == "postgresql":
        assert index.build_search_indexes() == []
    else:
        assert index.rebuild_sqlite_fts() == []
