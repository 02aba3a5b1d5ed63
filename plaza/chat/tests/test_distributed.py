"""Discussion groups in the production profile, proven end to end: two `plaza serve`
processes and one `plaza worker` on one PostgreSQL and one Redis.

A message posted, edited and deleted through the API on server A reaches a member's
WebSocket connected to server B within one second; once he is removed from the group
(on server A), his still-open socket on server B gets none of the group's messages.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import websockets

from plaza.core.testing import build_world
from plaza.notifications.tests.test_distributed import free_port, needs_production, server_env, wait_http

ROOT = Path(__file__).resolve().parents[3]

def api_call(base: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict | None]:
    request = urllib.request.Request(
        f"{base}/api/v1/{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)


async def receive_type(ws, wanted: str, started: float, timeout: float = 10.0) -> tuple[dict, float]:
    """The first event of type `wanted` within `timeout` seconds of `started` (before the API call), and how long it took."""
    deadline = started + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {wanted} on server B within {timeout} s of the call on server A")
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=left))
        except TimeoutError as exc:
            raise AssertionError(f"no {wanted} on server B within {timeout} s of the call on server A") from exc
        if message.get("type") == wanted:
            return message, time.monotonic() - started


async def collect(ws, seconds: float) -> list[dict]:
    got = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            got.append(json.loads(await asyncio.wait_for(ws.recv(), timeout=left)))
        except TimeoutError:
            break
    return got


@needs_production
@pytest.mark.django_db(transaction=True)
def test_chat_crosses_servers_and_stops_at_removal(tmp_path):
    world = build_world()
    env = server_env(tmp_path)
    port_a, port_b = free_port(), free_port()
    cmd = [sys.executable, "-m", "plaza.cli"]
    procs = [
        subprocess.Popen(
            [*cmd, "serve", "--port", str(port_a)],
            cwd=ROOT,
            env=env,
            stdout=open(tmp_path / "a.log", "w"),
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [*cmd, "serve", "--port", str(port_b)],
            cwd=ROOT,
            env=env,
            stdout=open(tmp_path / "b.log", "w"),
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [*cmd, "worker"], cwd=ROOT, env=env, stdout=open(tmp_path / "worker.log", "w"), stderr=subprocess.STDOUT
        ),
    ]
    try:
        server_a, server_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        wait_http(f"{server_a}/healthz")
        wait_http(f"{server_b}/healthz")
        alice = world.alice.token

        status, group = api_call(
            server_a, "POST", "spaces/acme/groups", alice, {"name": "Across", "member_ids": [world.bob.user.pk]}
        )
        assert status == 201
        gid = group["id"]

        async def scenario() -> dict[str, float]:
            timings = {}
            async with websockets.connect(f"ws://127.0.0.1:{port_b}/ws/?token={world.bob.token}") as ws:
                # The socket is subscribed once its consumer answers a ping (no fixed sleep).
                await ws.send(json.dumps({"type": "ping"}))
                while json.loads(await asyncio.wait_for(ws.recv(), timeout=15)).get("type") != "pong":
                    pass

                started = time.monotonic()
                status, sent = await asyncio.to_thread(
                    api_call, server_a, "POST", f"groups/{gid}/messages", alice, {"body": "Tasting on **Friday**"}
                )
                assert status == 201
                mid = sent["id"]
                event, timings["message"] = await receive_type(ws, "chat.message", started)
                assert event["group_id"] == gid
                assert event["message"]["id"] == mid
                assert event["message"]["body"] == "Tasting on **Friday**"
                assert event["message"]["author"]["handle"] == "alice"

                started = time.monotonic()
                status, _ = await asyncio.to_thread(
                    api_call, server_a, "PATCH", f"groups/{gid}/messages/{mid}", alice, {"body": "Tasting on Saturday"}
                )
                assert status == 200
                edited, timings["edited"] = await receive_type(ws, "chat.message_edited", started)
                assert edited["group_id"] == gid
                assert edited["message"]["id"] == mid
                assert edited["message"]["body"] == "Tasting on Saturday" and edited["message"]["edited"] is True

                started = time.monotonic()
                status, _ = await asyncio.to_thread(api_call, server_a, "DELETE", f"groups/{gid}/messages/{mid}", alice)
                assert status == 204
                deleted, timings["deleted"] = await receive_type(ws, "chat.message_deleted", started)
                assert deleted == {"type": "chat.message_deleted", "message_id": mid, "group_id": gid}

                status, _ = await asyncio.to_thread(
                    api_call, server_a, "DELETE", f"groups/{gid}/members/{world.bob.user.pk}", alice
                )
                assert status == 204
                status, _ = await asyncio.to_thread(
                    api_call, server_a, "POST", f"groups/{gid}/messages", alice, {"body": "after"}
                )
                assert status == 201
                got = await collect(ws, 1.0)
                leaked = [m for m in got if m.get("type") == "chat.message" and m.get("group_id") == gid]
                assert leaked == [], f"removed member's socket on server B still got {leaked}"
                await asyncio.wait_for(await ws.ping(), timeout=1)  # the socket was still open: the silence is real
            return timings

        timings = asyncio.run(scenario())
        print("cross-server chat latencies:", {k: f"{v * 1000:.0f} ms" for k, v in timings.items()})
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
