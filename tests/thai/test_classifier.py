import csv
import datetime as dt
import gzip
import io
import json
import os
import random

import numpy as np
import pytest
from django.core.management import call_command

from ruam.thai import classifier as clf
from ruam.thai import segment, training

from ..conftest import need_module


@pytest.fixture(autouse=True, scope="module")
def _segmenter_installed() -> None:
    # A fixture, not module-level calls: pytest.skip outside a test needs allow_module_level.
    need_module("nlpo3", "nlpo3 is not installed")
    need_module("pythainlp", "pythainlp is not installed")


PHRASES = {
    "น้ำท่วม": ["น้ำท่วมขังหน้าซอย", "ฝนตกน้ำท่วมถนน", "น้ำขังไม่ระบาย"],
    "แสงสว่าง": ["ไฟส่องสว่างดับ", "เสาไฟไม่ติด มืดมาก", "ไฟทางดับทั้งซอย"],
    "ความสะอาด": ["ขยะล้นถัง", "ไม่มีคนเก็บขยะ กลิ่นเหม็น", "ทิ้งขยะเกลื่อน"],
    "ถนน": ["ถนนเป็นหลุมลึก", "ผิวถนนชำรุด", "ถนนทรุดเป็นแอ่ง"],
}
FILLER = ["ครับ", "ค่ะ", "ช่วยด้วย", "หลายวันแล้ว", "บริเวณหน้าบ้าน", "รบกวนแก้ไข"]


def tiny_dataset(n: int = 240, seed: int = 1) -> tuple[list[str], list[list[str]]]:
    rng = random.Random(seed)
    labels = list(PHRASES)
    texts, label_sets = [], []
    for i in range(n):
        chosen = [labels[i % len(labels)]]
        if i % 5 == 0:
            chosen.append(labels[(i + 1) % len(labels)])
        parts = [rng.choice(PHRASES[lb]) for lb in chosen] + [rng.choice(FILLER)]
        rng.shuffle(parts)
        texts.append(" ".join(parts))
        label_sets.append(chosen)
    return texts, label_sets


@pytest.fixture(scope="module")
def tiny_model():
    texts, label_sets = tiny_dataset()
    return clf.CategoryClassifier.fit(
        segment.words_many(texts), label_sets, min_df=1, folds=3, min_label_examples=3
    )


def test_tiny_model_learns_and_predicts(tiny_model):
    assert tiny_model.labels == sorted(PHRASES)
    assert "น้ำท่วม" in tiny_model.predict_one("น้ำท่วมขังหน้าซอย ค่ะ")
    assert "แสงสว่าง" in tiny_model.predict_one("ไฟส่องสว่างดับ ครับ")
    assert tiny_model.predict(["", "   "]) == [[], []]
    labels, matrix = tiny_model.scores(["ขยะล้นถัง", "ถนนเป็นหลุมลึก", "น้ำขังไม่ระบาย"])
    assert labels == tiny_model.labels
    assert matrix.shape == (3, 4)
    assert np.all((matrix >= 0) & (matrix <= 1))  # stacked: probability-like
    assert [labels[i] for i in matrix.argmax(axis=1)] == ["ความสะอาด", "ถนน", "น้ำท่วม"]


def test_predictions_are_ordered_best_first_and_respect_thresholds(tiny_model):
    _, matrix = tiny_model.scores(["ขยะล้นถัง ถนนเป็นหลุมลึก"])
    predicted = tiny_model.predict(["ขยะล้นถัง ถนนเป็นหลุมลึก"])[0]
    margins = dict(zip(tiny_model.labels, matrix[0] - tiny_model.thresholds, strict=True))
    assert predicted == sorted(
        (lb for lb, m in margins.items() if m >= 0), key=lambda lb: -margins[lb]
    )
    assert set(predicted) >= {"ความสะอาด", "ถนน"}


def test_save_load_round_trip(tiny_model, tmp_path):
    path = tmp_path / "m.npz"
    tiny_model.save(path)
    loaded = clf.CategoryClassifier.load(path)
    texts, _ = tiny_dataset(60, seed=7)
    assert loaded.labels == tiny_model.labels
    assert loaded.predict(texts) == tiny_model.predict(texts)
    a = tiny_model.scores(texts)[1]
    b = loaded.scores(texts)[1]
    assert np.abs(a - b).max() < 5e-3  # float16 coefficients
    assert loaded.info["examples"] == 240


def test_load_refuses_pickles_and_foreign_files(tmp_path):
    evil = tmp_path / "evil.npz"
    np.savez(evil, header=np.array([{"format": clf.FORMAT}], dtype=object))
    with pytest.raises(ValueError):
        clf.CategoryClassifier.load(evil)
    other = tmp_path / "other.npz"
    np.savez(other, header=np.frombuffer(json.dumps({"format": "x"}).encode(), np.uint8))
    with pytest.raises(ValueError, match="not a"):
        clf.CategoryClassifier.load(other)


def test_get_classifier_is_none_without_a_file(tmp_path):
    assert clf.get_classifier(tmp_path / "absent.npz") is None


FORKED_SCORES = """
import sys
import numpy as np
from ruam.thai import classifier as clf
from tests.thai.test_classifier import tiny_dataset
model = clf.CategoryClassifier.load(sys.argv[1])
texts, _ = tiny_dataset(2400, seed=3)
_, one = model.scores(texts)
_, two = model.scores(texts, workers=2)
assert np.array_equal(one, two), "forked workers scored differently"
print("same", one.shape)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_workers_give_the_same_scores(tiny_model, tmp_path):
    """Run as ``ruam classify`` runs: in a process of its own. (Forking the test process, which
    holds the browser tests' and live servers' threads, can deadlock a child.)"""
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "tiny.npz"
    tiny_model.save(path)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", FORKED_SCORES, str(path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("same (2400,")


def test_labels_parse_and_format_like_the_dump():
    assert clf.parse_labels("{ถนน,ทางเท้า}") == ["ถนน", "ทางเท้า"]
    assert clf.parse_labels("{}") == []
    assert clf.parse_labels("") == []
    assert clf.parse_labels('{"PM2.5",ถนน}') == ["PM2.5", "ถนน"]
    assert clf.format_labels(["ถนน", "ทางเท้า"]) == "{ถนน,ทางเท้า}"
    assert clf.format_labels([]) == "{}"


def test_best_thresholds_and_evaluate():
    scores = np.array([[0.9], [0.8], [0.4], [0.3], [0.1]])
    y = np.array([[1], [1], [0], [1], [0]])
    # keeping the top 4 gives F1 6/7 (best): cut between 0.3 and 0.1
    assert clf.best_thresholds(scores, y)[0] == pytest.approx(0.2)
    result = clf.evaluate([["a"], ["a", "b"], []], [["a"], ["b"], ["b"]], ["a", "b"])
    assert result["per_label"]["a"]["precision"] == pytest.approx(0.5)
    assert result["per_label"]["b"]["recall"] == pytest.approx(0.5)
    assert result["micro_f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert result["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)
    assert result["no_prediction"] == 1


# ------------------------------------------------------------------------- the shipped model


@pytest.fixture(scope="module")
def shipped():
    model = clf.get_classifier()
    assert model is not None, f"the shipped model is missing: {clf.MODEL_PATH}"
    return model


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("น้ำท่วมขังหน้าซอย", "น้ำท่วม"),
        ("ไฟส่องสว่างดับ", "แสงสว่าง"),
        ("ถนนเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย", "ถนน"),
        ("ขยะล้นถังไม่มีคนมาเก็บ ส่งกลิ่นเหม็น", "ความสะอาด"),
        ("ทางเท้าชำรุด กระเบื้องแตก", "ทางเท้า"),
        ("สุนัขจรจัดไล่กัดคนในซอย", "สัตว์จรจัด"),
        ("สายไฟห้อยต่ำ สายสื่อสารพันกัน", "สายไฟ"),
        ("ร้านอาหารเปิดเพลงเสียงดังทั้งคืน", "เสียงรบกวน"),
    ],
)
def test_shipped_model_predicts_clear_texts(shipped, text, label):
    assert label in shipped.predict_one(text)


def test_shipped_model_gives_nothing_only_for_no_known_word(shipped):
    assert shipped.predict_one("") == []
    assert shipped.predict_one("zzqxj 12345") == []
    # A greeting passes no threshold: the likeliest category, for a person to confirm.
    assert shipped.predict(["สวัสดีครับ"], at_least_one=False) == [[]]
    assert len(shipped.predict_one("สวัสดีครับ")) == 1


def test_shipped_model_file_is_small_and_safe():
    assert clf.MODEL_PATH.stat().st_size < 15_000_000
    with np.load(clf.MODEL_PATH, allow_pickle=False) as z:
        assert all(z[name].dtype != object for name in z.files)


# ------------------------------------------------------------------------- commands


DUMP_COLUMNS = ["ticket_id", "type", "comment", "coords", "district", "timestamp"]


def write_dump(path, rows, gz=False):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, DUMP_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode()
    path.write_bytes(gzip.compress(data) if gz else data)


def test_classify_command_end_to_end(tmp_path):
    rows = [
        {"ticket_id": "T1", "type": "{}", "comment": "น้ำท่วมขังหน้าซอย สูงเกือบเข่า"},
        {"ticket_id": "T2", "type": "{}", "comment": "ไฟส่องสว่างดับทั้งซอย มืดมาก"},
        {"ticket_id": "T3", "type": "{}", "comment": ""},
        {"ticket_id": "T4", "type": "{ถนน}", "comment": 'ถนนเป็นหลุม, "ลึกมาก"\nอันตราย'},
    ]
    for row in rows:
        row.update(coords="100.5,13.7", district="บางรัก", timestamp="2023-01-01 00:00:00+00")
    source = tmp_path / "in.csv.gz"
    write_dump(source, rows, gz=True)
    out = tmp_path / "out.csv"
    call_command("classify", str(source), "-o", str(out), verbosity=0)
    with open(out, encoding="utf-8", newline="") as f:
        result = list(csv.DictReader(f))
    assert [r["ticket_id"] for r in result] == ["T1", "T2", "T3", "T4"]
    got = {r["ticket_id"]: r["labels"] for r in result}
    assert all(v.startswith("{") and v.endswith("}") for v in got.values())
    assert "น้ำท่วม" in clf.parse_labels(got["T1"])
    assert "แสงสว่าง" in clf.parse_labels(got["T2"])
    assert got["T3"] == "{}"
    assert "ถนน" in clf.parse_labels(got["T4"])


def _stamp(day: dt.date, hour: int) -> str:
    return f"{day.isoformat()} {hour:02d}:30:00.123456+00"


def test_time_split_holds_out_only_later_tickets(tmp_path):
    texts, label_sets = tiny_dataset(300, seed=5)
    start = dt.date(2022, 7, 1)
    rows = [
        {
            "ticket_id": f"T{i:04d}",
            "type": clf.format_labels(labels),
            "comment": text,
            "timestamp": _stamp(start + dt.timedelta(days=(i * 7) % 120), i % 24),
        }
        for i, (text, labels) in enumerate(zip(texts, label_sets, strict=True))
    ]
    rows.append({"ticket_id": "U1", "type": "{}", "comment": "ไม่มีหมวด", "timestamp": ""})
    path = tmp_path / "dump.csv"
    write_dump(path, rows)
    examples, stats = training.load_examples(path)
    assert stats["unlabelled"] == 1 and len(examples) == 300
    split = training.Split.parse("2022-10-01:2022-10-15")
    train, test = training.split_by_time(examples, split)
    cut_at = dt.datetime(2022, 10, 1, tzinfo=dt.UTC)
    assert train and test
    assert cut_at <= min(e["time"] for e in test)
    assert max(e["time"] for e in test) < dt.datetime(2022, 10, 15, tzinfo=dt.UTC)
    assert max(e["time"] for e in train) < cut_at
    later = [e for e in examples if e["time"] >= dt.datetime(2022, 10, 15, tzinfo=dt.UTC)]
    assert len(train) + len(test) + len(later) == len(examples)
    # the unrounded UTC time decides: 30 Sep 23:30 UTC is train, 1 Oct 00:00 UTC is test
    edge = [
        {"time": dt.datetime(2022, 9, 30, 23, 30, tzinfo=dt.UTC)},
        {"time": dt.datetime(2022, 10, 1, 0, 0, tzinfo=dt.UTC)},
    ]
    assert training.split_by_time(edge, split) == (edge[:1], edge[1:])
    with pytest.raises(ValueError, match="must end after"):
        training.Split.parse("2022-10-15:2022-10-01")


def dated_dump(tmp_path):
    texts, label_sets = tiny_dataset(300, seed=5)
    start = dt.date(2022, 7, 1)
    rows = [
        {
            "ticket_id": f"T{i:04d}",
            "type": clf.format_labels(labels),
            "comment": text,
            "timestamp": _stamp(start + dt.timedelta(days=(i * 7) % 120), 3),
        }
        for i, (text, labels) in enumerate(zip(texts, label_sets, strict=True))
    ]
    path = tmp_path / "dump.csv"
    write_dump(path, rows)
    return path


def test_train_command_writes_model_and_card(tmp_path):
    path = dated_dump(tmp_path)
    out = tmp_path / "model"
    out.mkdir()
    notes = "\n## Notes\n\nWritten by hand.\n"
    (out / "MODEL_CARD.md").write_text(f"old card\n{training.NOTES_MARKER}{notes}", "utf-8")
    call_command(
        "train_classifier",
        str(path),
        "--out",
        str(out),
        "--split",
        "2022-10-01:2022-11-01",
        "--split",
        "2022-09-01:2022-10-01",
        "--min-df",
        "1",
        "--folds",
        "3",
        "--min-label-examples",
        "3",
        verbosity=0,
    )
    model = clf.CategoryClassifier.load(out / "traffy_categories.npz")
    assert model.labels == sorted(PHRASES)
    assert "น้ำท่วม" in model.predict_one("น้ำท่วมขังหน้าซอย")
    summary = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    first, second = summary["splits"]
    assert first["split"]["train_before"] == "2022-10-01"
    assert second["split"]["test_until"] == "2022-10-01"
    assert first["train"] + first["test"] == 300  # the dump ends in October
    assert first["recipe"]["texts"] == first["test"] and "plain" in first
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "micro / macro" in card and "2022-10-01 – 2022-11-01" in card
    assert "old card" not in card and card.endswith(training.NOTES_MARKER + notes)


PARAMS = {"min_df": 1, "c": 1.0, "stack": True, "folds": 3, "min_label_examples": 3}
OCTOBER = (training.Split.parse("2022-10-01:2022-11-01"),)


def test_evaluating_only_writes_nothing(tmp_path):
    heard = []
    summary = training.train(
        dated_dump(tmp_path),
        splits=OCTOBER,
        params=PARAMS,
        out=tmp_path / "model",
        evaluate_only=True,
        log=heard.append,
    )
    assert not (tmp_path / "model").exists()
    assert "shipped" not in summary
    (result,) = summary["splits"]
    assert result["recipe"]["texts"] == result["test"] > 0
    assert heard[0] == "300 rows, 300 labelled"


def test_training_refuses_what_it_cannot_measure(tmp_path):
    path = dated_dump(tmp_path)
    with pytest.raises(ValueError, match="The test part"):
        training.train(
            path,
            splits=[training.Split.parse("2030-01-01:2030-02-01")],
            params=PARAMS,
            evaluate_only=True,
        )
    with pytest.raises(ValueError, match="The training part"):
        training.train(
            path,
            splits=[training.Split.parse("2020-01-01:2022-08-01")],
            params=PARAMS,
            evaluate_only=True,
        )
    with pytest.raises(ValueError, match="No such file"):
        training.train(tmp_path / "absent.csv", params=PARAMS)
