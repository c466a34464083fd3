"""Learning from Ruam's own data: suggestions that say which model made them, the categories
people confirm or correct recorded as labels, a report sent without a category classified in
the background for the division to confirm, and retraining from the database — a new model
answers only if it is not worse, and every switch can be undone."""

import csv
import datetime as dt
import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ruam.accounts.services import create_api_key
from ruam.bodies.models import Body, Role
from ruam.framework.models import Category
from ruam.reports import classifiers, labelling, services
from ruam.reports.models import (
    CategoryLabel,
    CategorySuggestion,
    Channel,
    ClassifierSwitch,
    ClassifierVersion,
    Report,
    ReportEvent,
)
from ruam.reports.suggest import suggest

pytestmark = pytest.mark.django_db

POINT = {"lat": 13.8596, "lon": 100.7046}  # คลองสามวา (1046)


def submit(description: str, **extra):
    return services.submit_report(
        description=description, channel=Channel.WEB, **POINT, **extra
    ).report


def labels_of(report: Report) -> list[CategoryLabel]:
    return list(CategoryLabel.objects.filter(report=report).order_by("created", "pk"))


@pytest.fixture
def official(seat):
    return seat("division-1046-works", Role.OFFICIAL)


# -- suggestions and labels at intake --------------------------------------------------------


def test_categories_chosen_from_a_suggestion_are_a_label_with_the_model_that_suggested():
    shown = suggest("น้ำท่วมขังหน้าซอย รถผ่านไม่ได้")
    assert shown.categories and shown.token
    assert shown.model == classifiers.answering().key  # the shipped model, until one is active
    top = shown.categories[0]
    kept = submit("น้ำท่วมขังหน้าซอย รถผ่านไม่ได้", categories=[top.pk], suggestion=shown.token)
    (label,) = labels_of(kept)
    assert label.outcome == CategoryLabel.Outcome.CONFIRMED
    assert label.role == CategoryLabel.Role.REPORTER and label.names == [top.name_th]
    assert label.suggestion.model == shown.model
    assert label.suggestion.names == [c.name_th for c in shown.categories]
    assert label.suggestion.state == CategorySuggestion.State.CONFIRMED
    assert label.suggestion.suggested[0]["score"] == pytest.approx(shown.scores[0], abs=1e-4)

    other = Category.objects.exclude(pk__in=[c.pk for c in shown.categories]).first()
    changed = submit("น้ำท่วมขังหน้าซอย", categories=[other.pk], suggestion=shown.token)
    assert labels_of(changed)[0].outcome == CategoryLabel.Outcome.CORRECTED

    plain = submit("ไฟดับทั้งซอย", categories=["แสงสว่าง"])
    (label,) = labels_of(plain)
    assert label.outcome == CategoryLabel.Outcome.CHOSEN and label.suggestion is None


def test_a_forged_suggestion_is_not_recorded():
    forged = suggest("ไฟดับทั้งซอย").token[:-3] + "abc"
    report = submit("ไฟดับทั้งซอย", categories=["แสงสว่าง"], suggestion=forged)
    (label,) = labels_of(report)
    assert label.suggestion is None and label.outcome == CategoryLabel.Outcome.CHOSEN
    assert not CategorySuggestion.objects.exists()


def test_without_categories_nothing_is_a_label_and_the_background_suggests(
    official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit("ไฟส่องสว่างดับทั้งซอย มืดมาก")
    assert not CategoryLabel.objects.filter(report=report).exists()
    (suggestion,) = report.category_suggestions.all()
    assert suggestion.source == CategorySuggestion.Source.BACKGROUND
    assert suggestion.state == CategorySuggestion.State.PENDING
    assert suggestion.model == classifiers.answering().key
    names = [c.name_th for c in report.categories.all()]
    assert "แสงสว่าง" in names and set(names) == set(suggestion.names)
    report.refresh_from_db()
    assert report.area_id == Category.objects.get(name_th=suggestion.names[0]).area_id
    event = report.events.get(kind=ReportEvent.Kind.SUGGESTED)
    assert "แสงสว่าง" in event.note and event.actor is None


def test_a_report_with_categories_or_an_imported_one_is_not_suggested_for(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        chosen = submit("ไฟดับ", categories=["ถนน"])
        imported = services.submit_report(
            description="ไฟดับทั้งซอย", channel=Channel.IMPORT, **POINT
        ).report
    assert [c.name_th for c in chosen.categories.all()] == ["ถนน"]
    assert not CategorySuggestion.objects.exists()
    assert not imported.categories.exists()
    assert not CategoryLabel.objects.filter(report=imported).exists()


# -- the division confirms or corrects --------------------------------------------------------


def test_the_division_confirms_then_corrects_on_the_staff_page(
    client, official, seat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit("ไฟส่องสว่างดับทั้งซอย มืดมาก")
    pending = labelling.pending_suggestion(report)
    # Sent without a category, it went to the district office: marked there as to confirm.
    office = seat("office-1046", Role.OFFICIAL)
    client.force_login(office)
    assert "to-confirm" in client.get("/inbox/", {"view": "all"}).content.decode()
    client.force_login(official)
    page = client.get(f"/inbox/{report.code}/").content.decode()
    assert "categories-form" in page and pending.model in page
    url = f"/inbox/{report.code}/categories/"
    ids = [str(i["id"]) for i in pending.suggested]

    # Someone of another district may not (403), and nothing changes.
    stranger = seat("division-1001-works", Role.OFFICIAL)
    client.force_login(stranger)
    assert client.post(url, {"categories": ids}).status_code == 403
    assert not CategoryLabel.objects.exists()

    client.force_login(official)
    assert client.post(url, {"categories": ids}).status_code == 302
    (label,) = labels_of(report)
    assert label.outcome == CategoryLabel.Outcome.CONFIRMED and label.actor == official
    assert label.role == CategoryLabel.Role.STAFF and label.suggestion_id == pending.pk
    pending.refresh_from_db()
    assert pending.state == CategorySuggestion.State.CONFIRMED
    assert labelling.pending_suggestion(report) is None
    client.force_login(office)
    assert "to-confirm" not in client.get("/inbox/", {"view": "all"}).content.decode()
    client.force_login(official)

    road = Category.objects.get(name_th="ถนน")
    client.post(url, {"categories": [road.pk]})
    latest = labels_of(report)[-1]
    assert latest.names == ["ถนน"] and latest.outcome == CategoryLabel.Outcome.CHOSEN
    assert [c.name_th for c in report.categories.all()] == ["ถนน"]
    report.refresh_from_db()
    assert report.area_id == road.area_id
    event = report.events.filter(kind=ReportEvent.Kind.CATEGORIES).order_by("pk").last()
    assert event.note.endswith("→ ถนน") and event.actor == official

    # Nothing chosen: refused, nothing written.
    client.post(url, {"categories": []})
    assert len(labels_of(report)) == 2


def test_correcting_the_background_suggestion_is_recorded_as_a_correction(
    official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit("ไฟส่องสว่างดับทั้งซอย มืดมาก")
    label = labelling.set_categories(report, actor=official, categories=["ความปลอดภัย"])
    assert label.outcome == CategoryLabel.Outcome.CORRECTED
    assert label.suggestion.state == CategorySuggestion.State.CORRECTED


def test_the_api_suggests_with_a_token_and_takes_the_division_s_categories(client):
    key = create_api_key(name="division-app", body=Body.objects.get(code="office-1046"))[1]
    headers = {"X-Api-Key": key}
    found = client.get("/api/v1/categories/suggest", {"text": "ไฟส่องสว่างดับทั้งซอย"}).json()
    assert found["model"] == classifiers.answering().key and found["suggestion"]
    assert found["items"][0]["name_th"] == "แสงสว่าง" and 0 < found["items"][0]["score"] <= 1
    created = client.post(
        "/api/v1/reports",
        {
            "description": "ไฟดับทั้งซอย",
            "categories": ["แสงสว่าง"],
            "suggestion": found["suggestion"],
            **POINT,
        },
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    report = Report.objects.get(code=created.json()["code"])
    (label,) = labels_of(report)
    assert label.role == CategoryLabel.Role.PROGRAM and label.actor is None
    assert label.outcome == CategoryLabel.Outcome.CONFIRMED

    url = f"/api/v1/reports/{report.code}/categories"
    answer = client.post(
        url, {"categories": ["ถนน", "ทางเท้า"]}, content_type="application/json", headers=headers
    )
    assert answer.status_code == 200 and answer.json()["categories"] == ["ถนน", "ทางเท้า"]
    assert labels_of(report)[-1].names == ["ถนน", "ทางเท้า"]
    stranger = create_api_key(name="other-app", body=Body.objects.get(code="office-1001"))[1]
    refused = client.post(
        url,
        {"categories": ["คลอง"]},
        content_type="application/json",
        headers={"X-Api-Key": stranger},
    )
    assert refused.status_code == 403 and len(labels_of(report)) == 2


# -- retraining from the database ---------------------------------------------------------------

PHRASES = {
    "น้ำท่วม": ["น้ำท่วมขังหน้าซอย", "ฝนตกน้ำท่วมถนน", "น้ำขังไม่ระบาย"],
    "แสงสว่าง": ["ไฟส่องสว่างดับ", "เสาไฟไม่ติด มืดมาก", "ไฟทางดับทั้งซอย"],
    "ความสะอาด": ["ขยะล้นถัง", "ไม่มีคนเก็บขยะ กลิ่นเหม็น", "ทิ้งขยะเกลื่อน"],
    "ถนน": ["ถนนเป็นหลุมลึก", "ผิวถนนชำรุด", "ถนนทรุดเป็นแอ่ง"],
}
FILLER = ["ครับ", "ค่ะ", "ช่วยด้วย", "หลายวันแล้ว", "บริเวณหน้าบ้าน", "รบกวนแก้ไข"]
ZEBRA = [
    "ทางม้าลายสีลอกมองไม่เห็น",
    "ขอทาสีทางม้าลายใหม่",
    "ทางม้าลายหน้าโรงเรียนจางหมดแล้ว",
    "ทางม้าลายซีดจนรถไม่หยุด",
]


def tiny_dump(path) -> None:
    """300 labelled tickets of four categories, July to October 2022."""
    rng = random.Random(5)
    labels = list(PHRASES)
    out = io.StringIO()
    writer = csv.DictWriter(out, ["ticket_id", "type", "comment", "timestamp"])
    writer.writeheader()
    start = dt.datetime(2022, 7, 1, 3, tzinfo=dt.UTC)
    for i in range(300):
        label = labels[i % 4]
        text = f"{rng.choice(PHRASES[label])} {rng.choice(FILLER)}"
        stamp = start + dt.timedelta(days=(i * 7) % 120)
        writer.writerow(
            {"ticket_id": f"T{i}", "type": "{" + label + "}", "comment": text, "timestamp": stamp}
        )
    path.write_text(out.getvalue(), encoding="utf-8")


TRAIN = ["--min-df", "1", "--folds", "3", "--min-label-examples", "3", "--eval-min", "5"]


def test_retraining_learns_corrections_and_refuses_a_worse_model(
    tmp_path, official, django_capture_on_commit_callbacks
):
    dump = tmp_path / "dump.csv"
    tiny_dump(dump)
    # An administrator adds a category the shipped model has never heard of.
    zebra = Category.objects.create(
        name_th="ทางม้าลาย", name_en="Zebra crossing", area=Category.objects.get(name_th="ถนน").area
    )
    rng = random.Random(7)
    now = timezone.now()
    for i in range(16):  # over the last six weeks; the division corrects each one
        with django_capture_on_commit_callbacks(execute=True):
            report = submit(f"{ZEBRA[i % 4]} {rng.choice(FILLER)}")
        labelling.set_categories(report, actor=official, categories=[zebra.pk])
        Report.objects.filter(pk=report.pk).update(created=now - dt.timedelta(days=40 - 2.5 * i))
    for i in range(6):  # and confirms a few of the usual kind in the newest weeks
        label = list(PHRASES)[i % 4]
        report = submit(f"{PHRASES[label][i % 3]} {FILLER[i]}", categories=[label])
        Report.objects.filter(pk=report.pk).update(created=now - dt.timedelta(days=i))
    later = "ทางม้าลายหน้าตลาดสีจางมาก"
    assert zebra not in suggest(later).categories  # the shipped model cannot know it

    call_command("train_classifier", str(dump), "--from-database", *TRAIN, verbosity=0)
    version = ClassifierVersion.objects.get()
    assert version.is_active and version.accepted and "ทางม้าลาย" in version.labels
    assert version.database_labels == 22
    assert version.micro_f1 > version.active_micro_f1  # measured on the newest two weeks
    found = suggest(later)
    assert found.categories[0] == zebra  # the corrections changed a later prediction
    assert found.model == version.key and found.version_id == version.pk
    switch = ClassifierSwitch.objects.get()
    assert switch.to_version == version and switch.from_version is None
    assert switch.via == ClassifierSwitch.Via.TRAINING

    # A model that can learn almost nothing (C tiny) measures worse: refused, but kept.
    call_command(
        "train_classifier", str(dump), "--from-database", *TRAIN, "--c", "0.00001", verbosity=0
    )
    refused = ClassifierVersion.objects.latest("pk")
    assert refused != version and not refused.accepted and not refused.is_active
    assert refused.micro_f1 < refused.active_micro_f1
    assert classifiers.active_version() == version
    assert suggest(later).categories[0] == zebra and ClassifierSwitch.objects.count() == 1


def test_retraining_needs_something_to_learn(tmp_path):
    with pytest.raises(CommandError, match="Nothing to learn"):
        call_command("train_classifier", "--from-database", verbosity=0)
    dump = tmp_path / "dump.csv"
    tiny_dump(dump)
    with pytest.raises(CommandError, match="No category has 100 tickets"):
        call_command("train_classifier", str(dump), "--from-database", *TRAIN[:6], verbosity=0)
    assert not ClassifierVersion.objects.exists()


# -- switching and rolling back ------------------------------------------------------------------


def _version_from(model_text: str) -> ClassifierVersion:
    """A small classifier stored as a version (trained here, in a second)."""
    from ruam.thai import classifier as clf
    from ruam.thai import segment

    texts = [f"{p} {f}" for label in PHRASES for p in PHRASES[label] for f in FILLER]
    labels = [[label] for label in PHRASES for _ in PHRASES[label] for _ in FILLER]
    if model_text:
        texts += [f"{p} {f}" for p in ZEBRA for f in FILLER]
        labels += [[model_text] for _ in ZEBRA for _ in FILLER]
    model = clf.CategoryClassifier.fit(
        segment.words_many(texts), labels, min_df=1, folds=3, min_label_examples=3
    )
    return classifiers.keep(model, {}, accepted=True)


def test_switch_and_roll_back_from_the_command_line():
    Category.objects.create(
        name_th="ทางม้าลาย", name_en="Zebra crossing", area=Category.objects.get(name_th="ถนน").area
    )
    shipped_key = classifiers.answering().key
    first, second = _version_from(""), _version_from("ทางม้าลาย")
    out = io.StringIO()
    call_command("classifier_versions", "activate", str(second.pk), stdout=out)
    assert classifiers.answering().key == second.key
    assert suggest(ZEBRA[0]).categories[0].name_th == "ทางม้าลาย"
    assert f"answering: {second}" in out.getvalue()
    call_command("classifier_versions", "activate", str(first.pk), stdout=io.StringIO())
    assert classifiers.answering().key == first.key
    call_command("classifier_versions", "rollback", stdout=io.StringIO())
    assert classifiers.answering().key == second.key  # the one before the last switch
    call_command("classifier_versions", "shipped", stdout=io.StringIO())
    assert classifiers.answering().key == shipped_key and classifiers.active_version() is None
    call_command("classifier_versions", "rollback", stdout=io.StringIO())
    assert classifiers.answering().key == second.key
    assert set(ClassifierSwitch.objects.values_list("via", flat=True)) == {"command"}
    with pytest.raises(CommandError, match="no such classifier version"):
        call_command("classifier_versions", "activate", "999999", stdout=io.StringIO())


def test_switch_and_roll_back_in_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345!")
    client.force_login(admin)
    first, second = _version_from(""), _version_from("")
    url = "/admin/reports/classifierversion/"
    assert client.get(url).status_code == 200
    client.post(url, {"action": "make_active", "_selected_action": [first.pk]})
    assert classifiers.active_version() == first
    client.post(url, {"action": "make_active", "_selected_action": [second.pk]})
    assert classifiers.active_version() == second
    client.post(url, {"action": "roll_back", "_selected_action": [second.pk]})
    assert classifiers.active_version() == first
    switch = ClassifierSwitch.objects.order_by("pk").last()
    assert switch.actor == admin and switch.via == ClassifierSwitch.Via.ADMIN
    # The active version cannot be deleted; another can.
    assert client.post(f"{url}{first.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{url}{second.pk}/delete/", {"post": "yes"})
    assert list(ClassifierVersion.objects.all()) == [first]
