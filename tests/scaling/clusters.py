"""A PostgreSQL primary and its streaming replica, started for a test on 127.0.0.1 (ports of
their own, folders in /tmp) and stopped after it. Needs Debian's PostgreSQL server binaries and
the ``postgres`` system user (the test machine's own server is left alone)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> str | None:
    """Why a cluster cannot be started here, or None."""
    if not (BIN / "initdb").exists():
        return "PostgreSQL 15 server binaries are not installed"
    if shutil.which("runuser") is None:
        return "runuser is not available"
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres system user"
    if os.geteuid() != 0:
        return "starting a cluster as the postgres user needs root"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)  # noqa: S603, S607


class Pair:
    """A primary and its replica; ``pause()``/``resume()`` stop and restart the replica's
    replay (a replica that lags behind)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ruam-pg-"))
        shutil.chown(self.root, "postgres", "postgres")
        self.primary_dir, self.replica_dir = self.root / "primary", self.root / "replica"
        self.primary_port, self.replica_port = free_port(), free_port()

    def url(self, port: int, name: str = "ruam") -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{name}"

    def _start(self, folder: Path, port: int) -> None:
        options = f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(folder), "-o", options,
                     "-l", str(self.root / f"{folder.name}.log"), "-w", "start")  # fmt: skip

    def start(self) -> Pair:
        _as_postgres(str(BIN / "initdb"), "-D", str(self.primary_dir), "-A", "trust",
                     "-U", "postgres", "--no-sync")  # fmt: skip
        with (self.primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._start(self.primary_dir, self.primary_port)
        _as_postgres(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.primary_port),
                     "-U", "postgres", "ruam")  # fmt: skip
        _as_postgres(str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port),
                     "-U", "postgres", "-D", str(self.replica_dir), "-R", "-X", "stream",
                     "--checkpoint=fast", "--no-sync")  # fmt: skip
        self._start(self.replica_dir, self.replica_port)
        return self

    def sql(self, port: int, statement: str) -> str:
        import psycopg

        with psycopg.connect(self.url(port), autocommit=True) as db:
            cursor = db.execute(statement)
            row = cursor.fetchone() if cursor.description else None
        return "" if row is None else str(row[0])

    def pause(self) -> None:
        self.sql(self.replica_port, "SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self.sql(self.replica_port, "SELECT pg_wal_replay_resume()")

    def stop(self) -> None:
        for folder in (self.replica_dir, self.primary_dir):
            if (folder / "postmaster.pid").exists():
                subprocess.run(  # noqa: S603
                    ["runuser", "-u", "postgres", "--", str(BIN / "pg_ctl"), "-D", str(folder),  # noqa: S607
                     "-m", "immediate", "stop"], capture_output=True, check=False,
                )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)
