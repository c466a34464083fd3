"""Query schemas the API's list endpoints share."""

from __future__ import annotations

from ninja import Field, Schema


class Page(Schema):
    district: str | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)
