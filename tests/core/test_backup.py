"""Backup and restore: a round trip into a fresh database gives back every table and file;
a damaged archive, or a database that is not empty, is refused and nothing is restored."""

from __future__ import annotations

import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ruam.reports import services
from ruam.reports.models import Channel, ReportPhoto

from ..conftest import jpeg

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(reference, settings, tmp_path):
    """Committed rows (pg_dump sees only what is committed) and an uploaded photo."""
    settings.MEDIA_ROOT = tmp_path / "media"
    services.submit_report(
        description="ทางเท้าชำรุด",
        channel=Channel.WEB,
        lat=13.8596,
        lon=100.7046,
        categories=["ทางเท้า"],
        photos=[jpeg()],
        contact_email="somsri@example.com",
        consent=True,
    )
    assert ReportPhoto.objects.count() == 1
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the same kind as the test database; its URL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"ruam_restore_{uuid.uuid4().hex[:8]}"
    admin = {"host": settings["HOST"], "port": settings["PORT"] or 5432,
             "user": settings["USER"], "dbname": "postgres", "autocommit": True}  # fmt: skip
    with psycopg.connect(**admin) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{settings['USER']}@{settings['HOST']}:{admin['port']}/{name}"
    with psycopg.connect(**admin) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def select_all(table: str) -> str:
    return f'SELECT * FROM "{table}"'  # noqa: S608 - table names read from the catalogue


def rows_of(url: str) -> dict[str, list]:
    """Every row of every table, in a stable order."""
    if url.startswith("sqlite"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(map(repr, db.execute(select_all(n)))) for n in names}
    import psycopg

    with psycopg.connect(url) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {n: sorted(map(repr, db.execute(select_all(n)))) for n in names}


def live_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return ""
    return (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/"
        f"{settings['NAME']}"
    )


def live_rows(tmp_path: Path) -> dict[str, list]:
    """The live test database's rows, read the same raw way as the restored one's."""
    if connection.vendor != "sqlite":
        return rows_of(live_url())
    copy = tmp_path / f"live-{uuid.uuid4().hex[:6]}.sqlite3"  # the test database is in memory
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    connection.connection.backup(target)
    target.close()
    return rows_of(f"sqlite:///{copy}")


def test_a_backup_restores_every_table_and_file(data, fresh_database, tmp_path):
    archive = tmp_path / "ruam.backup"
    call_command("backup", str(archive), verbosity=0)
    restored_media = tmp_path / "restored-media"
    call_command(
        "restore",
        str(archive),
        database_url=fresh_database,
        media_root=str(restored_media),
        verbosity=0,
    )
    before, after = live_rows(tmp_path), rows_of(fresh_database)
    assert set(after) == set(before)
    for table in before:
        assert after[table] == before[table], table
    originals = {p.relative_to(data): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    copies = {
        p.relative_to(restored_media): p.read_bytes()
        for p in restored_media.rglob("*")
        if p.is_file()
    }
    assert copies == originals and len(originals) == 2  # the photo and its thumbnail


def damage(archive: Path, member: str) -> None:
    """Flip a byte in the middle of a member's data."""
    with tarfile.open(archive) as tar:
        info = tar.getmember(member)
    with archive.open("r+b") as handle:
        handle.seek(info.offset_data + info.size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_a_damaged_archive_is_refused_and_nothing_restored(data, fresh_database, tmp_path):
    sound = tmp_path / "ruam.backup"
    call_command("backup", str(sound), verbosity=0)
    db_member = "db.dump" if connection.vendor == "postgresql" else "db.sqlite3"
    with tarfile.open(sound) as tar:
        photo = next(n for n in tar.getnames() if n.startswith("media/"))
    for how in ("flipped database byte", "flipped photo byte", "truncated"):
        archive = tmp_path / f"{how}.backup"
        archive.write_bytes(sound.read_bytes())
        if how == "truncated":
            archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        else:
            damage(archive, db_member if "database" in how else photo)
        with pytest.raises(CommandError, match=r"damaged|lacks|manifest"):
            call_command("restore", str(archive), check=True, verbosity=0)
        restored_media = tmp_path / "restored-media"
        with pytest.raises(CommandError):
            call_command(
                "restore",
                str(archive),
                database_url=fresh_database,
                media_root=str(restored_media),
                verbosity=0,
            )
        assert rows_of(fresh_database) == {} and not restored_media.exists(), how


def test_a_restore_never_goes_over_a_database_in_use(data, tmp_path):
    archive = tmp_path / "ruam.backup"
    call_command("backup", str(archive), verbosity=0)
    before = live_rows(tmp_path)
    target = {"database_url": live_url()} if connection.vendor != "sqlite" else {}
    if connection.vendor == "sqlite":
        # The in-memory test database cannot be named by URL: a file with tables stands for it.
        used = tmp_path / "used.sqlite3"
        sqlite3.connect(used).execute("CREATE TABLE t (x)").connection.commit()
        target = {"database_url": f"sqlite:///{used}"}
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), media_root=str(tmp_path / "m"), verbosity=0, **target)
    assert live_rows(tmp_path) == before


def test_a_backup_never_overwrites_an_archive(data, tmp_path):
    archive = tmp_path / "ruam.backup"
    archive.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(archive), verbosity=0)
    assert archive.read_bytes() == b"keep me"
