"""Where is a point? Its district (เขต) and แขวง, from Bangkok's polygons. Pure Python, no Django.

Districts come from BMA's polygons (exact, ~1 m). แขวง polygons are coarse and pre-2020 (see
``ruam/data/SOURCES.md``), so the แขวง is decided by a vote of the nearest real Traffy tickets
*inside the district found*, whose แขวง the reporters' own addresses give; the coarse polygon is
the fallback where there are no tickets. Either way the answer is a real แขวง of that district,
or none. ``bench/locate.py`` measures speed and agreement.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import shape

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DISTRICTS_FILE = "bangkok_districts.geojson"
SUBDISTRICTS_FILE = "bangkok_subdistricts.csv"
COARSE_SUBDISTRICTS_FILE = "bangkok_subdistricts_hdx2019_coarse.geojson"
VOTES_FILE = "traffy_2022_points.csv.gz"

# Bangkok lies near 13.75°N: a degree of longitude is cos(13.75°) of a degree of latitude.
LON_SCALE = math.cos(math.radians(13.75))
DEFAULT_K = 9
# Beyond this (in degrees of latitude, ~1.1 km) neighbours say little; use the polygon instead.
MAX_VOTE_DISTANCE = 0.01


@dataclass(frozen=True, slots=True)
class Location:
    district_code: str | None
    subdistrict_code: str | None

    @property
    def in_bangkok(self) -> bool:
        return self.district_code is not None


OUTSIDE = Location(None, None)


class Locator:
    """An index of Bangkok's districts and แขวง, built once and queried many times."""

    def __init__(
        self,
        districts: list[tuple[str, object]],
        subdistricts: dict[str, str],
        coarse: list[tuple[str, object]],
        votes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        k: int = DEFAULT_K,
    ) -> None:
        """
        districts: (district_code, shapely polygon) pairs.
        subdistricts: subdistrict_code → district_code, the real แขวง of today.
        coarse: (subdistrict_code, polygon) of the coarse แขวง layer.
        votes: lon, lat and subdistrict_code arrays of points whose แขวง is known.
        """
        self.k = k
        self.district_codes = np.array([code for code, _ in districts])
        self.district_polygons = [geom for _, geom in districts]
        for geom in self.district_polygons:
            shapely.prepare(geom)
        self.district_bounds = np.array([geom.bounds for geom in self.district_polygons])
        self.tree = shapely.STRtree(self.district_polygons)
        self.subdistricts = subdistricts
        self.subdistricts_of: dict[str, list[str]] = {}
        for sub, district in subdistricts.items():
            self.subdistricts_of.setdefault(district, []).append(sub)

        # Only coarse polygons whose code is a real แขวง today can be an answer.
        self.coarse: dict[str, list[tuple[str, object]]] = {}
        for code, geom in coarse:
            if code in subdistricts:
                shapely.prepare(geom)
                self.coarse.setdefault(subdistricts[code], []).append((code, geom))

        # Per district: a k-d tree of its vote points, each point's label index, the label names.
        self.vote_trees: dict[str, tuple[cKDTree, np.ndarray, np.ndarray]] = {}
        if votes is not None:
            lon, lat, labels = votes
            districts_of_label = np.array([subdistricts.get(s, "") for s in labels])
            for district in self.subdistricts_of:
                mask = districts_of_label == district
                if mask.sum() == 0:
                    continue
                points = np.column_stack([lon[mask] * LON_SCALE, lat[mask]])
                names, label_index = np.unique(labels[mask], return_inverse=True)
                self.vote_trees[district] = (cKDTree(points), label_index, names)

    # -- one point ----------------------------------------------------------------------------

    def locate(self, lat: float, lon: float) -> Location:
        """The district and แขวง of one point; ``OUTSIDE`` when it is not in Bangkok."""
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return OUTSIDE
        # The tree finds the few polygons whose box holds the point; prepared polygons decide.
        for i in sorted(self.tree.query(shapely.Point(lon, lat))):
            if shapely.intersects_xy(self.district_polygons[i], lon, lat):
                district = str(self.district_codes[i])
                return Location(district, self._subdistrict(district, lat, lon))
        return OUTSIDE

    def _subdistrict(self, district: str, lat: float, lon: float) -> str | None:
        own = self.subdistricts_of.get(district, [])
        if len(own) == 1:
            return own[0]
        if district in self.vote_trees:
            tree, label_index, names = self.vote_trees[district]
            k = min(self.k, len(label_index))
            distances, index = tree.query((lon * LON_SCALE, lat), k=k)
            distances, index = np.atleast_1d(distances), np.atleast_1d(index)
            if distances[0] <= MAX_VOTE_DISTANCE:
                weights: dict[int, float] = {}
                for label, distance in zip(label_index[index], distances, strict=True):
                    weights[label] = weights.get(label, 0.0) + _weight(distance)
                return str(names[max(weights, key=weights.__getitem__)])
        for code, geom in self.coarse.get(district, []):
            if shapely.contains_xy(geom, lon, lat):
                return code
        return None

    # -- many points --------------------------------------------------------------------------

    def locate_many(
        self, lat: np.ndarray, lon: np.ndarray, subdistricts: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """District and แขวง codes for arrays of points ("" where none), vectorised."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        district_index = np.full(lat.shape, -1, dtype=np.int64)
        for i, geom in enumerate(self.district_polygons):
            minx, miny, maxx, maxy = self.district_bounds[i]
            candidates = np.flatnonzero(
                (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy) & (district_index < 0)
            )
            if len(candidates):
                inside = shapely.intersects_xy(geom, lon[candidates], lat[candidates])
                district_index[candidates[inside]] = i
        codes = np.where(district_index >= 0, self.district_codes[district_index], "")
        subs = np.full(lat.shape, "", dtype=object)
        if subdistricts:
            for district in np.unique(codes[codes != ""]):
                self._subdistricts_many(str(district), codes == district, lat, lon, subs)
        return codes.astype(str), subs.astype(str)

    def _subdistricts_many(
        self, district: str, mask: np.ndarray, lat: np.ndarray, lon: np.ndarray, out: np.ndarray
    ) -> None:
        rows = np.flatnonzero(mask)
        own = self.subdistricts_of.get(district, [])
        if len(own) == 1:
            out[rows] = own[0]
            return
        pending = rows
        if district in self.vote_trees:
            tree, label_index, names = self.vote_trees[district]
            k = min(self.k, len(label_index))
            distances, index = tree.query(
                np.column_stack([lon[rows] * LON_SCALE, lat[rows]]), k=k, workers=-1
            )
            distances = distances.reshape(len(rows), -1)
            index = index.reshape(len(rows), -1)
            near = distances[:, 0] <= MAX_VOTE_DISTANCE
            winners = _vote(label_index[index[near]], distances[near], len(names))
            out[rows[near]] = names[winners]
            pending = rows[~near]
        for code, geom in self.coarse.get(district, []):
            if len(pending) == 0:
                break
            inside = shapely.contains_xy(geom, lon[pending], lat[pending])
            out[pending[inside]] = code
            pending = pending[~inside]


def _vote(labels: np.ndarray, distances: np.ndarray, n_labels: int) -> np.ndarray:
    """Each row's winning label: the neighbours' majority, closer ones weighing more.

    labels and distances are (points × k); the answer is one label index per point.
    """
    n = labels.shape[0]
    cells = (np.arange(n)[:, None] * n_labels + labels).ravel()
    weights = np.bincount(cells, weights=_weight(distances).ravel(), minlength=n * n_labels)
    return weights.reshape(n, n_labels).argmax(axis=1)


def _weight(distance):
    # ~20 m of softening, so that a neighbour at the same spot does not outvote all others.
    return 1.0 / (distance + 2e-4)


# -- loading ----------------------------------------------------------------------------------


def load_locator(data_dir: Path = DATA_DIR, k: int = DEFAULT_K, votes: bool = True) -> Locator:
    with open(data_dir / DISTRICTS_FILE, encoding="utf-8") as f:
        districts = [
            (feature["properties"]["district_code"], shape(feature["geometry"]))
            for feature in json.load(f)["features"]
        ]
    with open(data_dir / SUBDISTRICTS_FILE, encoding="utf-8", newline="") as f:
        subdistricts = {row["subdistrict_code"]: row["district_code"] for row in csv.DictReader(f)}
    with open(data_dir / COARSE_SUBDISTRICTS_FILE, encoding="utf-8") as f:
        coarse = [
            (feature["properties"]["subdistrict_code"], shape(feature["geometry"]))
            for feature in json.load(f)["features"]
        ]
    vote_points = load_vote_points(data_dir) if votes else None
    return Locator(districts, subdistricts, coarse, vote_points, k=k)


def load_vote_points(data_dir: Path = DATA_DIR) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lon, lat, labels = [], [], []
    with gzip.open(data_dir / VOTES_FILE, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["subdistrict_code"]:
                lon.append(float(row["lon"]))
                lat.append(float(row["lat"]))
                labels.append(row["subdistrict_code"])
    return np.array(lon), np.array(lat), np.array(labels)


@lru_cache(maxsize=1)
def get_locator() -> Locator:
    return load_locator()


def locate(lat: float, lon: float) -> Location:
    """The district and แขวง of a point in Bangkok, or ``OUTSIDE``."""
    return get_locator().locate(lat, lon)
