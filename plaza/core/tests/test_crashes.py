"""The production profile under kill -9 and PostgreSQL blips, with real `plaza serve` and
`plaza worker` processes on this test's database.

- a server killed in the middle of a request with an Idempotency-Key: the retry (to another
  server) writes the post exactly once;
- a worker killed while the SMTP server holds its email: the task's lease runs out, another
  worker runs it again, and the email is accepted exactly once;
- a worker and a server whose PostgreSQL connections are killed (pg_terminate_backend) keep
  working, and no request fails;
- two servers started together on an empty database both come up (migrations serialised).
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from plaza.core.models import OutboundEmail
from plaza.core.testing import build_world
from plaza.core.tests.probe_tasks import record_run
from plaza.feed.models import Post
from plaza.notifications.tests.test_distributed import free_port, needs_production, server_env, wait_http

ROOT = Path(__file__).resolve().parents[3]
PLAZA = [sys.executable, "-m", "plaza.cli"]


def wait_for(condition: Any, what: str, timeout: float = 60) -> None:
    """Wait until ``condition()`` is true (polling), or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([*PLAZA, *args], cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def post(base: str, path: str, token: str, body: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/api/v1/{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def raw_connection(**kwargs: Any) -> psycopg.Connection:
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"], "port": db["PORT"]}
    return psycopg.connect(**{**{k: v for k, v in params.items() if v}, **kwargs})


def waiting_on(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted AND c.relname = %s",
            [table],
        )
        return cursor.fetchone()[0] > 0


# --- a server dies mid-request ----------------------------------------------------------------


@needs_production
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "held",
    [
        # Blocks the idempotency record's write: the old middleware wrote it after the post
        # had committed, so a crash there kept the post and lost the key (a retry duplicated).
        "core_idempotencyrecord",
        # Blocks the post's own insert, with the key already claimed in the same transaction.
        "feed_post",
    ],
)
def test_a_server_killed_mid_request_leaves_nothing_and_the_retry_writes_once(tmp_path, held):
    world = build_world()
    env = server_env(tmp_path)
    port_a, port_b = free_port(), free_port()
    server_a = start(["serve", "--port", str(port_a)], env, tmp_path / "a.log")
    server_b = start(["serve", "--port", str(port_b)], env, tmp_path / "b.log")
    try:
        wait_http(f"http://127.0.0.1:{port_a}/healthz")
        wait_http(f"http://127.0.0.1:{port_b}/healthz")
        lock = raw_connection()
        lock.execute(f"LOCK TABLE {held} IN EXCLUSIVE MODE")  # reads pass, writes wait
        answers: list[Any] = []

        def first_try() -> None:
            try:
                answers.append(
                    post(f"http://127.0.0.1:{port_a}", "spaces/acme/posts", world.bob.token, {"body": "kill -9"}, "k9")
                )
            except OSError as error:
                answers.append(error)

        sender = threading.Thread(target=first_try)
        sender.start()
        wait_for(lambda: waiting_on(held), f"server A's request to wait on {held}")
        server_a.kill()
        server_a.wait()
        lock.rollback()
        lock.close()
        sender.join(timeout=30)
        assert answers and isinstance(answers[0], OSError), f"the first try got no answer: {answers}"
        status, body = post(f"http://127.0.0.1:{port_b}", "spaces/acme/posts", world.bob.token, {"body": "kill -9"}, "k9")
        assert status == 201, body
        status, again = post(f"http://127.0.0.1:{port_b}", "spaces/acme/posts", world.bob.token, {"body": "kill -9"}, "k9")
        assert status == 201 and again["id"] == body["id"]
        assert Post.objects.filter(body="kill -9").count() == 1
    finally:
        stop(server_a, server_b)


# --- a worker dies mid-email ------------------------------------------------------------------


class HoldingSmtp:
    """A small SMTP server that keeps back its answer to the first message until ``release``
    (then drops it, never accepted), and accepts every later one into ``accepted``."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[bytes] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._held = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        lines = conn.makefile("rb")

        def reply(text: str) -> None:
            conn.sendall(text.encode() + b"\r\n")

        try:
            reply("220 test ESMTP")
            while line := lines.readline():
                command = line.strip().upper()
                if command == b"DATA":
                    reply("354 go ahead")
                    data = b""
                    while (part := lines.readline()) not in (b".\r\n", b".\n"):
                        if not part:
                            return  # the sender went away mid-message
                        data += part
                    with self._lock:
                        hold, self._held = not self._held, True
                    if hold:
                        self.holding.set()
                        self.release.wait()
                        return  # never accepted
                    self.accepted.append(data)
                    reply("250 queued")
                elif command == b"QUIT":
                    reply("221 bye")
                    return
                else:
                    reply("250 OK")
        except OSError:
            return
        finally:
            conn.close()

    def close(self) -> None:
        self.release.set()
        self.sock.close()


@needs_production
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_email_is_replaced_and_the_email_is_sent_once(tmp_path):
    from plaza.notifications.actions import notify

    world = build_world()
    smtp = HoldingSmtp()
    env = server_env(tmp_path, EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}", PLAZA_TASK_LEASE="2")
    with transaction.atomic():
        notify(
            recipients=[world.bob.user],
            kind="invitation_received",
            actor=world.alice.user,
            space=world.acme,
            default_mode="immediate",
        )
    first = start(["worker"], env, tmp_path / "worker1.log")
    second = None
    try:
        assert smtp.holding.wait(60), (tmp_path / "worker1.log").read_text()[-2000:]
        first.kill()
        first.wait()
        smtp.release.set()  # the held message is dropped: the server never accepted it
        second = start(["worker"], env, tmp_path / "worker2.log")
        task = DBTaskResult.objects.get(task_path__endswith="send_notification_email")
        wait_for(lambda: DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL", "the task to succeed on the second worker")
        task.refresh_from_db()
        assert len(task.worker_ids) == 2, "the task was claimed again after its first worker died"
        mail_tasks = DBTaskResult.objects.filter(task_path__endswith="send_notification_email")
        assert not mail_tasks.filter(status__in=["READY", "RUNNING"]).exists(), "no run of it is left to come"
        assert len(smtp.accepted) == 1, smtp.accepted
        assert b"bob@example.com" in smtp.accepted[0]
        sent = OutboundEmail.objects.get()
        assert sent.sent_at is not None and sent.attempts == 2
    finally:
        smtp.close()
        stop(first, *([second] if second else []))


# --- PostgreSQL connections killed ------------------------------------------------------------


@needs_production
@pytest.mark.django_db(transaction=True)
def test_a_worker_and_a_server_survive_pg_terminate_backend(tmp_path):
    world = build_world()
    runs = tmp_path / "runs.txt"
    env = server_env(tmp_path, PLAZA_TASK_LEASE="4")
    port = free_port()
    worker = start(["worker"], env, tmp_path / "worker.log")
    server = start(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    base = f"http://127.0.0.1:{port}"

    def me() -> int:
        request = urllib.request.Request(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {world.bob.token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def kill_connections() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            killed = cursor.fetchone()[0]
        # The kill also ends this process's own idle pooled connections: check the pool now, as
        # a server's health checks would, or it hands them out later (after a long suite the
        # pool held a dozen such dead connections and the teardown timed out getting one).
        connection.pool.check()
        return killed

    try:
        wait_http(f"{base}/healthz")
        wait_for(lambda: "Plaza worker started." in (tmp_path / "worker.log").read_text(), "the worker to start")
        assert [me() for _ in range(5)] == [200] * 5
        for number in range(3):
            assert kill_connections() > 0
            record_run.enqueue(str(runs), number)
            wait_for(lambda n=number: runs.exists() and str(n) in runs.read_text().split(), f"task {number} to run")
            assert [me() for _ in range(5)] == [200] * 5, (tmp_path / "serve.log").read_text()[-2000:]
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        assert sorted(runs.read_text().split()) == ["0", "1", "2"]
    finally:
        stop(worker, server)


# --- servers starting together ------------------------------------------------------------------


@needs_production
@pytest.mark.django_db(transaction=True)
def test_two_servers_start_together_on_an_empty_database(tmp_path):
    name = f"plaza_empty_{secrets.token_hex(4)}"
    admin = raw_connection(dbname="postgres", autocommit=True)
    admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
    env = server_env(tmp_path)
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    ports = [free_port(), free_port()]
    servers = [start(["serve", "--port", str(p)], env, tmp_path / f"serve{p}.log") for p in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_http(f"http://127.0.0.1:{port}/healthz", timeout=180)
            assert server.poll() is None
        with raw_connection(dbname=name) as db:
            applied = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
            unique = db.execute("SELECT count(DISTINCT (app, name)) FROM django_migrations").fetchone()[0]
        assert applied == unique > 0, "every migration applied once"
    finally:
        stop(*servers)
        logs = {p: (tmp_path / f"serve{p}.log").read_text()[-2000:] for p in ports}
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
        assert all("Traceback" not in log for log in logs.values()), logs
