"""Workers as separate processes: several share the queue and none runs a task twice;
`plaza serve` in the embedded profile runs tasks by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from plaza.core.tests.probe_tasks import record_run
from plaza.notifications.tests.test_distributed import free_port, needs_production, wait_http

ROOT = Path(__file__).resolve().parents[3]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PLAZA_DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": settings.SECRET_KEY, **extra}


@needs_production
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_queue_and_run_each_task_once(tmp_path):
    runs = tmp_path / "runs.txt"
    db = connection.settings_dict
    env = _env(tmp_path, DATABASE_URL=f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
    logs = [tmp_path / f"worker{i}.log" for i in (1, 2)]
    workers = [
        subprocess.Popen([sys.executable, "-m", "plaza.cli", "worker"], cwd=ROOT, env=env,
                         stdout=open(log, "w"), stderr=subprocess.STDOUT)
        for log in logs
    ]
    try:
        # Both workers are polling before the tasks arrive, and each task works 20 ms, so the
        # first one cannot drain all 200 before the other's next poll (a quiet machine did).
        started = time.monotonic() + 180  # a loaded 2-core machine took over 60 s to start both
        while time.monotonic() < started and not all("Plaza worker started." in log.read_text() for log in logs):
            time.sleep(0.1)
        assert all("Plaza worker started." in log.read_text() for log in logs), [log.read_text()[-500:] for log in logs]
        for number in range(200):
            record_run.enqueue(str(runs), number, 0.02)
        deadline = time.monotonic() + 120
        # Until none is waiting or running: a task still running at a fixed pause was cut short.
        while time.monotonic() < deadline and DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            time.sleep(0.3)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=10)
    counts = Counter(runs.read_text().split())
    assert len(counts) == 200, "every task ran"
    assert max(counts.values()) == 1, "no task ran twice"
    ids_per_worker = Counter(r.worker_ids[0] for r in DBTaskResult.objects.filter(status="SUCCESSFUL"))
    assert len(ids_per_worker) == 2 and min(ids_per_worker.values()) > 0, f"both workers took tasks: {ids_per_worker}"


def test_embedded_serve_runs_background_tasks_itself(tmp_path):
    """One `plaza serve` on SQLite with no worker process: an invitation email still goes out."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = _env(tmp_path, EMAIL_URL=f"filemail://{mail_dir}", PLAZA_RATE_LIMITS="off")
    for name in ("DATABASE_URL", "REDIS_URL", "PLAZA_EMBEDDED_WORKER"):
        env.pop(name, None)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "plaza.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=open(tmp_path / "serve.log", "w"), stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz")

        def post(path: str, body: dict, token: str | None = None) -> dict:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            request = urllib.request.Request(f"{base}/api/v1/{path}", data=json.dumps(body).encode(), headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())

        token = post("auth/signup", {"email": "owner@example.com", "password": "a-long-enough-pass-42", "name": "Owner"})["token"]
        post("spaces", {"name": "Embedded", "slug": "embedded", "visibility": "private", "join_policy": "invite"}, token)
        post("spaces/embedded/invitations", {"email": "friend@example.com", "role": "member"}, token)
        def mails() -> list[str]:
            return [p.read_text() for p in mail_dir.iterdir()]

        # The backend writes each message into its file: wait until one is complete, not
        # merely created, then a little longer in case a duplicate follows.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("friend@example.com" in m for m in mails()):
            time.sleep(0.2)
        time.sleep(1)
        mails = mails()
        assert len(mails) == 1 and "friend@example.com" in mails[0], (tmp_path / "serve.log").read_text()[-2000:]
    finally:
        server.terminate()
        server.wait(timeout=10)
