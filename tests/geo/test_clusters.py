"""Clustering points: where the same kind of problem keeps coming back (pure Python)."""

import numpy as np

from ruam.geo.clusters import find_clusters

BASE = (13.8596, 100.7046)  # คลองสามวา


def test_clusters_need_enough_points_within_the_radius():
    rng = np.random.default_rng(1)
    # 8 points within ~50 m, 3 points far away.
    lat = np.r_[BASE[0] + rng.normal(0, 0.0002, 8), BASE[0] + np.array([0.02, 0.03, 0.04])]
    lon = np.r_[BASE[1] + rng.normal(0, 0.0002, 8), BASE[1] + np.array([0.02, 0.03, 0.04])]
    created = np.arange(11, dtype=float)
    fixed = np.full(11, np.nan)
    [cluster] = find_clusters(lat, lon, created, fixed, radius_m=150, min_reports=5)
    assert sorted(cluster.members.tolist()) == list(range(8))
    assert find_clusters(lat, lon, created, fixed, radius_m=150, min_reports=9) == []


def test_after_a_fix_counts_reports_made_once_a_member_was_fixed():
    lat = np.full(6, BASE[0])
    lon = np.full(6, BASE[1])
    created = np.array([0, 1, 2, 10, 11, 12], dtype=float)
    fixed = np.array([5, np.nan, np.nan, np.nan, np.nan, np.nan])
    [cluster] = find_clusters(lat, lon, created, fixed, min_reports=5)
    assert cluster.after_fix == 3
