"""The work queue on Redis (django-tasks' RQ backend) against the local Redis server: a report's
after-intake work is queued only once its transaction commits, and an RQ worker runs it."""

import os
import signal

import pytest
from django.core import mail

from ..conftest import unavailable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rq_queue(settings):
    try:
        import django_tasks_rq  # noqa: F401
        import redis
    except ImportError:
        unavailable("django-tasks-rq is not installed")
    url = os.environ.get("RUAM_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        unavailable(f"no Redis server at {url}")
    url = url.rsplit("/", 1)[0] + "/15"  # a database of its own, emptied before and after
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    # The tasks are declared on the "default" queue: here it is RQ's, on Redis.
    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]
    yield "default"
    connection.flushdb()


def test_intake_queues_its_work_on_redis_after_the_commit(rq_queue, reference, seat, make_user):
    import django_rq
    from django.db import transaction

    from ruam.bodies.models import Role
    from ruam.reports import services
    from ruam.reports.models import Channel
    from ruam.search.models import SearchEntry

    seat("division-1046-works", Role.OFFICIAL, make_user(email="works@example.com"))
    queue = django_rq.get_queue(rq_queue)
    with transaction.atomic():
        made = services.submit_report(
            description="ท่อระบายน้ำอุดตัน น้ำท่วมขัง",
            channel=Channel.WEB,
            lat=13.8596,
            lon=100.7046,
            categories=["ท่อระบายน้ำ"],
        ).report
        assert queue.count == 0  # nothing announced before the commit
    assert queue.count == 1
    assert not SearchEntry.objects.filter(object_id=made.pk).exists()
    # Workers run with the job class of django-tasks-rq, as `ruam rqworker --job-class` does;
    # in this process (SimpleWorker), so that it shares the test's database.
    from rq import SimpleWorker

    worker = django_rq.get_worker(
        rq_queue, job_class="django_tasks_rq.Job", worker_class=SimpleWorker
    )
    # RQ's worker takes over SIGINT and SIGTERM for its warm shutdown and leaves its handlers
    # behind; processes forked later by this one (a pool's workers) would ignore SIGTERM.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker.work(burst=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert queue.count == 0
    assert SearchEntry.objects.filter(object_id=made.pk).exists()  # indexed by the worker
    assert [m.to for m in mail.outbox] == [["works@example.com"]]  # the division, once
