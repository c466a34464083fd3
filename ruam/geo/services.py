"""Loading Bangkok's places from the reference files shipped in ``ruam/data``."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from ruam.core.sync import SyncResult, sync_rows
from ruam.geo.models import Boundary, Community, District, DistrictGroup, Subdistrict

COMMUNITY_KINDS = {
    "ชุมชนเมือง": Community.Kind.URBAN,
    "ชุมชนแออัด": Community.Kind.CROWDED,
    "ชุมชนชานเมือง": Community.Kind.SUBURBAN,
    "ชุมชนอาคารสูง": Community.Kind.HIGH_RISE,
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def read_features(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)["features"]


def load_places(data_dir: Path) -> dict[str, SyncResult]:
    group_shapes = {
        str(f["properties"]["group_code"]): f
        for f in read_features(data_dir / "bangkok_district_groups.geojson")
    }
    district_shapes = {
        f["properties"]["district_code"]: f["geometry"]
        for f in read_features(data_dir / "bangkok_districts.geojson")
    }
    districts = read_csv(data_dir / "bangkok_districts.csv")
    groups = {}
    for row in districts:
        props = group_shapes[row["group_code"]]["properties"]
        groups[row["group_code"]] = {
            "code": row["group_code"],
            "name_th": row["group_name_th"],
            "name_en": row["group_name_en"],
            "name_th_bma": props["group_name_th_bma"],
            "name_en_bma": props["group_name_en_bma"],
        }
    results = {"groups": sync_rows(DistrictGroup, "code", list(groups.values()))}
    results["districts"] = sync_rows(
        District,
        "code",
        [
            {
                "code": row["district_code"],
                "name_th": row["name_th"],
                "name_en": row["name_en"],
                "group_id": row["group_code"],
                "postal_code": row["postal_code_main"],
                "area_km2": Decimal(row["area_km2_bma"]),
            }
            for row in districts
        ],
    )
    results["boundaries"] = _load_boundaries(
        [(Boundary.Kind.GROUP, code, f["geometry"]) for code, f in group_shapes.items()]
        + [(Boundary.Kind.DISTRICT, code, geometry) for code, geometry in district_shapes.items()]
    )
    results["subdistricts"] = sync_rows(
        Subdistrict,
        "code",
        [
            {
                "code": row["subdistrict_code"],
                "name_th": row["name_th"],
                "name_en": row["name_en"],
                "district_id": row["district_code"],
                "postal_code": row["postal_code"],
            }
            for row in read_csv(data_dir / "bangkok_subdistricts.csv")
        ],
    )
    results["communities"] = sync_rows(
        Community,
        "source_no",
        [
            {
                "source_no": int(row["no"]),
                "name_th": row["community_name_th"],
                "kind": COMMUNITY_KINDS.get(row["community_type"], ""),
                "district_id": row["district_code"],
                "subdistrict_id": row["subdistrict_code"] or None,
            }
            for row in read_csv(data_dir / "bangkok_communities.csv")
        ],
    )
    return results


def _load_boundaries(shapes: list[tuple[str, str, dict]]) -> SyncResult:
    result = SyncResult()
    existing = {(b.kind, b.code): b for b in Boundary.objects.all()}
    for kind, code, geometry in shapes:
        found = existing.get((kind, code))
        if found is None:
            Boundary.objects.create(kind=kind, code=code, geometry=geometry)
            result.created += 1
        elif found.geometry != geometry:
            found.geometry = geometry
            found.save(update_fields=["geometry"])
            result.updated += 1
        else:
            result.unchanged += 1
    return result
