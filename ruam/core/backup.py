"""Backing Ruam up and restoring it: the database and the uploaded files, in one archive.

An archive is a tar file holding ``manifest.json``, the database (PostgreSQL: ``pg_dump``'s custom
format, ``db.dump``; SQLite: a copy made with SQLite's online backup API, ``db.sqlite3``) and the
uploads under ``media/``. The manifest lists every other member with its size and SHA-256, the
row count of every table and the migrations applied, so a restore can tell a damaged or
incomplete archive before it touches anything.

A restore goes only into an empty database (no tables) and an empty media folder: it never
merges into, or overwrites, a live installation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Thai and English."""


@dataclass(frozen=True)
class Database:
    """Where a database is: its vendor and connection settings (Django's settings_dict)."""

    vendor: str
    settings: dict

    @classmethod
    def default(cls) -> Database:
        return cls(connection.vendor, dict(connection.settings_dict))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _pg_args(settings: dict) -> tuple[list[str], dict]:
    args = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict | None = None) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"ไม่พบโปรแกรม {command[0]} (ติดตั้ง postgresql-client) / "
            f"{command[0]} is not installed (postgresql-client)"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]}: {done.stderr.strip()[-2000:]}")


def _sqlite_path(settings: dict) -> str:
    return str(settings["NAME"])


def table_counts() -> dict[str, int]:
    """Rows in every table of the default database (what a manifest records)."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def _media_files(media_root: Path) -> Iterator[Path]:
    if media_root.is_dir():
        for path in sorted(media_root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def backup(path: Path, *, media_root: Path | None, database: Database | None = None) -> dict:
    """Write the archive to ``path`` (refusing to overwrite one); returns its manifest."""
    database = database or Database.default()
    path = Path(path)
    if path.exists():
        raise BackupError(f"มีไฟล์ {path} อยู่แล้ว / {path} exists already: choose a new name")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if database.vendor == "postgresql":
            dump = work / "db.dump"
            args, env = _pg_args(database.settings)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  "--file", str(dump), *args], env)  # fmt: skip
        elif database.vendor == "sqlite":
            dump = work / "db.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            raise BackupError(f"database {database.vendor} is not supported")
        members = {dump.name: dump}
        for file in _media_files(media_root) if media_root else ():
            members[f"media/{file.relative_to(media_root).as_posix()}"] = file
        manifest = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "database": database.vendor,
            "tables": table_counts(),
            "migrations": sorted(
                f"{app}.{name}"
                for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
            ),
            "files": {
                name: {"size": file.stat().st_size, "sha256": sha256_file(file)}
                for name, file in members.items()
            },
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            for name, file in members.items():
                archive.add(file, arcname=name, recursive=False)
        partial.replace(path)  # a backup interrupted half-way never looks finished
    return manifest


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError, TypeError):
        raise BackupError(
            "ไม่พบรายการไฟล์ (manifest) ที่อ่านได้ในไฟล์สำรอง / the archive has no readable manifest"
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    return manifest


def verify(path: Path) -> dict:
    """Check every member against the manifest (present, same size, same SHA-256, nothing
    else); returns the manifest, or raises ``BackupError`` saying what is wrong."""
    try:
        with tarfile.open(path, "r") as archive:
            manifest = read_manifest(archive)
            seen = set()
            for member in archive.getmembers():
                if member.name == MANIFEST:
                    continue
                expected = manifest["files"].get(member.name)
                if expected is None or not member.isfile():
                    raise BackupError(f"unexpected member in the archive: {member.name}")
                digest = hashlib.sha256()
                handle = archive.extractfile(member)
                while block := handle.read(CHUNK):
                    digest.update(block)
                if member.size != expected["size"] or digest.hexdigest() != expected["sha256"]:
                    raise BackupError(
                        f"ไฟล์ {member.name} ในไฟล์สำรองเสียหาย / {member.name} is damaged "
                        "(its checksum does not match the manifest)"
                    )
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"ไฟล์สำรองเสียหายหรือไม่ครบ / the archive is damaged: {exc}") from None
    missing = set(manifest["files"]) - seen
    if missing:
        raise BackupError(f"ไฟล์สำรองไม่ครบ / the archive lacks: {', '.join(sorted(missing))}")
    return manifest


def _database_is_empty(database: Database) -> bool:
    if database.vendor == "sqlite":
        path = Path(_sqlite_path(database.settings))
        if not path.exists():
            return True
        with sqlite3.connect(path) as db:
            return not db.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone()
    import psycopg

    args = {
        "dbname": database.settings["NAME"],
        "host": database.settings.get("HOST") or None,
        "port": database.settings.get("PORT") or None,
        "user": database.settings.get("USER") or None,
        "password": database.settings.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in args.items() if v}) as db:
        found = db.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    return found == 0


def restore(path: Path, *, database: Database, media_root: Path | None) -> dict:
    """Restore an archive into an empty database and an empty media folder."""
    manifest = verify(path)
    if manifest["database"] != database.vendor:
        raise BackupError(
            f"ไฟล์สำรองมาจาก {manifest['database']} แต่ปลายทางเป็น {database.vendor} / "
            f"the archive is of a {manifest['database']} database, the target is {database.vendor}"
        )
    if not _database_is_empty(database):
        raise BackupError(
            "ฐานข้อมูลปลายทางไม่ว่าง การกู้คืนทำได้เฉพาะฐานข้อมูลเปล่า / "
            "the target database is not empty: restore only into an empty one"
        )
    if media_root and media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"โฟลเดอร์ {media_root} ไม่ว่าง / the media folder {media_root} is not empty"
        )
    with tempfile.TemporaryDirectory() as folder, tarfile.open(path, "r") as archive:
        work = Path(folder)
        archive.extractall(work, filter="data")
        if database.vendor == "postgresql":
            args, env = _pg_args(database.settings)
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                  *args, str(work / "db.dump")], env)  # fmt: skip
        else:
            target = Path(_sqlite_path(database.settings))
            target.parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(work / "db.sqlite3") as source, sqlite3.connect(target) as dest:
                source.backup(dest)
        if media_root and (work / "media").is_dir():
            shutil.copytree(work / "media", media_root, dirs_exist_ok=True)
    return manifest


def database_from_url(url: str) -> Database:
    import dj_database_url

    settings: dict[str, Any] = dj_database_url.parse(url)
    vendor = "postgresql" if "postgresql" in settings["ENGINE"] else "sqlite"
    return Database(vendor, settings)
