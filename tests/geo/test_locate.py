"""locate(): district and แขวง of a point, checked against BMA's polygons and real Traffy tickets.

Pure Python: no database. The locator and the shipped tickets are loaded once for the module.
"""

import csv
import gzip
import math
import zlib

import numpy as np
import pytest
import shapely

from ruam.geo.locate import (
    DATA_DIR,
    OUTSIDE,
    VOTES_FILE,
    Location,
    Locator,
    get_locator,
    load_polygons,
    locate,
)

SANAM_LUANG = (13.7553, 100.4930)


@pytest.fixture(scope="module")
def locator() -> Locator:
    return get_locator()  # the same instance locate() uses


@pytest.fixture(scope="module")
def tickets() -> dict[str, np.ndarray]:
    with gzip.open(DATA_DIR / VOTES_FILE, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = dict(zip(header, zip(*reader, strict=True), strict=True))
    return {
        "ticket_id": np.array(columns["ticket_id"]),
        "lon": np.array(columns["lon"], dtype=float),
        "lat": np.array(columns["lat"], dtype=float),
        "district_code": np.array(columns["district_code"]),
        "subdistrict_code": np.array(columns["subdistrict_code"]),
    }


@pytest.fixture(scope="module")
def sample(tickets) -> tuple[np.ndarray, np.ndarray]:
    """3,000 shipped tickets and 2,000 random points around Bangkok (some outside)."""
    rng = np.random.default_rng(7)
    rows = rng.choice(len(tickets["lat"]), 3000, replace=False)
    lat = np.r_[tickets["lat"][rows], rng.uniform(13.45, 14.0, 2000)]
    lon = np.r_[tickets["lon"][rows], rng.uniform(100.3, 100.97, 2000)]
    return lat, lon


def test_sanam_luang_is_in_phra_nakhon(locator):
    found = locate(*SANAM_LUANG)
    assert found.district_code == "1001"
    assert found.in_bangkok
    assert found.subdistrict_code in locator.subdistricts_of["1001"]
    assert locator.locate(*SANAM_LUANG) == found


def test_a_point_inside_each_district_is_found_there(locator):
    for code, polygon in zip(locator.district_codes, locator.district_polygons, strict=True):
        point = shapely.point_on_surface(polygon)
        assert locator.locate(point.y, point.x).district_code == code


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (13.35, 100.60),  # the Gulf of Thailand
        (13.86, 100.30),  # Nonthaburi
        (14.02, 100.62),  # Pathum Thani
        (0.0, 100.5),
        (0.0, 0.0),
        (-90.0, -180.0),
        (math.nan, 100.5),
        (13.75, math.nan),
        (math.inf, 100.5),
        (13.75, -math.inf),
    ],
)
def test_outside_bangkok_is_a_clear_answer(lat, lon):
    found = locate(lat, lon)
    assert found == OUTSIDE == Location(None, None)
    assert not found.in_bangkok


def test_outside_bangkok_in_bulk_is_blank(locator):
    lat = np.array([13.35, 13.86, 0.0, math.nan, math.inf, SANAM_LUANG[0]])
    lon = np.array([100.60, 100.30, 100.5, 100.5, 100.5, SANAM_LUANG[1]])
    districts, subdistricts = locator.locate_many(lat, lon)
    assert districts.tolist() == ["", "", "", "", "", "1001"]
    assert subdistricts.tolist()[:5] == ["", "", "", "", ""]
    assert subdistricts[5].startswith("1001")


def test_empty_arrays(locator):
    for subdistricts in (True, False):
        codes, subs = locator.locate_many(np.array([]), np.array([]), subdistricts=subdistricts)
        assert codes.shape == subs.shape == (0,)


def test_the_grid_gives_exactly_the_polygons_answer(locator):
    """The fast grid agrees with testing every polygon, also on and near the boundaries."""
    rng = np.random.default_rng(1)
    boundary = shapely.get_coordinates(shapely.boundary(locator.district_polygons))
    boundary = boundary[rng.choice(len(boundary), 20_000, replace=False)]
    jitter = rng.normal(0, 2e-5, boundary.shape)
    lon = np.r_[rng.uniform(100.3, 100.97, 30_000), boundary[:, 0], boundary[:, 0] + jitter[:, 0]]
    lat = np.r_[rng.uniform(13.45, 14.0, 30_000), boundary[:, 1], boundary[:, 1] + jitter[:, 1]]
    expected = np.full(len(lat), "", dtype=object)
    for code, polygon in zip(locator.district_codes, locator.district_polygons, strict=True):
        hit = shapely.intersects_xy(polygon, lon, lat) & (expected == "")
        expected[hit] = code
    districts, _ = locator.locate_many(lat, lon, subdistricts=False)
    assert (districts == expected.astype(str)).all()
    for i in rng.choice(len(lat), 2000, replace=False):
        assert (locator.locate(lat[i], lon[i]).district_code or "") == expected[i]


def test_every_subdistrict_belongs_to_the_district_found(locator, tickets, sample):
    districts, subdistricts = locator.locate_many(tickets["lat"], tickets["lon"])
    given = subdistricts != ""
    assert given.sum() > 0.99 * (districts != "").sum()
    assert ((subdistricts == "") | (districts != "")).all()
    parents = np.array([locator.subdistricts.get(s, "?") for s in subdistricts[given].tolist()])
    assert (parents == districts[given]).all()

    for lat, lon in zip(*sample, strict=True):
        found = locator.locate(lat, lon)
        if found.subdistrict_code is not None:
            assert locator.subdistricts[found.subdistrict_code] == found.district_code


def test_locate_and_locate_many_agree(locator, sample):
    lat, lon = sample
    districts, subdistricts = locator.locate_many(lat, lon)
    assert (districts != "").sum() > 3000
    for i, (a, b) in enumerate(zip(lat, lon, strict=True)):
        found = locator.locate(a, b)
        assert (found.district_code or "", found.subdistrict_code or "") == (
            districts[i],
            subdistricts[i],
        )


def test_a_wider_vote_agrees_between_locate_and_locate_many(tickets, sample):
    """With k > 1 the single-point and the bulk paths weigh the same neighbours the same way."""
    known = tickets["subdistrict_code"] != ""
    votes = (tickets["lon"][known], tickets["lat"][known], tickets["subdistrict_code"][known])
    locator = Locator(*load_polygons(), votes=votes, k=5)
    lat, lon = sample[0][::5], sample[1][::5]
    districts, subdistricts = locator.locate_many(lat, lon)
    for i, (a, b) in enumerate(zip(lat, lon, strict=True)):
        found = locator.locate(a, b)
        assert (found.district_code or "", found.subdistrict_code or "") == (
            districts[i],
            subdistricts[i],
        )


def test_district_agrees_with_the_tickets_own_district(locator, tickets):
    """BMA's polygons against the reporters' addresses: ≥ 98.5% (a blank field disagrees)."""
    districts, _ = locator.locate_many(tickets["lat"], tickets["lon"], subdistricts=False)
    inside = districts != ""
    assert inside.sum() > 166_000
    agreement = (districts[inside] == tickets["district_code"][inside]).mean()
    assert agreement >= 0.985


def test_nearest_tickets_beat_the_coarse_polygons_on_a_holdout(tickets):
    """One ticket in five (by a hash of its id) is held out; the vote is built from the rest."""
    held = np.array([zlib.crc32(i.encode()) % 5 == 0 for i in tickets["ticket_id"].tolist()])
    known = tickets["subdistrict_code"] != ""
    train = ~held & known
    rows = np.flatnonzero(held & known)
    votes = (tickets["lon"][train], tickets["lat"][train], tickets["subdistrict_code"][train])
    polygons = load_polygons()

    def agreement(locator: Locator) -> float:
        districts, subdistricts = locator.locate_many(tickets["lat"][rows], tickets["lon"][rows])
        inside = districts != ""
        return (subdistricts[inside] == tickets["subdistrict_code"][rows][inside]).mean()

    coarse = agreement(Locator(*polygons, votes=None))
    nearest = agreement(Locator(*polygons, votes=votes))
    assert 0.7 < coarse < nearest
    assert nearest >= 0.93
