"""``plaza backup`` and ``plaza restore``: the database and the uploaded files in one archive.

The archive is a gzipped tar holding ``manifest.json`` (the database vendor, the row count of
every table and the SHA-256 of every file), ``database/`` and ``media/``:

- SQLite: a copy made with SQLite's online backup API in one step, so it is one consistent
  snapshot even while Plaza serves; the row counts are read from that copy.
- PostgreSQL: ``pg_dump -Fc`` run on a snapshot exported by a repeatable-read transaction
  that also counts the rows, so counts and dump are the same moment.

The files are copied after the database snapshot: every row in the snapshot has its file on
disk already (uploads are stored before their rows commit); a file deleted in between is
missing from the archive, which the restore's check reports.

A restore refuses a database or media folder that holds data, unless ``force`` is given; it
then checks every table's row count and every file's checksum against the manifest.
"""

from __future__ import annotations

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
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
SQLITE_NAME = "database/plaza.sqlite3"
PG_NAME = "database/plaza.pgdump"


class BackupError(Exception):
    pass


# --- the database ---------------------------------------------------------------------


def vendor() -> str:
    return connections["default"].vendor


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def sqlite_counts(path: Path) -> dict[str, int]:
    """Rows of every table of the SQLite file at ``path`` (its own connection, read-only)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}
    finally:
        con.close()


def _pg_params() -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        "dbname": str(db["NAME"]),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
    }


def _pg_env_args(params: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ)
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    args = []
    for flag, key in (("-h", "host"), ("-p", "port"), ("-U", "user")):
        if params[key]:
            args += [flag, params[key]]
    return env, args


def pg_counts(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    names = [r[0] for r in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f'SELECT COUNT(*) FROM "public"."{name}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def _pg_connect(params: dict[str, str]) -> Any:
    import psycopg

    given: dict[str, Any] = {k: v for k, v in params.items() if v}
    return psycopg.connect(**given)


def _dump_postgresql(target: Path) -> dict[str, int]:
    params = _pg_params()
    env, args = _pg_env_args(params)
    with _pg_connect(params) as con:
        con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cur = con.cursor()
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        counts = pg_counts(cur)
        # pg_dump reads the very snapshot the counts were taken in, while this transaction is open.
        done = subprocess.run(
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "-f",
                str(target),
                *args,
                params["dbname"],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        con.rollback()
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    source = sqlite3.connect(f"file:{_sqlite_path()}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent snapshot
    finally:
        copy.close()
        source.close()
    return sqlite_counts(target)


# --- the files ------------------------------------------------------------------------


def media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing(io.RawIOBase):
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.digest.update(data)
        return data


# --- backup and restore ---------------------------------------------------------------


def backup(path: str | Path) -> dict[str, Any]:
    """Write the archive to ``path``; returns its manifest."""
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="plaza-backup-") as tmp:
        if vendor() == "sqlite":
            db_name, db_file = SQLITE_NAME, Path(tmp) / "plaza.sqlite3"
            counts = _dump_sqlite(db_file)
        elif vendor() == "postgresql":
            db_name, db_file = PG_NAME, Path(tmp) / "plaza.pgdump"
            counts = _dump_postgresql(db_file)
        else:
            raise BackupError(f"cannot back up a {vendor()} database")
        files: dict[str, str] = {}
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(db_file, arcname=db_name)
            for file in media_files(media_root):
                rel = file.relative_to(media_root).as_posix()
                with open(file, "rb") as f:
                    info = tar.gettarinfo(arcname=f"media/{rel}", fileobj=f)
                    reader = _Hashing(f)
                    tar.addfile(info, reader)
                    files[rel] = reader.digest.hexdigest()
            manifest = {
                "format": FORMAT,
                "vendor": vendor(),
                "created": timezone.now().isoformat(),
                "database": db_name,
                "tables": counts,
                "files": files,
            }
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        partial.replace(path)
    return manifest


def _has_data() -> bool:
    with connections["default"].cursor() as cursor:
        tables = connections["default"].introspection.table_names(cursor)
        if "accounts_user" not in tables:
            return False
        cursor.execute("SELECT COUNT(*) FROM accounts_user")
        return bool(cursor.fetchone()[0] > 0)


@contextmanager
def _archive(path: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    with tarfile.open(path, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("not a Plaza backup: no manifest.json")
        manifest = json.loads(member.read())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        yield tar, manifest


# Python 3.11.4+ refuses unsafe archive members itself (``filter="data"``); older 3.11
# releases (Debian 12 ships 3.11.2) have no such argument, so each member is also checked
# here: a regular file with a relative name that stays inside the target folder.
_DATA_FILTER: dict[str, Any] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}


def _safe_member(tar: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    member = tar.getmember(name)
    parts = Path(member.name).parts
    if not member.isfile() or Path(member.name).is_absolute() or ".." in parts:
        raise BackupError(f"unsafe entry in the backup: {member.name!r}")
    return member


def restore(path: str | Path, *, force: bool = False) -> dict[str, Any]:
    """Replace the database and the uploaded files with the archive's, then check them.

    Stop Plaza's servers and workers first. Without ``force`` a database with people in it
    or a media folder with files is refused.
    """
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    with _archive(path) as (tar, manifest):
        if manifest["vendor"] != vendor():
            raise BackupError(f"this backup is of a {manifest['vendor']} database; this server uses {vendor()}")
        if not force and (_has_data() or any(True for _ in media_files(media_root))):
            raise BackupError("the database or the media folder already holds data; restore with --force to replace them")
        with tempfile.TemporaryDirectory(prefix="plaza-restore-") as tmp:
            tar.extract(_safe_member(tar, manifest["database"]), tmp, **_DATA_FILTER)
            db_file = Path(tmp) / manifest["database"]
            connections.close_all()
            if vendor() == "sqlite":
                _restore_sqlite(db_file)
            else:
                _restore_postgresql(db_file)
            staged = Path(tmp) / "files"
            members = [_safe_member(tar, m.name) for m in tar.getmembers() if m.name.startswith("media/") and m.isfile()]
            tar.extractall(staged, members=members, **_DATA_FILTER)
            if media_root.exists():
                shutil.rmtree(media_root)
            media_root.parent.mkdir(parents=True, exist_ok=True)
            if (staged / "media").exists():
                shutil.move(str(staged / "media"), str(media_root))
            else:
                media_root.mkdir()
    problems = check(manifest)
    if problems:
        raise BackupError("the restored data differ from the backup: " + "; ".join(problems[:10]))
    return manifest


def _restore_sqlite(db_file: Path) -> None:
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    dest = sqlite3.connect(target, timeout=30)
    try:
        source.backup(dest)  # replaces every page of the target, WAL included
    finally:
        dest.close()
        source.close()


def _restore_postgresql(db_file: Path) -> None:
    params = _pg_params()
    env, args = _pg_env_args(params)
    done = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            params["dbname"],
            *args,
            str(db_file),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def current_counts() -> dict[str, int]:
    if vendor() == "sqlite":
        return sqlite_counts(_sqlite_path())
    with _pg_connect(_pg_params()) as con:
        return pg_counts(con.cursor())


def check(manifest: dict[str, Any]) -> list[str]:
    """Differences between the live database and media folder and ``manifest``."""
    problems = []
    counts = current_counts()
    for table, rows in manifest["tables"].items():
        if counts.get(table) != rows:
            problems.append(f"table {table}: {counts.get(table)} rows, expected {rows}")
    media_root = Path(settings.MEDIA_ROOT)
    for rel, digest in manifest["files"].items():
        file = media_root / rel
        if not file.is_file() or sha256_of(file) != digest:
            problems.append(f"file {rel} is missing or changed")
    return problems
