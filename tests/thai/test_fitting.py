"""How the classifier copes with drift (``ruam.thai.fitting``): recent tickets weigh more, a
category that appeared late learns from its own time, rare categories learn the words that name
them, thresholds come from the training period, and a ticket always gets its likeliest category."""

import datetime as dt
import random

import numpy as np
import pytest

from ruam.thai import classifier as clf
from ruam.thai import fitting, retraining, segment

from ..conftest import need_module


@pytest.fixture(autouse=True, scope="module")
def _segmenter_installed() -> None:
    need_module("nlpo3", "nlpo3 is not installed")


def test_recency_weights_halve_every_halflife():
    w = fitting.recency_weights(np.array([0.0, 14.0, 28.0, 56.0]), 14.0)
    assert w == pytest.approx([1.0, 0.5, 0.25, 0.0625])
    assert list(fitting.recency_weights(np.array([0.0, 99.0]), None)) == [1.0, 1.0]


def test_a_label_that_appeared_late_learns_from_its_first_day_on():
    y = np.array([[1, 0], [1, 0], [1, 1], [0, 1]])
    ages = np.array([100.0, 60.0, 10.0, 0.0])  # the second label first seen 10 days ago
    everything, late = fitting.label_windows(y, ages, new_label_days=14)
    assert list(everything) == [0, 1, 2, 3] and list(late) == [2, 3]
    assert [list(w) for w in fitting.label_windows(y, ages, None)] == [[0, 1, 2, 3]] * 2


def test_weighted_thresholds_follow_the_heavier_tickets():
    scores = np.array([[0.9], [0.6], [0.6], [0.3]])
    y = np.array([[1], [0], [0], [1]])
    # Unweighted, keeping only the top one is best; when the last ticket weighs most, keeping
    # all four is.
    assert fitting.best_thresholds(scores, y)[0] == pytest.approx(0.75)
    heavy = fitting.best_thresholds(scores, y, np.array([1.0, 0.1, 0.1, 5.0]))[0]
    assert heavy < 0.3


# A category ("ป้าย") that Traffy added late: before it, tickets about signs were filed under
# กีดขวาง; from its first day, under ป้าย.
SIGNS = ["ป้ายโฆษณาบังทาง", "ติดป้ายโฆษณาบนเสาไฟ", "ป้ายผิดกฎหมายริมถนน", "ป้ายหาเสียงล้มขวางทาง"]
OTHER = {
    "น้ำท่วม": ["น้ำท่วมขังหน้าซอย", "ฝนตกน้ำท่วมถนน"],
    "ความสะอาด": ["ขยะล้นถัง", "ทิ้งขยะเกลื่อน"],
    "กีดขวาง": ["รถจอดขวางทางเข้าออก", "วางของขวางทางเดิน"],
}
FILLER = ["ครับ", "ค่ะ", "ช่วยด้วย", "หลายวันแล้ว", "บริเวณหน้าบ้าน"]


def drifting(seed: int = 3):
    rng = random.Random(seed)
    texts, labels, ages = [], [], []
    for day in range(120, -1, -1):
        for label, phrases in OTHER.items():
            texts.append(f"{rng.choice(phrases)} {rng.choice(FILLER)}")
            labels.append([label])
            ages.append(day + 0.1)
        if day % 2 == 0:  # a sign ticket every other day
            texts.append(f"{rng.choice(SIGNS)} {rng.choice(FILLER)}")
            labels.append(["ป้าย"] if day < 12 else ["กีดขวาง"])
            ages.append(day + 0.2)
    return segment.words_many(texts), labels, ages


PARAMS = {"min_df": 1, "folds": 3, "min_label_examples": 3, "halflife_days": 28.0}


def test_a_late_category_is_found_once_it_learns_from_its_own_time():
    tokens, labels, ages = drifting()
    text = "ป้ายโฆษณาติดบนทางเท้า"
    with_windows = clf.CategoryClassifier.fit(
        tokens, labels, ages=ages, new_label_days=14, **PARAMS
    )
    assert "ป้าย" in with_windows.predict_one(text)
    assert with_windows.info["label_rows"]["ป้าย"] < with_windows.info["label_rows"]["กีดขวาง"]
    # Learnt against every older sign ticket (filed under กีดขวาง), it is not found.
    without = clf.CategoryClassifier.fit(tokens, labels, ages=ages, new_label_days=None, **PARAMS)
    assert "ป้าย" not in without.predict_one(text)


def test_a_rare_category_learns_the_words_that_name_it():
    tokens, labels, ages = drifting()
    tokens += segment.words_many(["ห้องน้ำสาธารณะสกปรก", "ห้องน้ำปิด", "ห้องน้ำไม่มีน้ำ"])
    labels += [["ห้องน้ำ"]] * 3
    ages += [0.5, 0.6, 0.7]
    priors = {"ห้องน้ำ": ["ห้องน้ำ", "ห้องสุขา"]}
    model = clf.CategoryClassifier.fit(tokens, labels, ages=ages, priors=priors, **PARAMS)
    assert model.info["prior_examples"] == 2
    assert model.predict_one("ห้องสุขาชำรุด")[0] == "ห้องน้ำ"
    bare = clf.CategoryClassifier.fit(tokens, labels, ages=ages, **PARAMS)
    assert bare.info["prior_examples"] == 0 and "ห้องน้ำ" not in bare.predict_one("ห้องสุขาชำรุด")


def test_where_nothing_passes_the_likeliest_category_is_given():
    tokens, labels, ages = drifting()
    model = clf.CategoryClassifier.fit(tokens, labels, ages=ages, **PARAMS)
    model.thresholds[:] = 2.0  # out of reach: no category passes
    text = ["ขยะล้นถัง ครับ"]
    _, matrix = model.scores(text)
    assert model.predict(text, at_least_one=False) == [[]]
    assert model.predict(text) == [["ความสะอาด"]] == [[model.labels[int(matrix[0].argmax())]]]
    # A text with no known word gets nothing: there is nothing to go on.
    assert model.predict(["zzqxj"]) == [[]] and model.predict([""]) == [[]]


def test_a_dump_older_than_ruam_s_labels_is_moved_to_end_a_week_before_them():
    utc = dt.UTC
    old = [{"time": dt.datetime(2022, 10, d, tzinfo=utc)} for d in (1, 31)]
    new = [{"time": dt.datetime(2026, 12, 1, tzinfo=utc)}]
    moved = retraining.close_gap(old, new)
    assert moved[1]["time"] == dt.datetime(2026, 11, 24, tzinfo=utc)
    assert moved[1]["time"] - moved[0]["time"] == dt.timedelta(days=30)
    assert retraining.close_gap(old, []) == old
