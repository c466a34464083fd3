"""A target changed in the admin is on the target's timeline (who, from → to), as one changed
on Ruam's pages is, and the district's progress follows it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ruam.programmes.models import Progress, Target, TargetEvent

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would send for the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if a.get("type") in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(a.get("value") or default)
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.data[self.select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data


def test_a_target_changed_in_the_admin_is_recorded_and_moves_progress(admin_client, flood):
    target = Target.objects.create(programme=flood, district_id="1046", year=2026, value=10)
    url = f"/admin/programmes/programme/{flood.pk}/change/"
    page = FormFields()
    page.feed(admin_client.get(url).content.decode())
    data = page.data
    (prefix,) = {k.removesuffix("-TOTAL_FORMS") for k in data if k.endswith("-TOTAL_FORMS")}
    row = next(
        k.removesuffix("-id")
        for k, v in data.items()
        if k.endswith("-id") and v == [str(target.pk)]
    )
    assert row.startswith(prefix)
    data[f"{row}-value"] = ["25"]
    answer = admin_client.post(url, {k: v if len(v) != 1 else v[0] for k, v in data.items()})
    errors = answer.context and [answer.context["adminform"].form.errors] + [
        f.formset.errors for f in answer.context["inline_admin_formsets"]
    ]
    assert answer.status_code == 302, errors
    target.refresh_from_db()
    assert target.value == 25
    event = TargetEvent.objects.get(target=target)
    assert event.kind == TargetEvent.Kind.SET and event.actor.is_superuser
    assert float(event.from_status) == 10 and float(event.to_status) == 25
    assert Progress.objects.filter(programme=flood, district_id="1046").exists()
