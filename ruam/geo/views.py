"""Public pages of places: district groups, districts and their committees."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ruam.bodies.models import ROLE_ORDER, Body, Membership
from ruam.bodies.services import committee_code, group_code
from ruam.geo.models import District, DistrictGroup
from ruam.geo.selectors import districts_public, groups_with_counts


def district_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "geo/district_list.html",
        {"groups": groups_with_counts(), "districts": districts_public()},
    )


def group_detail(request: HttpRequest, code: str) -> HttpResponse:
    group = get_object_or_404(DistrictGroup, code=code)
    districts = group.districts.annotate(
        subdistrict_count=Count("subdistricts", distinct=True)
    ).order_by("code")
    return render(
        request,
        "geo/group_detail.html",
        {
            "group": group,
            "districts": districts,
            "boundary": group.boundary,
            "committee": Body.objects.filter(code=group_code(group.code)).first(),
        },
    )


def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District.objects.select_related("group"), code=code)
    subdistricts = district.subdistricts.annotate(community_count=Count("communities"))
    communities = district.communities.select_related("subdistrict")
    committee = Body.objects.filter(code=committee_code(code)).first()
    return render(
        request,
        "geo/district_detail.html",
        {
            "district": district,
            "subdistricts": subdistricts,
            "communities": communities,
            "committee": committee,
            "member_count": committee.current_memberships().count() if committee else 0,
            "offices": Body.objects.filter(district=district, kind=Body.Kind.DISTRICT_OFFICE)
            .prefetch_related(
                Prefetch("children", queryset=Body.objects.order_by("division_type__order"))
            )
            .first(),
            "boundary": district.boundary,
        },
    )


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
        "geo/committee_detail.html",
        {
            "district": district,
            "committee": committee,
            "members": members,
            "working_groups": working_groups,
        },
    )
