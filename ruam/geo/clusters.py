"""Finding places where the same problem keeps coming back. Pure Python (numpy, scipy).

Greedy clustering within a radius: the point with the most neighbours within ``radius_m`` seeds a
hotspot made of those neighbours; they are taken out and the next densest point seeds the next,
until a seed has fewer than ``min_reports`` neighbours. Simple enough to explain to a committee:
"these 17 reports lie within 150 m of this point".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Cluster:
    members: np.ndarray  # indexes into the input arrays
    lat: float
    lon: float
    first: float  # epoch seconds
    last: float
    after_fix: int  # members reported after another member had been fixed


def find_clusters(
    lat: np.ndarray,
    lon: np.ndarray,
    created: np.ndarray,
    fixed: np.ndarray,
    *,
    radius_m: float = 150,
    min_reports: int = 5,
) -> list[Cluster]:
    """Clusters of at least ``min_reports`` points within ``radius_m`` of a seed point.

    ``created`` and ``fixed`` are epoch seconds; ``fixed`` is NaN where not (known) fixed.
    """
    n = len(lat)
    if n < min_reports:
        return []
    scale = math.cos(math.radians(float(np.mean(lat))))
    xy = np.column_stack([lon * scale * METRES_PER_DEGREE, lat * METRES_PER_DEGREE])
    tree = cKDTree(xy)
    neighbours = tree.query_ball_point(xy, r=radius_m)
    taken = np.zeros(n, dtype=bool)
    order = np.argsort([-len(x) for x in neighbours], kind="stable")
    clusters = []
    for seed in order:
        if taken[seed]:
            continue
        members = np.array([i for i in neighbours[seed] if not taken[i]], dtype=np.int64)
        if len(members) < min_reports:
            if len(neighbours[seed]) < min_reports:
                break  # seeds are in falling order: no later one can reach the minimum
            continue
        taken[members] = True
        member_fixed = fixed[members]
        earliest_fix = np.nanmin(member_fixed) if np.any(~np.isnan(member_fixed)) else math.inf
        clusters.append(
            Cluster(
                members=members,
                lat=float(lat[seed]),
                lon=float(lon[seed]),
                first=float(created[members].min()),
                last=float(created[members].max()),
                after_fix=int(np.sum(created[members] > earliest_fix)),
            )
        )
    return clusters
