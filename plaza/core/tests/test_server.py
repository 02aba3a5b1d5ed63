"""Health check, deploy checks, the plaza command and the demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from plaza.accounts.models import User
from plaza.spaces.demo import DEMO_PEOPLE, seed_demo
from plaza.spaces.models import Membership, Space

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_database_failure(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def _plaza(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plaza.cli", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """`plaza check --deploy` reports nothing with the documented production settings."""
    result = _plaza(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "PLAZA_DATA_DIR": str(tmp_path),
            "DEBUG": "off",
            "PLAZA_HTTPS": "on",
            "SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-key-0123456789",
            "ALLOWED_HOSTS": "plaza.example.com",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"PLAZA_DATA_DIR": str(tmp_path), "SECRET_KEY": ""}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _plaza("shell", "--no-imports", "-c", code, env=env)
    second = _plaza("shell", "--no-imports", "-c", code, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() and first.stdout == second.stdout
    assert (tmp_path / "secret_key").read_text().strip() == first.stdout.strip()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_bad_signup_setting_is_refused(tmp_path):
    result = _plaza("check", env={"PLAZA_DATA_DIR": str(tmp_path), "PLAZA_SIGNUP": "sometimes"})
    assert result.returncode != 0
    assert "PLAZA_SIGNUP" in result.stderr


@pytest.mark.django_db
def test_demo_data_loads_once_into_an_empty_database():
    assert seed_demo() is True
    spaces = {s.slug: s for s in Space.objects.all()}
    assert set(spaces) == {"wine-association", "member-companies", "wine-lovers"}
    assert spaces["wine-association"].visibility == "private"
    assert (spaces["member-companies"].visibility, spaces["member-companies"].join_policy) == ("listed", "invite")
    assert (spaces["wine-lovers"].visibility, spaces["wine-lovers"].join_policy) == ("public", "open")
    assert spaces["member-companies"].parent == spaces["wine-association"]
    assert User.objects.count() == len(DEMO_PEOPLE)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"owner", "admin", "member", "guest"}
    # Loading again changes nothing.
    counts = (User.objects.count(), Membership.objects.count())
    assert seed_demo() is False
    assert (User.objects.count(), Membership.objects.count()) == counts
