"""WebSocket load: the F baseline server and the fan-out / idle-memory client.

F is a plain ``websockets`` broadcast server: a message from one client goes to every other
client. The client connects N receivers, sends one message at a time and measures, for each
receiver, the time from just before sending to its arrival (send→receive).

For Plaza the message is a real post published in ``bench-1`` through the API
(``POST /api/v1/spaces/bench-1/posts``): the feed's ``feed.new_posts`` event travels through
``plaza.core.realtime`` (after commit, via the channel layer) to the sockets of every member.
The chat app is not in HEAD, so this is the group delivery that exists.
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


def _post(port: int, token: str, body: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/spaces/bench-1/posts", body=json.dumps({"body": body}),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status != 201:
        raise RuntimeError(f"POST returned {resp.status}: {data[:200]!r}")
    return int(json.loads(data)["id"])


async def fanout(
    *,
    target: str,
    ports: list[int],
    receivers: int,
    messages: int,
    server_pids: list[int],
    timeout: float = 10.0,
    connect_concurrency: int = 50,
) -> dict[str, Any]:
    """Connect ``receivers`` sockets (spread over ``ports``), then send ``messages`` one by one.

    ``target`` is ``plaza`` (post through the API of ``ports[0]``; receivers are bench people
    2..receivers+1, the author is person 1) or ``f`` (the plain broadcast server).
    Returns delivery latencies (ms) and the servers' RSS before and after connecting.
    """
    arrivals: dict[Any, list[float]] = {}
    got_all: dict[Any, asyncio.Event] = {}
    sockets: list[Any] = []
    loop_tasks: list[asyncio.Task[None]] = []
    sem = asyncio.Semaphore(connect_concurrency)

    async def reader(ws: Any) -> None:
        try:
            async for raw in ws:
                now = time.perf_counter()
                msg = json.loads(raw)
                key = msg.get("post_id") if target == "plaza" else msg.get("id")
                if key is None:
                    continue
                bucket = arrivals.setdefault(key, [])
                bucket.append(now)
                if len(bucket) >= receivers:
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
    latencies: list[float] = []
    per_message: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    for m in range(messages):
        t_send = time.perf_counter()
        if target == "plaza":
            key: Any = await loop.run_in_executor(None, _post, ports[0], token_for(1), f"Fan-out message {m}.")
        else:
            key = f"m{m}-{t_send}"
            await sender.send(json.dumps({"id": key, "body": f"Fan-out message {m}."}))  # type: ignore[union-attr]
        event = got_all.setdefault(key, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass
        times = [(t - t_send) * 1000 for t in arrivals.get(key, [])]
        latencies.extend(times)
        per_message.append({"received": len(times), "p50_ms": _percentile(times, 50), "max_ms": max(times, default=float("nan"))})
        await asyncio.sleep(0.2)

    for ws in sockets:
        await ws.close()
    if sender is not None:
        await sender.close()
    for task in loop_tasks:
        task.cancel()
    n_ok = len(sockets)
    delta_kb = {pid: rss_after[pid] - rss_before[pid] for pid in server_pids}
    return {
        "target": target,
        "servers": len(ports),
        "receivers": receivers,
        "connected": n_ok,
        "connect_failures": len(failed),
        "connect_seconds": round(connect_seconds, 2),
        "messages": messages,
        "deliveries": len(latencies),
        "expected_deliveries": receivers * messages,
        "all_received": len(latencies) == receivers * messages,
        "p50_ms": round(_percentile(latencies, 50), 2),
        "p99_ms": round(_percentile(latencies, 99), 2),
        "max_ms": round(max(latencies, default=float("nan")), 2),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
        "rss_before_kb": rss_before,
        "rss_after_kb": rss_after,
        "kb_per_socket": round(sum(delta_kb.values()) / n_ok, 1) if n_ok else None,
        "per_message": per_message,
    }


def run_fanout(**kwargs: Any) -> dict[str, Any]:
    try:
        import uvloop

        return uvloop.run(fanout(**kwargs))
    except ImportError:  # pragma: no cover
        return asyncio.run(fanout(**kwargs))
