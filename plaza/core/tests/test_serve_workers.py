"""`plaza serve --workers N` (issue 17): several server processes on one port.

In the production profile two workers both serve, and an event published by a request that
one of them handles reaches sockets held by each of them (the Redis channel layer). The
embedded profile refuses more than one process.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import websockets

from plaza.cli import check_workers, default_workers
from plaza.core.testing import build_world
from plaza.notifications.tests.test_distributed import api_post, free_port, needs_production, server_env, wait_http

ROOT = Path(__file__).resolve().parents[3]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _socket_owners(pids: list[int], port: int) -> dict[int, int]:
    """How many established TCP connections to ``port`` each of ``pids`` holds (from /proc)."""
    inodes: dict[str, int] = {}
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(path).read_text().splitlines()[1:]:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "01":
                inodes[cols[9]] = 0
    owners = dict.fromkeys(pids, 0)
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = fd.readlink().name
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                owners[pid] += 1
    return owners


def test_embedded_profile_stays_one_process(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert default_workers() == 1
    with pytest.raises(SystemExit, match="DATABASE_URL and REDIS_URL"):
        check_workers(2)
    check_workers(1)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    assert default_workers() == 1, "without Redis the sockets of several processes could not share events"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert default_workers() >= 1
    check_workers(2)


def test_embedded_serve_refuses_workers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["PLAZA_DATA_DIR"] = str(tmp_path / "data")
    out = subprocess.run(
        [sys.executable, "-m", "plaza.cli", "serve", "--port", str(free_port()), "--workers", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "several server processes need DATABASE_URL and REDIS_URL" in out.stderr


@needs_production
@pytest.mark.django_db(transaction=True)
def test_two_workers_serve_and_share_socket_events(tmp_path):
    world = build_world()
    port = free_port()
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "plaza.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=server_env(tmp_path),
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(_children(server.pid)) < 2:
            time.sleep(0.2)
        workers = _children(server.pid)
        assert len(workers) >= 2, f"two worker processes: {workers}; {log.read_text()[-1000:]}"
        for _ in range(4):
            with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
                assert response.status == 200

        async def scenario() -> dict[int, int]:
            sockets = []
            try:
                # Connect until each worker holds at least one of bob's sockets (the kernel
                # hands each new connection to whichever worker accepts first).
                for _ in range(40):
                    ws = await websockets.connect(f"ws://127.0.0.1:{port}/ws/?token={world.bob.token}")
                    sockets.append(ws)
                    await ws.send(json.dumps({"type": "ping"}))
                    while json.loads(await asyncio.wait_for(ws.recv(), timeout=15)).get("type") != "pong":
                        pass
                    owners = _socket_owners(workers, port)
                    if sum(1 for n in owners.values() if n) >= 2:
                        break
                assert sum(1 for n in owners.values() if n) >= 2, f"sockets on both workers: {owners}"
                # One request, served by one of the workers, publishes to bob's sockets.
                status, body = await asyncio.to_thread(api_post, base, "notifications/read", world.bob.token, {"all": True})
                assert status == 200, body
                for ws in sockets:
                    while True:
                        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
                        if message["type"] == "notification.count":
                            break
                return owners
            finally:
                for ws in sockets:
                    await ws.close()

        owners = asyncio.run(scenario())
        assert len([n for n in owners.values() if n]) >= 2
    finally:
        server.terminate()
        server.wait(timeout=30)


@needs_production
@pytest.mark.django_db(transaction=True)
def test_workers_die_with_a_supervisor_killed_outright(tmp_path):
    """kill -9 of `plaza serve` takes its workers with it: no orphan keeps serving the port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "plaza.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=server_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(_children(server.pid)) < 2:
            time.sleep(0.2)
        workers = _children(server.pid)
        assert len(workers) >= 2, workers
    finally:
        server.kill()
        server.wait()

    def running(pid: int) -> bool:  # a killed orphan not yet reaped by init is a zombie: dead
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(running(pid) for pid in workers):
        time.sleep(0.1)
    alive = [pid for pid in workers if running(pid)]
    assert not alive, f"workers outlived their supervisor: {alive}"
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
