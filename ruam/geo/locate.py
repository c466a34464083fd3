"""Where is a point? Its district (เขต) and แขวง, from Bangkok's polygons. Pure Python, no Django.

Districts come from BMA's polygons (exact, ~1 m). แขวง polygons are coarse and pre-2020 (see
``ruam/data/SOURCES.md``), so the แขวง is the one of the nearest real Traffy ticket *inside the
district found* (with ``k > 1``, a distance-weighted vote of the k nearest), whose แขวง the
reporter's own address gives; the coarse polygon is the fallback where no ticket is near. Either
way the answer is a real แขวง of that district, or none. ``bench/locate.py`` measures speed and
agreement; ``bench/RESULTS.md`` records why k = 1.

A grid over Bangkok makes the district fast: a cell no district boundary comes near answers at
once, and only cells near a boundary test the few prepared polygons that touch them.
"""

from __future__ import annotations

import csv
import gzip
import io
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
# The nearest ticket alone agrees best with the tickets' own แขวง: holding out a fifth of the
# shipped tickets, k = 1 had the best 5-fold mean against k = 3…15, both for a split by ticket
# and for a split by 500 m cell (their แขวง follow sharp lines, which a wider vote blurs).
# See bench/RESULTS.md.
DEFAULT_K = 1
# Beyond this (in degrees of latitude, ~1.1 km) neighbours say little; use the polygon instead.
MAX_VOTE_DISTANCE = 0.01
# Side of a grid cell, in degrees (~110 m); cells near a district boundary test polygons.
GRID_STEP = 0.001

_MIXED = -2  # grid value of a cell near a boundary: test its candidate polygons
_NONE = -1  # grid value of a cell outside every district


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
        max_vote_distance: float = MAX_VOTE_DISTANCE,
    ) -> None:
        """
        districts: (district_code, shapely polygon) pairs; the polygons must not overlap.
        subdistricts: subdistrict_code → district_code, the real แขวง of today.
        coarse: (subdistrict_code, polygon) of the coarse แขวง layer.
        votes: lon, lat and subdistrict_code arrays of points whose แขวง is known.
        k: how many nearest vote points decide a แขวง (1: the nearest alone).
        max_vote_distance: the nearest vote point must be this close (degrees of latitude).
        """
        self.k = k
        self.max_vote_distance = max_vote_distance
        self.district_codes = np.array([code for code, _ in districts])
        self._codes = [str(code) for code in self.district_codes]
        self.district_polygons = [geom for _, geom in districts]
        for geom in self.district_polygons:
            shapely.prepare(geom)
        self.district_bounds = np.array([geom.bounds for geom in self.district_polygons])
        self.tree = shapely.STRtree(self.district_polygons)
        self._build_grid()
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
        # The same labels as plain strings, one per point, for the single-point k = 1 path.
        self._point_labels: dict[str, list[str]] = {}
        if votes is not None and len(votes[0]):
            lon, lat, labels = (np.asarray(a) for a in votes)
            # Each point's district through its label's: a few hundred lookups, not one a point.
            names, label_index = np.unique(labels, return_inverse=True)
            district_of_name = np.array([subdistricts.get(str(n), "") for n in names.tolist()])
            point_district = district_of_name[label_index]
            order = np.argsort(point_district, kind="stable")
            grouped = point_district[order]
            starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
            for start, end in zip(starts, [*starts[1:], len(order)], strict=True):
                district = str(grouped[start])
                if not district:
                    continue  # a แขวง that is not (or no longer) real
                rows = order[start:end]
                points = np.column_stack([lon[rows] * LON_SCALE, lat[rows]])
                own_names, own_index = np.unique(labels[rows], return_inverse=True)
                self.vote_trees[district] = (cKDTree(points), own_index, own_names)
                self._point_labels[district] = own_names[own_index].tolist()

    def _build_grid(self) -> None:
        """Mark each grid cell with its district, with none, or as near a boundary.

        Every boundary is sampled at most GRID_STEP apart, so each point of a boundary lies
        within half a step of a sample; marking each sample's cell and its 8 neighbours marks
        every cell a boundary touches (with a margin). An unmarked cell lies wholly inside one
        district or outside all, which its centre tells.
        """
        step = GRID_STEP
        bounds = self.district_bounds
        self._x0 = float(bounds[:, 0].min()) - step
        self._y0 = float(bounds[:, 1].min()) - step
        self._nx = int((bounds[:, 2].max() - self._x0) / step) + 2
        self._ny = int((bounds[:, 3].max() - self._y0) / step) + 2
        nx, ny = self._nx, self._ny

        samples = shapely.get_coordinates(
            shapely.segmentize(shapely.boundary(self.district_polygons), step)
        )
        ix = np.floor((samples[:, 0] - self._x0) / step).astype(np.int64)
        iy = np.floor((samples[:, 1] - self._y0) / step).astype(np.int64)
        near = np.zeros((ny + 2, nx + 2), dtype=bool)  # padded by one cell on each side
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                near[iy + 1 + dy, ix + 1 + dx] = True
        near = near[1:-1, 1:-1].ravel()

        grid = np.full(nx * ny, _MIXED, dtype=np.int64)
        clear = np.flatnonzero(~near)
        cx, cy = self._cell_corner(clear)
        grid[clear] = self._scan(cy + step / 2, cx + step / 2)

        # Cells near a boundary: the polygons that touch the cell (a hair enlarged), in order.
        mixed = np.flatnonzero(near)
        mx, my = self._cell_corner(mixed)
        eps = 1e-9
        boxes = shapely.box(mx - eps, my - eps, mx + step + eps, my + step + eps)
        # Querying a tree of boxes with the (prepared) polygons is far faster than the reverse.
        polygon_index, box_index = shapely.STRtree(boxes).query(
            self.district_polygons, predicate="intersects"
        )
        candidates: dict[int, list[int]] = {}
        for polygon, box in sorted(zip(polygon_index.tolist(), box_index.tolist(), strict=True)):
            candidates.setdefault(int(mixed[box]), []).append(polygon)
        self._candidates = {cell: tuple(polys) for cell, polys in candidates.items()}
        untouched = np.setdiff1d(mixed, np.fromiter(self._candidates, dtype=np.int64))
        grid[untouched] = _NONE
        self._grid = grid
        self._grid_list = grid.tolist()

    def _cell_corner(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._x0 + (cells % self._nx) * GRID_STEP, self._y0 + (cells // self._nx) * GRID_STEP

    def _scan(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """District index of each point (-1 for none) by testing every polygon's box: slow path."""
        district_index = np.full(lat.shape, _NONE, dtype=np.int64)
        for i, geom in enumerate(self.district_polygons):
            minx, miny, maxx, maxy = self.district_bounds[i]
            candidates = np.flatnonzero(
                (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy) & (district_index < 0)
            )
            if len(candidates):
                inside = shapely.intersects_xy(geom, lon[candidates], lat[candidates])
                district_index[candidates[inside]] = i
        return district_index

    # -- one point ----------------------------------------------------------------------------

    def locate(self, lat: float, lon: float) -> Location:
        """The district and แขวง of one point; ``OUTSIDE`` when it is not in Bangkok."""
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError, OverflowError):
            return OUTSIDE
        fx = (lon - self._x0) / GRID_STEP
        fy = (lat - self._y0) / GRID_STEP
        # False for NaN, and for ±inf or any point off the grid, which lies outside Bangkok.
        if not (0.0 <= fx < self._nx and 0.0 <= fy < self._ny):
            return OUTSIDE
        cell = int(fy) * self._nx + int(fx)
        i = self._grid_list[cell]
        if i == _MIXED:
            for j in self._candidates[cell]:
                if shapely.intersects_xy(self.district_polygons[j], lon, lat):
                    i = j
                    break
            else:
                return OUTSIDE
        elif i == _NONE:
            return OUTSIDE
        district = self._codes[i]
        return Location(district, self._subdistrict(district, lat, lon))

    def _subdistrict(self, district: str, lat: float, lon: float) -> str | None:
        own = self.subdistricts_of.get(district, [])
        if len(own) == 1:
            return own[0]
        if district in self.vote_trees:
            tree, label_index, names = self.vote_trees[district]
            k = min(self.k, len(label_index))
            if k == 1:
                distance, index = tree.query((lon * LON_SCALE, lat))
                if distance <= self.max_vote_distance:
                    return self._point_labels[district][int(index)]
            else:
                distances, index = tree.query((lon * LON_SCALE, lat), k=k)
                if distances[0] <= self.max_vote_distance:
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
        shape_ = np.broadcast_shapes(lat.shape, lon.shape)
        lat = np.broadcast_to(lat, shape_).ravel()
        lon = np.broadcast_to(lon, shape_).ravel()

        district_index = np.full(lat.shape, _NONE, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            fx = (lon - self._x0) / GRID_STEP
            fy = (lat - self._y0) / GRID_STEP
            on_grid = np.flatnonzero((fx >= 0) & (fx < self._nx) & (fy >= 0) & (fy < self._ny))
        cells = fy[on_grid].astype(np.int64) * self._nx + fx[on_grid].astype(np.int64)
        district_index[on_grid] = self._grid[cells]
        mixed = np.flatnonzero(district_index == _MIXED)
        if len(mixed):
            district_index[mixed] = self._scan(lat[mixed], lon[mixed])

        found = district_index >= 0
        codes = np.full(lat.shape, "", dtype=self.district_codes.dtype)
        codes[found] = self.district_codes[district_index[found]]
        subs = np.full(lat.shape, "", dtype="U6")
        if subdistricts and found.any():
            rows = np.flatnonzero(found)
            order = rows[np.argsort(district_index[rows], kind="stable")]
            sorted_index = district_index[order]
            starts = np.flatnonzero(np.r_[True, sorted_index[1:] != sorted_index[:-1]])
            for start, end in zip(starts, [*starts[1:], len(order)], strict=True):
                district = self._codes[sorted_index[start]]
                self._subdistricts_many(district, order[start:end], lat, lon, subs)
        return codes.reshape(shape_), subs.reshape(shape_)

    def _subdistricts_many(
        self, district: str, rows: np.ndarray, lat: np.ndarray, lon: np.ndarray, out: np.ndarray
    ) -> None:
        own = self.subdistricts_of.get(district, [])
        if len(own) == 1:
            out[rows] = own[0]
            return
        pending = rows
        if district in self.vote_trees:
            tree, label_index, names = self.vote_trees[district]
            k = min(self.k, len(label_index))
            # Threads pay off only for big batches: starting them costs ~0.3 ms a district.
            distances, index = tree.query(
                np.column_stack([lon[rows] * LON_SCALE, lat[rows]]),
                k=k,
                workers=-1 if len(rows) >= 2_000 else 1,
            )
            distances = distances.reshape(len(rows), -1)
            index = index.reshape(len(rows), -1)
            near = distances[:, 0] <= self.max_vote_distance
            if k == 1:
                winners = label_index[index[near, 0]]
            else:
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
    # ~2 m of softening (coordinates are rounded to ~1 m), so that a neighbour at the same spot
    # does not divide by zero; on the holdout, 2 m beat 20 m for every k > 1 tried.
    return 1.0 / (distance + 2e-5)


# -- loading ----------------------------------------------------------------------------------


def load_locator(
    data_dir: Path = DATA_DIR,
    k: int = DEFAULT_K,
    votes: bool = True,
    max_vote_distance: float = MAX_VOTE_DISTANCE,
) -> Locator:
    districts, subdistricts, coarse = load_polygons(data_dir)
    vote_points = load_vote_points(data_dir) if votes else None
    return Locator(
        districts, subdistricts, coarse, vote_points, k=k, max_vote_distance=max_vote_distance
    )


def load_polygons(
    data_dir: Path = DATA_DIR,
) -> tuple[list[tuple[str, object]], dict[str, str], list[tuple[str, object]]]:
    """The districts, แขวง and coarse polygons that ``Locator`` takes, from the shipped files."""
    districts = _features(data_dir / DISTRICTS_FILE, "district_code")
    with open(data_dir / SUBDISTRICTS_FILE, encoding="utf-8", newline="") as f:
        subdistricts = {row["subdistrict_code"]: row["district_code"] for row in csv.DictReader(f)}
    coarse = _features(data_dir / COARSE_SUBDISTRICTS_FILE, "subdistrict_code")
    return districts, subdistricts, coarse


def _features(path: Path, key: str) -> list[tuple[str, object]]:
    """(properties[key], geometry) of each feature of a GeoJSON FeatureCollection."""
    text = path.read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    # GEOS reads the geometries in one call, ~3× faster than one ``shape()`` per feature.
    geometries = shapely.get_parts(shapely.from_geojson(text))
    if len(geometries) != len(features):  # e.g. a feature without a geometry
        geometries = [shape(feature["geometry"]) for feature in features]
    return [
        (feature["properties"][key], geometry)
        for feature, geometry in zip(features, geometries, strict=True)
    ]


def load_vote_points(data_dir: Path = DATA_DIR) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lon, lat and subdistrict_code of the shipped tickets whose แขวง is known."""
    with gzip.open(data_dir / VOTES_FILE, "rb") as f:
        raw = f.read()
    header = raw.split(b"\n", 1)[0].decode("utf-8").strip().split(",")
    columns = tuple(header.index(c) for c in ("lon", "lat", "subdistrict_code"))

    # numpy's own CSV parser (the file is plain numbers and codes, no quotes): ~4× faster
    # than the csv module and a list of rows, and the import waits for it.
    def read(usecols, dtype):
        return np.loadtxt(
            io.BytesIO(raw), delimiter=",", skiprows=1, usecols=usecols, dtype=dtype, ndmin=2
        )

    places = read(columns[:2], float)
    labels = read(columns[2:], str)[:, 0]
    known = labels != ""
    return places[known, 0], places[known, 1], labels[known]


@lru_cache(maxsize=1)
def get_locator() -> Locator:
    return load_locator()


def locate(lat: float, lon: float) -> Location:
    """The district and แขวง of a point in Bangkok, or ``OUTSIDE``."""
    return get_locator().locate(lat, lon)
