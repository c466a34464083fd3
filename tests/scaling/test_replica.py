"""The replica path against a real PostgreSQL streaming replica started on 127.0.0.1: public
pages read from the replica, everything else and every write from the primary, and a person
who just wrote reads from the primary while the replica lags behind."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import unavailable
from .clusters import Pair, available

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pair():
    if reason := available():
        unavailable(reason)
    started = Pair().start()
    yield started
    started.stop()


def ruam(pair: Pair, *args: str, replica: bool = False) -> str:
    env = dict(
        os.environ,
        DATABASE_URL=pair.url(pair.primary_port),
        RUAM_FORM_MIN_SECONDS="0",
        ALLOWED_HOSTS="testserver",
        # The replica's lag is what is looked at, not the page cache's seconds.
        RUAM_PAGE_CACHE_SECONDS="0",
    )
    env.pop("DATABASE_REPLICA_URL", None)
    if replica:
        env["DATABASE_REPLICA_URL"] = pair.url(pair.replica_port)
    done = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_pages_read_from_the_replica_and_writers_read_their_writes(pair):
    ruam(pair, "-m", "ruam", "migrate", "-v0")
    ruam(pair, "-m", "ruam", "load-reference", "-v0")
    seen = json.loads(ruam(pair, "tests/scaling/replica_scenario.py", replica=True))
    district = seen["district_page"]
    assert district["status"] == 200 and district["replica"] > 0
    assert district["primary"] == 0 and district["replica_writes"] == []
    form = seen["report_form"]  # not a page that reads from the replica
    assert form["status"] == 200 and form["replica"] == 0
    assert seen["posted"] == 302 and seen["sticky_cookie"]
    assert seen["writer_sees_it"] and seen["writer_read_replica"] == 0
    assert not seen["stranger_sees_it_while_behind"]  # the replica really lagged
    assert seen["stranger_sees_it_after_replay"]
