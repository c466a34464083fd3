"""Public API of places: groups, districts, แขวง, communities, locate."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from shapely.geometry import mapping, shape

from ruam.core.api_errors import ApiError, declare
from ruam.core.api_schemas import Key
from ruam.core.errors import NOT_FOUND, OUTSIDE_BANGKOK
from ruam.geo.locate import COARSE_SUBDISTRICTS_FILE, DATA_DIR, locate
from ruam.geo.models import Boundary, District
from ruam.geo.selectors import districts_public, groups_with_counts

router = Router(tags=["places"])


class GroupOut(Schema):
    code: str
    name_th: str
    name_en: str
    district_count: int


class DistrictOut(Schema):
    code: str
    name_th: str
    name_en: str
    group_code: str = Field(alias="group_id")
    area_km2: Decimal | None


class SubdistrictOut(Schema):
    code: str
    name_th: str
    name_en: str
    postal_code: str


class CommunityOut(Schema):
    name_th: str
    kind: str
    subdistrict_code: str | None = Field(alias="subdistrict_id")


class DistrictDetailOut(DistrictOut):
    postal_code: str
    subdistricts: list[SubdistrictOut]
    communities: list[CommunityOut]


class GroupList(Schema):
    items: list[GroupOut]
    count: int


class DistrictList(Schema):
    items: list[DistrictOut]
    count: int


class LocateIn(Schema):
    lat: float = Field(..., ge=-90, le=90, description="Latitude, WGS84 degrees")
    lon: float = Field(..., ge=-180, le=180, description="Longitude, WGS84 degrees")


class LocateOut(Schema):
    district_code: str
    subdistrict_code: str | None


@router.get("/groups", response={200: GroupList}, summary="The six district groups")
def list_groups(request: HttpRequest):
    items = list(groups_with_counts())
    return {"items": items, "count": len(items)}


@router.get("/districts", response={200: DistrictList, **declare(422)}, summary="The 50 districts")
def list_districts(request: HttpRequest, group_code: Key | None = None):
    qs = districts_public()
    if group_code:
        qs = qs.filter(group_id=group_code)
    items = list(qs)
    return {"items": items, "count": len(items)}


@router.get(
    "/districts/{code}",
    response={200: DistrictDetailOut, **declare(404, 422)},
    summary="One district with its แขวง and communities",
)
def get_district(request: HttpRequest, code: Key):
    district = (
        District.objects.prefetch_related("subdistricts", "communities").filter(code=code).first()
    )
    if district is None:
        raise ApiError(404, NOT_FOUND)
    return DistrictDetailOut(
        code=district.code,
        name_th=district.name_th,
        name_en=district.name_en,
        group_id=district.group_id,
        area_km2=district.area_km2,
        postal_code=district.postal_code,
        subdistricts=list(district.subdistricts.all()),
        communities=list(district.communities.all()),
    )


@router.get(
    "/districts/{code}/boundary",
    response={200: dict, **declare(404, 422)},
    summary="A district's boundary as a GeoJSON Feature",
)
def get_district_boundary(request: HttpRequest, code: Key):
    district = District.objects.filter(code=code).first()
    if district is None or not district.boundary:
        raise ApiError(404, NOT_FOUND)
    return {
        "type": "Feature",
        "properties": {
            "code": district.code,
            "name_th": district.name_th,
            "name_en": district.name_en,
        },
        "geometry": district.boundary,
    }


@router.get(
    "/locate",
    response={200: LocateOut, **declare(404, 422)},
    summary="The district and แขวง of a point",
    description="404 when the point is outside Bangkok; 422 when lat/lon are not numbers in range.",
)
def locate_point(request: HttpRequest, point: Query[LocateIn]):
    location = locate(point.lat, point.lon)
    if not location.in_bangkok:
        raise ApiError(404, OUTSIDE_BANGKOK)
    return {"district_code": location.district_code, "subdistrict_code": location.subdistrict_code}


@lru_cache(maxsize=1)
def _simplified_boundaries() -> dict:
    features = []
    geometries = dict(
        Boundary.objects.filter(kind=Boundary.Kind.DISTRICT).values_list("code", "geometry")
    )
    for code, name_th, name_en in District.objects.values_list("code", "name_th", "name_en"):
        boundary = geometries.get(code)
        if not boundary:
            continue
        geometry = mapping(shape(boundary).simplify(0.0002, preserve_topology=True))
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name_th": name_th, "name_en": name_en},
                "geometry": json.loads(
                    json.dumps(geometry), parse_float=lambda x: round(float(x), 5)
                ),
            }
        )
    return {"type": "FeatureCollection", "features": features}


@router.get(
    "/districts.geojson",
    response={200: dict},
    summary="All district boundaries, simplified (~20 m) for maps",
)
def district_boundaries(request: HttpRequest):
    return _simplified_boundaries()


@lru_cache(maxsize=1)
def _subdistrict_outlines() -> dict:
    with open(DATA_DIR / COARSE_SUBDISTRICTS_FILE, encoding="utf-8") as f:
        data = json.load(f)
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": p["subdistrict_code"],
                "name_th": p["name_th"],
                "name_en": p["name_en"],
                "district_code": p["district_code"],
            },
            "geometry": feature["geometry"],
        }
        for feature in data["features"]
        if (p := feature["properties"]).get("in_current_180_list", True)
    ]
    return {"type": "FeatureCollection", "features": features}


@router.get(
    "/subdistricts.geojson",
    response={200: dict},
    summary="แขวง outlines with their names, coarse (HDX 2019), for finding a place on a map",
    description="For drawing only: the แขวง of a point is found by /locate, which is exact.",
)
def subdistrict_outlines(request: HttpRequest):
    return _subdistrict_outlines()
