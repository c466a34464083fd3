"""Programme fixtures: the people who record, verify and plan in คลองสามวา (1046)."""

from __future__ import annotations

import pytest

from ruam.bodies.models import Role
from ruam.programmes.models import Programme


@pytest.fixture
def flood(db) -> Programme:
    """Flood-risk points: owned by the drainage department, open-ended, figures add up."""
    return Programme.objects.get(code="flood_risk_points")


@pytest.fixture
def official(seat):
    return seat("division-1046-works", Role.OFFICIAL)


@pytest.fixture
def secretary(seat):
    return seat("committee-1046", Role.SECRETARY)
