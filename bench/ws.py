"""WebSocket load: the F baseline server and the fan-out / idle-memory client.

F is a plain ``websockets`` broadcast server: a message from one client goes to every other
client. The client connects N receivers, sends one message at a time and measures, for each
receiver, the time from just before sending to its arrival (send→receive).

For Plaza the receivers are bench people 2..N+1 and person 1 sends, through the API, over the
same sockets one after another (``sends``):

- ``chat``: a message to a seeded discussion group (``POST /api/v1/groups/<id>/messages``);
  its ``chat.message`` event (``{"type": "chat.message", "group_id", "message": {"id", ...}}``)
  goes through ``plaza.core.realtime`` (after commit, via the channel layer) to the sockets of
  the group's members. Expected receipts: the receivers who are members (people 2..size).
  The largest group is G6.
- ``space``: a post published in ``bench-1`` (``POST /api/v1/spaces/bench-1/posts``); its
  ``feed.new_posts`` event goes to the sockets of every member of the space (all receivers).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import statistics
import time
from typing import Any

from websockets.asyncio.client import connect
from websockets.asyncio.server import broadcast, serve

from bench.seed import token_for

# --- the F baseline server ----------------------------------------------------------------


async def _fserver(port: int) -> None:
    clients: set[Any] = set()

    async def handler(ws: Any) -> None:
        clients.add(ws)
        try:
            async for message in ws:
                broadcast(clients - {ws}, message)
        finally:
            clients.discard(ws)

    async with serve(handler, "127.0.0.1", port, ping_interval=None, max_queue=None):
        await asyncio.Future()


def fserver(port: int) -> None:
    try:
        import uvloop

        uvloop.run(_fserver(port))
    except ImportError:  # pragma: no cover
        asyncio.run(_fserver(port))


# --- the client ---------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


def _post(port: int, token: str, path: str, body: str) -> int:
    """POST ``{"body": body}`` as the token's person; the new row's id (post or message)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, body=json.dumps({"body": body}),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status != 201:
        raise RuntimeError(f"POST {path} returned {resp.status}: {data[:200]!r}")
    return int(json.loads(data)["id"])


def _event_key(msg: dict[str, Any]) -> tuple[str, Any] | None:
    """What a received Plaza event answers: ("chat", message id) or ("space", post id)."""
    kind = msg.get("type")
    if kind == "chat.message":
        return ("chat", (msg.get("message") or {}).get("id"))
    if kind == "feed.new_posts":
        return ("space", msg.get("post_id"))
    return None


def _stats(latencies: list[float], expected: int, messages: int, per_message: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "messages": messages,
        "deliveries": len(latencies),
        "expected_deliveries": expected * messages,
        "all_received": len(latencies) == expected * messages,
        "p50_ms": round(_percentile(latencies, 50), 2),
        "p99_ms": round(_percentile(latencies, 99), 2),
        "max_ms": round(max(latencies, default=float("nan")), 2),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
        "per_message": per_message,
    }


async def fanout(
    *,
    target: str,
    ports: list[int],
    receivers: int,
    messages: int,
    server_pids: list[int],
    sends: list[dict[str, Any]] | None = None,
    timeout: float = 10.0,
    connect_concurrency: int = 50,
) -> dict[str, Any]:
    """Connect ``receivers`` sockets (spread over ``ports``), then send ``messages`` one by one.

    ``target`` is ``plaza`` or ``f`` (the plain broadcast server). For Plaza the receivers are
    bench people 2..receivers+1 and the sender is person 1, through the API of ``ports[0]``;
    ``sends`` lists the measurements made in turn over the same sockets, each
    ``{"name", "kind": "chat", "group_id", "members"}`` (a discussion group whose members are
    people 1..members) or ``{"name", "kind": "space"}`` (a post to bench-1, every receiver).
    Returns the first measurement's figures at the top level, every one under ``sends``
    (by name), and the servers' RSS before and after connecting.
    """
    if target == "f":
        sends = [{"name": "f", "kind": "f"}]
    elif not sends:
        raise ValueError("a Plaza fan-out needs its sends")
    arrivals: dict[Any, list[float]] = {}
    expected_now: dict[Any, int] = {}
    got_all: dict[Any, asyncio.Event] = {}
    sockets: list[Any] = []
    loop_tasks: list[asyncio.Task[None]] = []
    sem = asyncio.Semaphore(connect_concurrency)

    async def reader(ws: Any) -> None:
        try:
            async for raw in ws:
                now = time.perf_counter()
                msg = json.loads(raw)
                key = _event_key(msg) if target == "plaza" else msg.get("id")
                if key is None:
                    continue
                bucket = arrivals.setdefault(key, [])
                bucket.append(now)
                if len(bucket) >= expected_now.get(key, receivers):
                    got_all.setdefault(key, asyncio.Event()).set()
        except Exception:  # noqa: BLE001 - a dropped socket shows as a missing receipt
            return

    async def open_one(k: int) -> None:
        port = ports[k % len(ports)]
        url = f"ws://127.0.0.1:{port}/ws/?token={token_for(k + 2)}" if target == "plaza" else f"ws://127.0.0.1:{port}/"
        async with sem:
            ws = await connect(url, ping_interval=None, open_timeout=60, max_queue=None)
        sockets.append(ws)
        loop_tasks.append(asyncio.create_task(reader(ws)))

    rss_before = {pid: rss_kb(pid) for pid in server_pids}
    t0 = time.perf_counter()
    results = await asyncio.gather(*(open_one(k) for k in range(receivers)), return_exceptions=True)
    connect_seconds = time.perf_counter() - t0
    failed = [r for r in results if isinstance(r, BaseException)]
    await asyncio.sleep(3)  # let the servers settle before reading their memory
    rss_after = {pid: rss_kb(pid) for pid in server_pids}

    sender = None
    if target == "f":
        sender = await connect(f"ws://127.0.0.1:{ports[0]}/", ping_interval=None)
    loop = asyncio.get_running_loop()
    measured: dict[str, dict[str, Any]] = {}
    for spec in sends:
        kind = spec["kind"]
        # Receivers are people 2..receivers+1; a group's members are people 1..members.
        expected = min(receivers, spec["members"] - 1) if kind == "chat" else receivers
        path = f"/api/v1/groups/{spec.get('group_id')}/messages" if kind == "chat" else "/api/v1/spaces/bench-1/posts"
        latencies: list[float] = []
        per_message: list[dict[str, Any]] = []
        for m in range(messages):
            t_send = time.perf_counter()
            if kind == "f":
                key: Any = f"m{m}-{t_send}"
                await sender.send(json.dumps({"id": key, "body": f"Fan-out message {m}."}))  # type: ignore[union-attr]
            else:
                row_id = await loop.run_in_executor(None, _post, ports[0], token_for(1), path, f"Fan-out message {m}.")
                key = ("chat" if kind == "chat" else "space", row_id)
            expected_now[key] = expected
            event = got_all.setdefault(key, asyncio.Event())
            if len(arrivals.get(key, ())) >= expected:  # all arrived before the POST answered
                event.set()
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except TimeoutError:
                pass
            times = [(t - t_send) * 1000 for t in arrivals.get(key, [])]
            latencies.extend(times)
            per_message.append({"received": len(times), "p50_ms": _percentile(times, 50),
                                "max_ms": max(times, default=float("nan"))})
            await asyncio.sleep(0.2)
        measured[spec["name"]] = {**{k: v for k, v in spec.items() if k != "name"}, "receivers": expected,
                                  **_stats(latencies, expected, messages, per_message)}

    for ws in sockets:
        await ws.close()
    if sender is not None:
        await sender.close()
    for task in loop_tasks:
        task.cancel()
    n_ok = len(sockets)
    delta_kb = {pid: rss_after[pid] - rss_before[pid] for pid in server_pids}
    first = measured[sends[0]["name"]]
    return {
        "target": target,
        "servers": len(ports),
        "connected": n_ok,
        "connect_failures": len(failed),
        "connect_seconds": round(connect_seconds, 2),
        **first,
        "sockets": receivers,
        "rss_before_kb": rss_before,
        "rss_after_kb": rss_after,
        "kb_per_socket": round(sum(delta_kb.values()) / n_ok, 1) if n_ok else None,
        "sends": measured,
    }


def run_fanout(**kwargs: Any) -> dict[str, Any]:
    try:
        import uvloop

        return uvloop.run(fanout(**kwargs))
    except ImportError:  # pragma: no cover
        return asyncio.run(fanout(**kwargs))
