"""`plaza backup` and `plaza restore`, end to end through the command: a data directory with
the demo data and uploaded files is backed up, restored into a fresh database and data
directory, and every table's row count and every file's checksum are compared (read here
directly from both databases and both folders, not from the archive's manifest)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

needs_embedded = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="embedded profile (SQLite) only; the PostgreSQL round trip is below"
)
needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PRODUCTION PROFILE ONLY: set DATABASE_URL=postgres://... to run the PostgreSQL round trip",
)

SEED = (
    "from plaza.spaces.demo import seed_demo; seed_demo(); "
    "from django.conf import settings; "
    "d = settings.MEDIA_ROOT / '文件 夹'; d.mkdir(parents=True, exist_ok=True); "
    "(d / '说明.txt').write_text('你好, Plaza'); (d / 'empty.bin').write_bytes(b'')"
)


def plaza(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "plaza.cli", *args], env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, f"plaza {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def env_for(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(PLAZA_DATA_DIR=str(data_dir), SECRET_KEY="backup-test", PLAZA_EMBEDDED_WORKER="off")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def checksums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }


def sqlite_rows(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def round_trip(tmp_path: Path, source_url: str = "", target_url: str = "") -> tuple[Path, Path]:
    source, target, archive = tmp_path / "source", tmp_path / "target", tmp_path / "plaza-backup.tar.gz"
    plaza(env_for(source, source_url), "migrate", "-v", "0")
    plaza(env_for(source, source_url), "shell", "-c", SEED)
    out = plaza(env_for(source, source_url), "backup", str(archive)).stdout
    assert "Backed up" in out and archive.exists()
    out = plaza(env_for(target, target_url), "restore", str(archive)).stdout
    assert "every row count and file checksum matches" in out
    # A second restore over data is refused unless forced.
    refused = plaza(env_for(target, target_url), "restore", str(archive), check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    plaza(env_for(target, target_url), "restore", "--force", str(archive))
    return source, target


def assert_same_files(source: Path, target: Path) -> None:
    before, after = checksums(source / "media"), checksums(target / "media")
    assert len(before) >= 3 and "文件 夹/说明.txt" in before
    assert after == before


@needs_embedded
def test_sqlite_round_trip_keeps_every_row_and_file(tmp_path):
    source, target = round_trip(tmp_path)
    before, after = sqlite_rows(source / "plaza.sqlite3"), sqlite_rows(target / "plaza.sqlite3")
    assert len(before) > 50 and before["accounts_user"] > 0 and before["feed_post"] > 0
    assert after == before
    assert_same_files(source, target)


def _pg(dbname: str = "postgres") -> tuple[object, str]:
    import psycopg

    db = connection.settings_dict
    host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"] or "postgres"
    params = {"host": host, "port": port, "user": user, "dbname": dbname, "autocommit": True}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    url = f"postgres://{user}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}@{host}:{port}/"
    return psycopg.connect(**params), url


def pg_rows(dbname: str) -> dict[str, int]:
    con, _url = _pg(dbname)
    with con:
        tables = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@needs_postgres
@pytest.mark.django_db
def test_postgresql_round_trip_into_a_fresh_database(tmp_path):
    base = connection.settings_dict["NAME"]
    names = [f"{base}_bk_source", f"{base}_bk_target"]
    admin, url = _pg()
    with admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    try:
        source, target = round_trip(tmp_path, url + names[0], url + names[1])
        before, after = pg_rows(names[0]), pg_rows(names[1])
        assert len(before) > 50 and before["accounts_user"] > 0 and before["feed_post"] > 0
        assert after == before
        assert_same_files(source, target)
    finally:
        admin, _url = _pg()
        with admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
