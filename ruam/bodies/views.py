"""Public pages of bodies: a district committee with its members and working groups."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ruam.bodies.models import ROLE_ORDER, Body, Membership
from ruam.bodies.services import committee_code
from ruam.geo.models import District


def committee_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District.objects.select_related("group"), code=code)
    committee = Body.objects.filter(code=committee_code(code)).first()
    if committee is None:
        raise Http404
    order = {role: i for i, role in enumerate(ROLE_ORDER)}
    members = sorted(
        committee.current_memberships(), key=lambda m: (order.get(m.role, 99), m.start, m.pk)
    )
    working_groups = (
        committee.children.filter(kind=Body.Kind.WORKING_GROUP)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current().select_related("person"),
                to_attr="current",
            )
        )
    )
    return render(
        request,
        "bodies/committee_detail.html",
        {
            "district": district,
            "committee": committee,
            "members": members,
            "working_groups": working_groups,
        },
    )
