"""Every write is counted per API key, per signed-in person or per address: past the limit a
429 with a retry hint in both languages, and nothing written; others are not affected."""

import pytest
from django.test import Client

from ruam.issues import services as issues
from ruam.issues.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(make_user):
    return issues.create_issue(
        actor=make_user(), district_code="1046", title="สวน", description="ที่ว่าง", kind="development"
    )


def test_a_person_past_the_limit_is_refused_and_nothing_written(settings, make_user, issue):
    settings.RUAM_RATELIMITS = settings.RUAM_RATELIMITS | {"writes": (3, 60)}
    eager, calm = Client(), Client()
    eager.force_login(make_user())
    calm.force_login(make_user())
    for i in range(3):
        eager.post(f"/issues/{issue.pk}/comment/", {"text": f"ความเห็น {i}"})
    refused = eager.post(f"/issues/{issue.pk}/comment/", {"text": "อีกครั้ง"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    # Said in the person's language, one at a time.
    assert "ถี่เกินไป" in refused.content.decode() and "Too many" not in refused.content.decode()
    english = eager.post(f"/issues/{issue.pk}/comment/", {"text": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429 and "Too many" in english.content.decode()
    assert not Comment.objects.filter(text="อีกครั้ง").exists()
    calm.post(f"/issues/{issue.pk}/comment/", {"text": "คนอื่น"})  # another person: fine
    assert Comment.objects.filter(text="คนอื่น").exists()


def test_anonymous_writes_count_per_address(settings):
    settings.RUAM_RATELIMITS = settings.RUAM_RATELIMITS | {"writes": (2, 60)}
    here, there = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")
    for _ in range(2):
        here.post("/reports/track/")
    assert here.post("/accounts/signup/", {}).status_code == 429
    assert there.post("/accounts/signup/", {}).status_code != 429
    assert here.get("/").status_code == 200  # reading is never limited here
