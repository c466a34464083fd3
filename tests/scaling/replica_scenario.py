"""Run by tests/scaling/test_replica.py in a process of its own, with DATABASE_URL (the primary)
and DATABASE_REPLICA_URL (its replica) set: what reads where, and read after write while the
replica is behind. Prints the observations as JSON."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruam.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def counted(client: Client, url: str) -> dict:
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(url)
    return {
        "status": response.status_code,
        "replica": len(on_replica),
        "primary": len(on_primary),
        "replica_writes": [
            q["sql"][:60] for q in on_replica if not q["sql"].lstrip().upper().startswith("SELECT")
        ],
        "body": response.content.decode(),
    }


def replay(paused: bool) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{'pause' if paused else 'resume'}()")


out: dict = {}
page = counted(Client(), "/districts/1046/")
out["district_page"] = {k: v for k, v in page.items() if k != "body"}
out["report_form"] = {k: v for k, v in counted(Client(), "/reports/new/").items() if k != "body"}

resident = get_user_model().objects.create_user("replica-resident", password="pw-12345!x")
writer, stranger = Client(), Client()
writer.force_login(resident)
replay(paused=True)
posted = writer.post(
    "/districts/1046/issues/new/",
    {"title": "ทางเท้าพังหน้าตลาดมีนบุรี", "description": "กระเบื้องหลุด", "kind": "problem"},
)
out["posted"] = posted.status_code
out["sticky_cookie"] = "ruam_primary" in posted.cookies
title = "ทางเท้าพังหน้าตลาดมีนบุรี"
mine = counted(writer, "/districts/1046/issues/")
theirs = counted(stranger, "/districts/1046/issues/")
out["writer_sees_it"], out["writer_read_replica"] = title in mine["body"], mine["replica"]
out["stranger_sees_it_while_behind"] = title in theirs["body"]
replay(paused=False)
for _ in range(50):
    if title in counted(stranger, "/districts/1046/issues/")["body"]:
        out["stranger_sees_it_after_replay"] = True
        break
    import time

    time.sleep(0.1)
else:
    out["stranger_sees_it_after_replay"] = False
json.dump(out, sys.stdout)
