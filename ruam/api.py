"""Ruam's public JSON API, version 1: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from ruam.core.api_errors import install_error_handlers
from ruam.geo.api import router as geo_router
from ruam.issues.api import router as issues_router
from ruam.meetings.api import router as meetings_router
from ruam.programmes.api import router as programmes_router
from ruam.reports.api import router as reports_router
from ruam.search.api import router as search_router


class ThaiJSONRenderer(JSONRenderer):
    """Thai as Thai, not \\u escapes: readable and a third of the size."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ThaiJSONRenderer(),
    title="Ruam API",
    version="1",
    description=(
        "Bangkok's district participation platform. Lists answer "
        '`{"items": [...], "count": N}`; errors answer `detail` with `message_th` and '
        "`message_en`. No personal data is ever returned by public endpoints."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/", geo_router)
api.add_router("/", reports_router)
api.add_router("/", search_router)
api.add_router("/", issues_router)
api.add_router("/", meetings_router)
api.add_router("/", programmes_router)
