"""A worker killed in the middle of a task: the task is run again, and what it had already said
is not said twice (notifications carry keys; each key goes to each address once)."""

import contextlib
import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ruam.bodies.models import Role
from ruam.core.notify import Message, Recipient, deliver
from ruam.reports import services
from ruam.reports.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes old connections as it goes; the test's transaction lives on that
    # connection (PostgreSQL): keep it, as Django's test client does for requests.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def test_a_keyed_message_goes_to_each_address_once():
    somsri = Recipient("สมศรี", "somsri@example.com")
    message = Message("เรื่อง", "ข้อความ", key="report-event:1")
    assert deliver([somsri], message) == 1
    assert deliver([somsri, Recipient("สมชาย", "somchai@example.com")], message) == 1
    assert [m.to for m in mail.outbox] == [["somsri@example.com"], ["somchai@example.com"]]
    assert deliver([somsri], Message("เรื่อง", "ไม่มีคีย์")) == 1  # no key: no ledger


@pytest.mark.parametrize("told_before_dying", [True, False])
def test_a_task_whose_worker_died_runs_again_and_tells_once(
    database_queue, seat, make_user, told_before_dying
):
    seat("division-1046-works", Role.OFFICIAL, make_user(email="works@example.com"))
    report = services.submit_report(
        description="ไฟดับทั้งซอย",
        channel=Channel.WEB,
        lat=13.8596,
        lon=100.7046,
        categories=["แสงสว่าง"],
    ).report
    task = DBTaskResult.objects.get(task_path="ruam.reports.tasks.after_intake")
    if told_before_dying:  # the killed worker had told the division already
        from ruam.reports.tasks import _tell_body

        _tell_body(report, [report.responsible_id], "เรื่องใหม่", "New report",
                   key=f"report-new:{report.code}")  # fmt: skip
    # ... and died: the task stays "running", started long ago.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=1),
        worker_ids=["killed"],
    )
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.RUNNING  # not yet
    call_command("requeue_stalled", verbosity=0)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL
    assert [m.to for m in mail.outbox] == [["works@example.com"]]  # once, either way


def test_a_task_still_within_its_time_is_left_to_its_worker(database_queue):
    services.submit_report(description="ไฟดับ", channel=Channel.WEB, lat=13.8596, lon=100.7046)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    call_command("requeue_stalled", verbosity=0)
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING


@pytest.fixture
def mail_server_down(monkeypatch):
    """While in it, every e-mail fails as with a mail server that is down."""
    from ruam.core import notify

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    @contextlib.contextmanager
    def down():
        with monkeypatch.context() as patch:
            patch.setattr(notify, "send_mail", refused)
            yield

    return down


def test_a_message_that_failed_to_go_may_go_on_a_retry(mail_server_down):
    somsri = Recipient("สมศรี", "somsri@example.com")
    message = Message("เรื่อง", "ข้อความ", key="report-event:9")

    with mail_server_down():
        assert deliver([somsri], message) == 0
    assert deliver([somsri], message) == 1 and len(mail.outbox) == 1


def test_a_sending_that_failed_is_tried_again_later_and_goes_once(database_queue, mail_server_down):
    from ruam.core import notify

    somsri = Recipient("สมศรี", "somsri@example.com")
    message = Message("เรื่องใหม่", "ข้อความ", key="report-new:RETRY001")

    with mail_server_down():
        assert deliver([somsri], message) == 0
    retry = DBTaskResult.objects.get(task_path="ruam.core.notify.resend")
    wait = (retry.run_after - timezone.now()).total_seconds()
    assert retry.status == TaskResultStatus.READY and 50 < wait <= notify.RESEND_AFTER[0]
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert mail.outbox == []  # not before its time
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.SUCCESSFUL
    assert [m.to for m in mail.outbox] == [["somsri@example.com"]]
    assert deliver([somsri], message) == 0  # the original task run again: already sent


def test_after_the_last_try_a_failed_sending_stays_in_the_log(database_queue, monkeypatch, caplog):
    from ruam.core import notify

    monkeypatch.setattr(notify, "send_mail", lambda *a, **k: 1 / 0)
    message = Message("เรื่องใหม่", "ข้อความ", key="report-new:RETRY002")
    tries = len(notify.RESEND_AFTER)
    assert deliver([Recipient("สมศรี", "somsri@example.com")], message, tries=tries) == 0
    assert not DBTaskResult.objects.filter(task_path="ruam.core.notify.resend").exists()
    assert "given up after 5 tries" in caplog.text


class Killed(BaseException):
    """The worker's process ending in the middle of sending: no ``except Exception`` sees it,
    and the database rolls back what its connection had not committed."""


def test_a_worker_killed_while_sending_leaves_the_message_to_its_retry(monkeypatch):
    from ruam.core import notify

    somsri = Recipient("สมศรี", "somsri@example.com")
    message = Message("เรื่องใหม่", "ข้อความ", key="report-new:ABCD1234")

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(notify, "send_mail", killed)
        with pytest.raises(Killed):
            deliver([somsri], message)
    assert deliver([somsri], message) == 1  # the retry sends it: not lost
    assert deliver([somsri], message) == 0  # and then never again
    assert [m.to for m in mail.outbox] == [["somsri@example.com"]]


KILLED_WHILE_SENDING = """
import os, sys, time
import django
django.setup()
from ruam.core import notify
def slow(*args, **kwargs):
    open(sys.argv[1], "w").close()  # sending now
    time.sleep(60)
notify.send_mail = slow
notify.deliver([notify.Recipient("สมศรี", "somsri@example.com")],
               notify.Message("เรื่องใหม่", "ข้อความ", key="report-new:KILL0001"))
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_killed_while_sending_loses_nothing(tmp_path):
    """A real process, killed with SIGKILL in the middle of sending, on PostgreSQL."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from urllib.parse import quote

    from django.db import connection

    from ruam.core.models import SentNotice

    if connection.vendor != "postgresql":
        pytest.skip("another process shares the test database only on PostgreSQL")
    db = connection.settings_dict
    login = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    url = f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    sending = tmp_path / "sending"
    worker = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", KILLED_WHILE_SENDING, str(sending)],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "ruam.settings"},
    )
    try:
        for _ in range(600):
            if sending.exists() or worker.poll() is not None:
                break
            time.sleep(0.05)
        assert sending.exists(), "the worker never started sending"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    message = Message("เรื่องใหม่", "ข้อความ", key="report-new:KILL0001")
    assert deliver([Recipient("สมศรี", "somsri@example.com")], message) == 1
    assert [m.to for m in mail.outbox] == [["somsri@example.com"]]
    assert SentNotice.objects.filter(key__startswith="report-new:KILL0001").count() == 1


def test_a_mail_server_that_stops_answering_fails_the_sending_within_its_time(settings):
    """EMAIL_TIMEOUT: the worker is not held (with the ledger's transaction open) by a mail
    server that takes the connection and never answers; nothing is recorded as sent."""
    import socket
    import time

    from ruam import settings as shipped
    from ruam.core.models import SentNotice

    assert 0 < shipped.EMAIL_TIMEOUT <= 60  # Django's default is to wait for ever
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_TIMEOUT = 1
    try:
        started = time.monotonic()
        message = Message("เรื่อง", "ข้อความ", key="report-new:SILENT01")
        assert deliver([Recipient("สมศรี", "somsri@example.com")], message) == 0
        assert time.monotonic() - started < 10
    finally:
        silent.close()
    assert not SentNotice.objects.filter(key__startswith="report-new:SILENT01").exists()


def test_older_than_zero_means_every_running_task(database_queue):
    """After the one worker was killed, a drill makes all its tasks ready at once."""
    services.submit_report(description="ไฟดับ", channel=Channel.WEB, lat=13.8596, lon=100.7046)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    call_command("requeue_stalled", older_than=0, verbosity=0)
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_a_worker_waits_out_a_database_restart_and_runs_the_interrupted_task_again(
    settings, reference, seat, make_user, monkeypatch
):
    """PostgreSQL restarted while a task was finishing: the worker does not stop; it waits
    for the database, puts the task back and runs it again, telling the division once."""
    from django.db import OperationalError, connections

    from ruam.core.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seat("division-1046-works", Role.OFFICIAL, make_user(email="works@example.com"))
    services.submit_report(
        description="ไฟดับทั้งซอย", channel=Channel.WEB, lat=13.8596, lon=100.7046,
        categories=["แสงสว่าง"],
    )  # fmt: skip
    task = DBTaskResult.objects.get(task_path="ruam.reports.tasks.after_intake")
    # The task's work is done, then its "successful" cannot be written: the server is gone,
    # nothing reaches it (the library tries thrice to record the failure), and it answers
    # again on the sixth try.
    finish = DBTaskResult.set_successful
    down = {"now": False, "tries_left": 5}

    def set_successful(self, value):
        if not down["now"] and down["tries_left"]:
            down["now"] = True
        if down["now"]:
            raise OperationalError("terminating connection due to administrator command")
        return finish(self, value)

    default = connections["default"]
    connect = type(default).ensure_connection

    def ensure_connection(self):
        if self is default and down["now"]:
            down["tries_left"] -= 1
            down["now"] = down["tries_left"] > 0
            raise OperationalError("the database system is starting up")
        return connect(self)

    waits = []
    monkeypatch.setattr(DBTaskResult, "set_successful", set_successful)
    monkeypatch.setattr(type(default), "ensure_connection", ensure_connection)
    monkeypatch.setattr(db_worker, "time", SimpleNamespace(sleep=waits.append))
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert waits == [0.5, 1.0]  # tried again, waiting longer each time
    done = DBTaskResult.objects.get(pk=task.pk)
    assert done.status == TaskResultStatus.SUCCESSFUL and len(done.worker_ids) == 2  # ran twice
    assert [m.to for m in mail.outbox] == [["works@example.com"]]  # told once
