"""``plaza bench``: seed, start the servers, measure against baselines, write the results.

Every load run targets 127.0.0.1 only, is bounded in time (wrk ``-d``) and count (the
WebSocket client sends a fixed number of messages), and every server the harness starts is
stopped by its PID. Figures are ratios to baselines measured in the same run, over
interleaved rounds; medians are quoted. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.presets import Preset, get_preset
from bench.seed import BIG_SPACE, MARK_TABLE, SEARCH_PATH, Shape, _signature, chat_groups

REPO = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "lua"
RESULTS = Path(__file__).resolve().parent / "results"
BIN = Path(sys.executable).parent


def pg_database(preset: Preset) -> str:
    """One PostgreSQL database per data set (``plaza_bench_ci``, ``plaza_bench_ci_10000000``), so
    the data sets of scaling runs are seeded once and kept side by side."""
    prefix = os.environ.get("PLAZA_BENCH_DB_PREFIX", "plaza_bench_")  # e.g. one per developer's worktree
    return prefix + re.sub(r"[^a-z0-9]+", "_", preset.name.lower())
# Redis database of the production profile; PLAZA_BENCH_REDIS_DB gives another, so two people
# can bench on one Redis (with PLAZA_BENCH_DB_PREFIX for PostgreSQL).
REDIS_DB = os.environ.get("PLAZA_BENCH_REDIS_DB", "5")
PORT = 8611  # servers listen on PORT, PORT+1 (second server), PORT+2 (F)

GOALS = {  # name: (what, target text)
    "G1": "feed page (20 items) ≥ 40% of B_q",
    "G2": "≤ 6 queries per feed page",
    "G4": "unread-count ≥ 60% of B_json",
    "G5": "POST a post ≥ 30% of B_w",
    "G6": "one chat message to the group of 1,000 members: p99 ≤ 6 × F's p99, all receive, p99 ≤ 500 ms",
    "G7": "≤ 60 KB server memory per idle WebSocket",
    "G8": "mixed load: mean ≤ 100 ms, p99 ≤ 2 s, no 5xx",
    "G9": "search results page (20 hits, a common word) ≥ 25% of B_q, p99 ≤ 300 ms at 16 connections",
    "G1 heavy reader": "feed page ≥ 40% of B_q for a reader who liked 3,000 posts",
    "G10": "server + database CPU per feed page ≤ 3 × B_q's",
    "G3": "feed page at 10M posts (likes, comments) ≥ 80% of its throughput at 100K, production",
}
INFO = {  # rows of the goal table that are no goal, measured over the G6 sockets: name: what
    "space fan-out": "not a goal: one feed post to `bench-1` (every socket's person is a member)",
    "chat group of 100": "not a goal: one chat message to the group of 100 (its connected members)",
    "chat group of 10": "not a goal: one chat message to the group of 10 (its connected members)",
}
TWO = " (2 servers, Redis)"
SKIP_SEARCH = False  # --skip-search: no G9 (its page took minutes on PostgreSQL at 100K posts on a loaded machine)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- processes ----------------------------------------------------------------------------


class Proc:
    """A child process the harness started; stopped by its own PID only."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], logdir: Path) -> None:
        self.name = name
        self.logfile = open(logdir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=self.logfile, stderr=subprocess.STDOUT)
        self.pid = self.popen.pid

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(5)
        self.logfile.close()


def free_ports(first: int, count: int = 3) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1, from ``first`` on.

    Two harness runs on one machine (a developer's and a CI smoke run) must not measure each
    other's servers.
    """
    import socket

    for base in range(first, first + 200, count):
        try:
            for port in range(base, base + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError(f"no {count} free ports from {first}")


def wait_http(port: int, path: str = "/healthz", timeout: float = 180, proc: Proc | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited (see its log in var/bench/logs)")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not answer {path} within {timeout} s")


def wait_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


# --- environment and data ---------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed: apt-get install wrk (as root)")
    log("installing wrk (Debian package)")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("wrk") or "wrk"


def ensure_services() -> None:
    """PostgreSQL and Redis for the production profile (started the way .ci/run does)."""
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode != 0:
        version = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
        for _ in range(30):
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0:
                break
            time.sleep(1)
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True).returncode != 0:
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
                        "--appendonly", "no"], check=True)
        time.sleep(1)


def profile_env(profile: str, preset: Preset, redis_db: str = REDIS_DB) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    data_dir = REPO / "var" / "bench" / f"{preset.name}-{profile}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env.update(
        PLAZA_RATE_LIMITS="off",
        PLAZA_BENCH="1",
        PLAZA_DATA_DIR=str(data_dir),
        PYTHONPATH=str(REPO),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if profile == "production":
        env.update(DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{pg_database(preset)}",
                   REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}")
    return env


def _psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAqc", sql, db], capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else ""


def prepare_data(profile: str, preset: Preset, env: dict[str, str], fresh: bool) -> dict[str, Any]:
    """A database holding exactly the preset's data set: reused when its mark matches."""
    sig = _signature(preset)
    if profile == "production":
        name = pg_database(preset)
        exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
        mark = _psql(f"SELECT preset FROM {MARK_TABLE}", name) if exists else ""
        if fresh or mark != sig:
            log(f"creating database {name} (UTF-8, template0)")
            _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _psql(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
        subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], capture_output=True)
    else:
        db = Path(env["PLAZA_DATA_DIR"]) / "plaza.sqlite3"
        mark = None
        if db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    mark = conn.execute(f"SELECT preset FROM {MARK_TABLE}").fetchone()[0]
            except sqlite3.Error:
                mark = None
        if fresh or mark != sig:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    log(f"seeding {preset.name} ({preset.posts:,} posts) for {profile} (reused when already seeded)")
    cmd = [sys.executable, "-m", "bench", "seed", preset.name.split("-")[0]]
    if "-" in preset.name:
        cmd += ["--posts", str(preset.posts)]
    out = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True)
    sys.stderr.write(out.stderr[-3000:])
    if out.returncode != 0:
        raise RuntimeError("seeding failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def feed_queries(env: dict[str, str], what: str = "queries") -> dict[str, Any]:
    """The feed page's (``queries``) or G9's search page's (``search``) query count, on the seeded data."""
    out = subprocess.run([sys.executable, "-m", "bench", what], env=env, cwd=REPO, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-3000:])
        return {"error": out.stderr[-500:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- measurements ---------------------------------------------------------------------------


def wrk(port: int, path: str, args: list[str], *, seconds: int, connections: int, script: str = "request.lua") -> dict[str, Any]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA / script),
           f"http://127.0.0.1:{port}{path}", "--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            return json.loads(line[len("BENCHJSON "):])
    raise RuntimeError(f"wrk printed no summary: {out.stdout[-500:]} {out.stderr[-500:]}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid: int, timeout: float = 30.0) -> float:
    """Wait until the server is idle (under 10% of a core for half a second); returns the wait.

    An overloaded scenario leaves queued requests and after-commit work behind when wrk
    stops; measuring the next endpoint while the server drains them would charge it for them.
    """
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.05:
            break
    return round(time.monotonic() - started, 1)


def backend_cpu(database: str | None) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend connected to ``database`` (G10), from
    ``/proc/<pid>/stat`` like the server's; empty without a database (SQLite runs inside the
    server, so its work is already server CPU)."""
    if not database:
        return {}
    out = _psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()")
    found = {}
    for line in out.splitlines():
        try:
            found[int(line)] = cpu_seconds(int(line))
        except (ValueError, OSError):
            continue  # ended meanwhile
    return found


def measured(pid: int, port: int, path: str, args: list[str], *, database: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """wrk against the server, plus the server's CPU time per request and, on PostgreSQL, the
    server's plus its database backends' (G10).

    Throughput on a shared, busy machine swings with whatever else runs; the CPU the server
    spends per request does not, so both are kept (docs/benchmarks.md).
    """
    waited = settle(pid)
    backends = backend_cpu(database)
    before = cpu_seconds(pid)
    result = wrk(port, path, args, **kwargs)
    server = cpu_seconds(pid) - before
    after = backend_cpu(database)
    # A backend that started during the run counts from zero; one that ended is lost (the pool
    # keeps its connections, so neither happens after the warm-up).
    db = sum(cpu - backends.get(b, 0.0) for b, cpu in after.items())
    requests = max(result["requests"], 1)
    result["server_cpu_ms_per_request"] = round(server * 1000 / requests, 3)
    result["db_cpu_ms_per_request"] = round(db * 1000 / requests, 3)
    result["total_cpu_ms_per_request"] = round((server + db) * 1000 / requests, 3)
    result["settled_after_s"] = waited
    return result


def http_scenarios(preset: Preset) -> list[tuple[str, str, str, list[str]]]:
    people = str(min(64, preset.people - 1))
    heavy = Shape(preset)
    scenarios = [
        ("B_json", "GET", "/bench/json", ["GET", "0"]),
        ("unread_count", "GET", "/api/v1/notifications/unread-count", ["GET", people]),
        ("B_q", "GET", "/bench/q", ["GET", "0"]),
        ("feed", "GET", f"/api/v1/spaces/{BIG_SPACE}/feed", ["GET", people]),
    ]
    if heavy.heavy_likes:  # the same page for people who each liked heavy_likes posts (G1 heavy)
        scenarios.append(("feed_heavy", "GET", f"/api/v1/spaces/{BIG_SPACE}/feed",
                          ["GET", str(heavy.h), "", str(heavy.heavy_people()[0])]))
    if not SKIP_SEARCH:
        scenarios.append(("search", "GET", SEARCH_PATH, ["GET", people]))
    return scenarios + [
        ("B_w", "POST", "/bench/w", ["POST", "0", '{"body": "baseline write {n}"}']),
        ("post", "POST", f"/api/v1/spaces/{BIG_SPACE}/posts", ["POST", people, '{"body": "Bench post {n}: the tasting moved to Friday."}']),
    ]


@dataclasses.dataclass(frozen=True)
class Step:
    """One measurement of an HTTP round: wrk against one path of one server."""

    name: str
    path: str
    args: list[str]
    seconds: int
    connections: int
    script: str = "request.lua"

    def measure(self, pid: int, port: int, database: str | None) -> dict[str, Any]:
        return measured(pid, port, self.path, self.args, seconds=self.seconds, connections=self.connections,
                        script=self.script, database=database)


def http_plan(preset: Preset, seconds: int) -> list[Step]:
    """An HTTP round in order: every scenario, then the mixed load (G8)."""
    steps = [Step(name, path, args, seconds, preset.connections) for name, _method, path, args in http_scenarios(preset)]
    think = "1000"
    mixed = [str(min(preset.mixed_people, preset.people - 1)), str(preset.posts), BIG_SPACE, think]
    return [*steps, Step("mixed", "/", mixed, preset.mixed_seconds, preset.mixed_people, "mixed.lua")]


def warm_up(port: int, preset: Preset) -> None:
    for _name, _method, path, args in http_scenarios(preset):
        wrk(port, path, args, seconds=1, connections=4)


def _http_line(row: dict[str, Any]) -> str:
    return (", ".join(f"{k} {v['rps']:.0f}/s" for k, v in row.items() if isinstance(v, dict))
            + f" (load average {row['loadavg'][0]:.1f})")


def ws_plan(preset: Preset) -> tuple[int, list[dict[str, Any]]]:
    """Receivers of the WebSocket measurements and Plaza's sends over them, in order.

    G6 (``chat``) is one chat message to the largest seeded group (1,000 members, fewer when
    the preset has fewer people); the receivers are its members 2..N+1, person 1 sends. Over the
    same sockets: a feed post to ``bench-1`` (``space``) and a message to each smaller group.
    """
    groups = chat_groups(preset.people)
    gid, size = groups[-1]
    receivers = min(preset.fanout, size - 1)
    sends = [{"name": "chat", "kind": "chat", "group_id": gid, "members": size}, {"name": "space", "kind": "space"}]
    sends += [{"name": f"chat_{n}", "kind": "chat", "group_id": g, "members": n} for g, n in reversed(groups[:-1]) if n > 1]
    return receivers, sends  # type: ignore[return-value]


def fanout(target: str, ports: list[int], receivers: int, messages: int, pids: list[int],
           sends: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    spec = {"target": target, "ports": ports, "receivers": receivers, "messages": messages, "server_pids": pids,
            "sends": sends}
    out = subprocess.run([sys.executable, "-m", "bench", "fanout", json.dumps(spec)], cwd=REPO, capture_output=True,
                         text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})
    for line in out.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            result = json.loads(line[len("BENCHJSON "):])
            result.pop("per_message", None)
            for one in result.get("sends", {}).values():
                one.pop("per_message", None)
            return result
    raise RuntimeError(f"fan-out client failed: {out.stderr[-1500:]}")


def med(values: list[float]) -> float:
    clean = [v for v in values if v == v]
    return round(statistics.median(clean), 3) if clean else float("nan")


# --- one profile ----------------------------------------------------------------------------


def run_profile(
    profile: str, preset: Preset, *, fresh: bool, rounds: int, seconds: int, logdir: Path, skip_ws: bool = False,
    ws_only: bool = False,
) -> dict[str, Any]:
    env = profile_env(profile, preset)
    if profile == "production":
        ensure_services()
    seeding = prepare_data(profile, preset, env, fresh)
    queries = feed_queries(env)
    log(f"feed page: {queries.get('queries')} queries for {queries.get('items')} items")
    search = {} if SKIP_SEARCH else feed_queries(env, "search")
    if not SKIP_SEARCH:
        log(f"search page: {search.get('queries')} queries for {search.get('items')} items; index {search.get('index')}")
    plaza = str(BIN / "plaza")
    database = pg_database(preset) if profile == "production" else None
    procs: list[Proc] = []
    result: dict[str, Any] = {"profile": profile, "seeding": seeding, "feed_queries": queries, "search_queries": search}
    try:
        # One server process (--workers 1): every ratio is one process's CPU against the same process's.
        server = Proc(f"{profile}-server-a", [plaza, "serve", "--port", str(PORT), "--workers", "1"], env, logdir)
        procs.append(server)
        if profile == "production":
            procs.append(Proc(f"{profile}-worker", [plaza, "worker"], env, logdir))
        wait_http(PORT, proc=server)
        receivers, sends = ws_plan(preset)

        # WebSockets first, so the memory figure comes from a server's first sockets.
        if skip_ws:
            rounds_ws = 0
        else:
            rounds_ws = rounds
        log(f"WebSocket fan-out to {receivers} sockets ({', '.join(x['name'] for x in sends)}), {rounds_ws} round(s), "
            "against F")
        ws_rounds: list[dict[str, Any]] = []
        for r in range(rounds_ws):
            fsrv = Proc(f"{profile}-f", [sys.executable, "-m", "bench", "fserver", str(PORT + 2)], {**env}, logdir)
            procs.append(fsrv)
            wait_port(PORT + 2)
            f = fanout("f", [PORT + 2], receivers, preset.ws_messages, [fsrv.pid])
            fsrv.stop()
            procs.remove(fsrv)
            p = fanout("plaza", [PORT], receivers, preset.ws_messages, [server.pid], sends)
            ws_rounds.append({"round": r + 1, "F": f, "plaza": p, "loadavg": os.getloadavg()})
            log(f"  round {r + 1}: F p99 {f['p99_ms']} ms; Plaza " + _ws_line(p) + f"; {p['kb_per_socket']} KB/socket")
        result["ws_rounds"] = ws_rounds

        if profile == "production" and not skip_ws:
            second = Proc(f"{profile}-server-b", [plaza, "serve", "--port", str(PORT + 1), "--workers", "1"], env, logdir)
            procs.append(second)
            wait_http(PORT + 1, proc=second)
            two: list[dict[str, Any]] = []
            for r in range(rounds):
                two.append(fanout("plaza", [PORT, PORT + 1], receivers, preset.ws_messages, [server.pid, second.pid], sends))
                log(f"  two servers over Redis, round {r + 1}: " + _ws_line(two[-1]))
            result["ws_two_servers"] = two
            second.stop()
            procs.remove(second)

        http_rounds: list[dict[str, Any]] = []
        log(f"HTTP: {0 if ws_only else rounds} interleaved round(s) of {seconds} s per measurement")
        if not ws_only:
            warm_up(PORT, preset)
        for r in range(0 if ws_only else rounds):
            row: dict[str, Any] = {"round": r + 1}
            for step in http_plan(preset, seconds):
                row[step.name] = step.measure(server.pid, PORT, database)
            row["loadavg"] = os.getloadavg()
            http_rounds.append(row)
            log(f"  round {r + 1}: " + _http_line(row))
        result["http_rounds"] = http_rounds
        result["server_rss_kb_end"] = _rss(server.pid)
    finally:
        for proc in reversed(procs):
            proc.stop()
    (logdir / f"{preset.name}-{profile}-raw.json").write_text(json.dumps(result, default=str))  # kept if summarizing fails
    result["summary"] = summarize(result, preset)
    result["problems"] = problems(result)
    return result


def _ws_line(p: dict[str, Any]) -> str:
    return ", ".join(f"{name} p99 {m['p99_ms']} ms ({m['deliveries']}/{m['expected_deliveries']} delivered)"
                     for name, m in p["sends"].items())


def problems(result: dict[str, Any]) -> list[str]:
    """What shows the harness or the server not working (the smoke run fails on any)."""
    found = []
    for row in result["http_rounds"]:
        for name, m in row.items():
            if not isinstance(m, dict):
                continue
            if m["ok"] == 0:
                found.append(f"round {row['round']} {name}: no successful response")
            if m["status_5xx"]:
                found.append(f"round {row['round']} {name}: {m['status_5xx']} responses 5xx")
            if m["status_4xx"] and name != "mixed":
                found.append(f"round {row['round']} {name}: {m['status_4xx']} responses 4xx")
    for w in result["ws_rounds"]:
        if not w["F"]["all_received"]:
            found.append(f"WebSocket round {w['round']}: F: not every message reached every socket")
        for name, m in w["plaza"]["sends"].items():
            if not m["all_received"]:
                found.append(f"WebSocket round {w['round']}: {name}: {m['deliveries']} of {m['expected_deliveries']} "
                             "deliveries arrived")
    if result["feed_queries"].get("status") != 200:
        found.append("feed page did not answer 200 in the query count")
    search = result.get("search_queries", {})
    if not SKIP_SEARCH and (search.get("status") != 200 or search.get("items") != 20):
        found.append(f"search page: status {search.get('status')}, {search.get('items')} items (expected 200, 20)")
    return found


def _rss(pid: int) -> int:
    from bench.ws import rss_kb

    return rss_kb(pid)


def summarize(result: dict[str, Any], preset: Preset) -> dict[str, Any]:
    rounds = result["http_rounds"]
    medians = {name: {"rps": med([r[name]["rps"] for r in rounds]), "mean_ms": med([r[name]["mean_ms"] for r in rounds]),
                      "p99_ms": med([r[name]["p99_ms"] for r in rounds]),
                      "cpu_ms": med([r[name]["server_cpu_ms_per_request"] for r in rounds]),
                      "total_cpu_ms": med([r[name].get("total_cpu_ms_per_request", float("nan")) for r in rounds])}
               for name in (rounds[0] if rounds else ()) if name not in ("round", "loadavg")}

    def ratio(a: str, b: str) -> float:
        return med([r[a]["rps"] / r[b]["rps"] for r in rounds if r[b]["rps"]])

    def total_cpu_over(a: str, b: str) -> float | None:
        """Server + database CPU per request of ``a`` over ``b``'s (G10; lower is better)."""
        values = [r[a]["total_cpu_ms_per_request"] / r[b]["total_cpu_ms_per_request"]
                  for r in rounds if r[b].get("total_cpu_ms_per_request")]
        return med(values) if values else None

    def cpu_ratio(a: str, b: str) -> float:
        """Throughput ratio as the server's CPU per request predicts it (baseline CPU / endpoint CPU)."""
        return med([r[b]["server_cpu_ms_per_request"] / r[a]["server_cpu_ms_per_request"]
                    for r in rounds if r[a]["server_cpu_ms_per_request"]])

    ws = result["ws_rounds"]
    f_p99 = med([w["F"]["p99_ms"] for w in ws])
    kb = ws[0]["plaza"]["kb_per_socket"] if ws else None
    mixed = [r["mixed"] for r in rounds]
    mixed_mean, mixed_p99 = med([m["mean_ms"] for m in mixed]), med([m["p99_ms"] for m in mixed])
    mixed_5xx = sum(m["status_5xx"] for m in mixed)
    q = result["feed_queries"].get("queries")
    s: dict[str, Any] = {
        "medians": medians,
        "G1_feed_over_B_q": ratio("feed", "B_q"),
        "G2_feed_queries": q,
        "G4_unread_over_B_json": ratio("unread_count", "B_json"),
        "G5_post_over_B_w": ratio("post", "B_w"),
        "G1_heavy_feed_over_B_q": ratio("feed_heavy", "B_q") if rounds and "feed_heavy" in rounds[0] else None,
        "G9_search_over_B_q": None,
        "G10_feed_cpu_over_B_q_cpu": total_cpu_over("feed", "B_q") if rounds else None,
        "G3_10m_over_100k": None,  # a --g3 run's joint file only
        "G1_cpu_ratio": cpu_ratio("feed", "B_q"),
        "G1_heavy_cpu_ratio": cpu_ratio("feed_heavy", "B_q") if rounds and "feed_heavy" in rounds[0] else None,
        "G10_heavy_feed_cpu_over_B_q_cpu": total_cpu_over("feed_heavy", "B_q") if rounds and "feed_heavy" in rounds[0] else None,
        "G4_cpu_ratio": cpu_ratio("unread_count", "B_json"),
        "G5_cpu_ratio": cpu_ratio("post", "B_w"),
        "G6_F_p99_ms": f_p99,
        "G7_kb_per_socket": kb,
        "G8_mean_ms": mixed_mean,
        "G8_p99_ms": mixed_p99,
        "G8_5xx": mixed_5xx,
        "G8_people": preset.mixed_people,
        "G8_rps": med([m["rps"] for m in mixed]),
    }
    search = result.get("search_queries", {})
    index = search.get("index") or {}
    if rounds and "search" in rounds[0]:
        s.update({
            "G9_search_over_B_q": ratio("search", "B_q"),
            "G9_cpu_ratio": cpu_ratio("search", "B_q"),
            "G9_p99_ms": medians["search"]["p99_ms"],
            "G9_queries": search.get("queries"),
            "G9_index_documents": index.get("documents"),
            "G9_index_bytes": index.get("bytes"),
        })
    goals: dict[str, tuple[str, bool | None]] = {
        "G1": (f"{s['G1_feed_over_B_q']:.0%} of B_q (CPU {s['G1_cpu_ratio']:.0%})", s["G1_feed_over_B_q"] >= 0.40),
    }
    if s["G1_heavy_feed_over_B_q"] is not None:
        goals["G1 heavy reader"] = (
            f"{s['G1_heavy_feed_over_B_q']:.0%} of B_q (CPU {s['G1_heavy_cpu_ratio']:.0%}); "
            f"reader liked {Shape(preset).heavy_likes:,} posts", s["G1_heavy_feed_over_B_q"] >= 0.40)
    goals |= {
        "G2": (f"{q} queries", q is not None and q <= 6),
        "G4": (f"{s['G4_unread_over_B_json']:.0%} of B_json (CPU {s['G4_cpu_ratio']:.0%})", s["G4_unread_over_B_json"] >= 0.60),
        "G5": (f"{s['G5_post_over_B_w']:.0%} of B_w (CPU {s['G5_cpu_ratio']:.0%})", s["G5_post_over_B_w"] >= 0.30),
        "G7": (f"{kb} KB per socket", kb is not None and kb <= 60),
        "G8": (f"mean {mixed_mean:.0f} ms, p99 {mixed_p99:.0f} ms, {mixed_5xx} × 5xx, {s['G8_rps']:.0f} req/s",
               mixed_mean <= 100 and mixed_p99 <= 2000 and mixed_5xx == 0),
    }
    if s["G10_feed_cpu_over_B_q_cpu"] is not None:
        fm, bm = medians["feed"], medians["B_q"]
        where = "server + PostgreSQL" if result["profile"] == "production" else "server (SQLite inside)"
        goals["G10"] = (
            f"{s['G10_feed_cpu_over_B_q_cpu']:.2f}× ({where}: feed {fm['total_cpu_ms']:.2f} ms, B_q {bm['total_cpu_ms']:.2f} ms"
            + (f"; heavy reader {s['G10_heavy_feed_cpu_over_B_q_cpu']:.2f}×" if s["G10_heavy_feed_cpu_over_B_q_cpu"] else "")
            + ")", s["G10_feed_cpu_over_B_q_cpu"] <= 3)
    if s.get("G9_search_over_B_q") is not None:
        size = s["G9_index_bytes"]
        goals["G9"] = (
            f"{s['G9_search_over_B_q']:.0%} of B_q (CPU {s['G9_cpu_ratio']:.0%}), p99 {s['G9_p99_ms']:.0f} ms, "
            f"{s['G9_queries']} queries; index {s['G9_index_documents']:,} documents"
            + (f", {size / 2**20:.0f} MB" if size else ""),
            s["G9_search_over_B_q"] >= 0.25 and s["G9_p99_ms"] <= 300)
    if not ws:
        goals.pop("G7")
    if not rounds:  # --ws-only
        for k in ("G1", "G4", "G5", "G8"):
            goals.pop(k)
        for k in ("G9", "G10", "G1 heavy reader"):
            goals.pop(k, None)

    def ws_rows(runs: list[dict[str, Any]], suffix: str, key: str) -> dict[str, tuple[str, bool | None]]:
        """The G6 row (the chat message to the largest group) and the informational rows
        (space fan-out; smaller groups, one server only) for these fan-out runs."""
        rows: dict[str, tuple[str, bool | None]] = {}
        sends = runs[0]["sends"]
        for name in sends:
            if suffix and name not in ("chat", "space"):
                continue  # smaller groups across two servers: in the JSON only
            p99 = med([w["sends"][name]["p99_ms"] for w in runs])
            ok = all(w["sends"][name]["all_received"] for w in runs)
            n = sends[name]["receivers"]
            s[f"{key}_{name}_p99_ms"] = p99
            s[f"{key}_{name}_all_received"] = ok
            s[f"{key}_{name}_receivers"] = n
            if name == "chat":
                members = sends[name]["members"]
                rows["G6" + suffix] = (
                    f"p99 {p99:.0f} ms vs F {f_p99:.0f} ms ({p99 / f_p99:.1f}×), group of {members:,}, {n} sockets, "
                    f"all received: {ok}", ok and p99 <= 6 * f_p99 and p99 <= 500)
            else:
                label = "space fan-out" if name == "space" else f"chat group of {sends[name]['members']}"
                rows[label + suffix] = (f"p99 {p99:.0f} ms, {n} sockets, all received: {ok}", None)
        return rows

    if ws:  # G6 and its neighbours before G7, the two-server rows last (as before)
        order = list(goals)
        at = order.index("G7")
        one = ws_rows([w["plaza"] for w in ws], "", "G6")
        goals = {k: goals[k] for k in order[:at]} | one | {k: goals[k] for k in order[at:]}
    if result.get("ws_two_servers"):
        goals |= ws_rows(result["ws_two_servers"], TWO, "G6_two_servers")
    s["goals"] = {k: {"result": v[0], "met": None if v[1] is None else bool(v[1])} for k, v in goals.items()}
    return s


# --- reporting ------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    def cmd(*args: str) -> str:
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return ""

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": int(mem) // 1024 if mem else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _psql("SHOW server_version"),
        "redis": next((line.split(":", 1)[1] for line in cmd("redis-cli", "info", "server").splitlines()
                       if line.startswith("redis_version")), ""),
        "wrk": cmd("wrk", "-v").splitlines()[0] if cmd("wrk", "-v") else "",
        "commit": cmd("git", "-C", str(REPO), "rev-parse", "--short", "HEAD"),
        "dirty_tree": bool(cmd("git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no")),
    }


def _loaded(p: dict[str, Any]) -> list[dict[str, Any]]:
    """The rounds that recorded the load average (HTTP rounds; WebSocket rounds with --ws-only)."""
    return p["http_rounds"] or [w for w in p["ws_rounds"] if "loadavg" in w] or [{"loadavg": os.getloadavg()}]


def markdown(report: dict[str, Any]) -> str:
    preset, prof = report["preset"], report["results"]
    lines = [
        f"Preset `{preset['name']}` ({preset['posts']:,} posts, {preset['people']:,} people, {preset['spaces']} spaces), "
        f"{report['rounds']} interleaved round(s), medians; {report['machine']['cores']} cores ({report['machine']['cpu']}), "
        f"commit {report['machine']['commit']}, {report['date']}.",
        "Machine load (1-min load average during the rounds): "
        + "; ".join(f"{p.get('label', p['profile'])} {min(r['loadavg'][0] for r in _loaded(p)):.1f}–"
                    f"{max(r['loadavg'][0] for r in _loaded(p)):.1f}" for p in prof)
        + f" on {report['machine']['cores']} cores"
        + (f"; G3 (feed at {prof[1]['preset_posts']:,} posts over {prof[0]['preset_posts']:,}): "
           f"{report['G3']['G3_10m_over_100k']:.0%} (CPU {report['G3']['G3_cpu_ratio']:.0%})"
           + (", the two sizes measured step by step in the same rounds" if report["G3"].get("interleaved") else "")
           if report.get("G3") else "")
        + ". Ratios are medians of per-round ratios; "
        "\"CPU\" is the same ratio computed from the server's CPU time per request, which other load on the machine disturbs far less.",
        "",
        "| Goal | Target | " + " | ".join(p.get("label", p["profile"]) for p in prof) + " |",
        "|---|---|" + "---|" * len(prof),
    ]
    keys: list[str] = []
    for p in prof:
        for k in p["summary"]["goals"]:
            if k not in keys:
                keys.append(k)
    for k in keys:
        cells = []
        for p in prof:
            g = p["summary"]["goals"].get(k)
            mark = "" if g is None or g["met"] is None else (" ✅" if g["met"] else " ❌")
            cells.append("—" if g is None else f"{g['result']}{mark}")
        base = k.removesuffix(TWO)
        target = INFO.get(base) or GOALS.get(base) or ""
        lines.append(f"| {k} | {target} | " + " | ".join(cells) + " |")
    if prof[0]["summary"]["medians"]:
        lines += ["", "| Endpoint (req/s, median; mean latency; server CPU per request) | "
                  + " | ".join(p.get("label", p["profile"]) for p in prof) + " |", "|---|" + "---|" * len(prof)]
    for name in prof[0]["summary"]["medians"]:
        cells = [f"{p['summary']['medians'][name]['rps']:.0f} (mean {p['summary']['medians'][name]['mean_ms']:.1f} ms, "
                 f"server CPU {p['summary']['medians'][name]['cpu_ms']:.2f} ms/req"
                 + (f", with PostgreSQL {p['summary']['medians'][name]['total_cpu_ms']:.2f} ms" if p["profile"] == "production"
                    and p["summary"]["medians"][name].get("total_cpu_ms") == p["summary"]["medians"][name].get("total_cpu_ms") else "")
                 + ")" for p in prof]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"Command: `{report['command']}`"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="plaza bench", description="Benchmarks against baselines (docs/benchmarks.md).")
    parser.add_argument("--preset", default="ci", choices=["smoke", "ci", "full"])
    parser.add_argument("--profile", action="append", choices=["embedded", "production"],
                        help="repeat for both (default: embedded and production)")
    parser.add_argument("--posts", type=int, help="override the preset's number of posts (scaling runs, G3)")
    parser.add_argument("--g3", type=int, metavar="POSTS",
                        help="G3: production, HTTP only, the preset's data set then the same at POSTS posts (10000000), "
                        "in one result file with G3_10m_over_100k")
    parser.add_argument("--skip-search", action="store_true", help="leave out the search page (G9)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default: the preset's)")
    parser.add_argument("--seconds", type=int, help="seconds per HTTP measurement (default: the preset's)")
    parser.add_argument("--fresh", action="store_true", help="drop and re-seed the bench database")
    parser.add_argument("--skip-ws", action="store_true", help="HTTP only (scaling runs): no WebSocket fan-out or memory")
    parser.add_argument("--ws-only", action="store_true",
                        help="WebSocket fan-out and memory only (G6, G7; the query count G2): no HTTP load")
    parser.add_argument("--ws-messages", type=int, help="messages per fan-out measurement (default: the preset's)")
    parser.add_argument("--out", default=str(RESULTS), help="directory for the results (default: bench/results)")
    parser.add_argument("--port", type=int, help="first of three ports on 127.0.0.1 (default: three free ones from 8611)")
    args = parser.parse_args(argv)
    if args.skip_ws and args.ws_only:
        parser.error("--skip-ws and --ws-only exclude each other")
    global PORT, SKIP_SEARCH
    PORT = args.port or free_ports(PORT)
    SKIP_SEARCH = args.skip_search
    preset = get_preset(args.preset, posts=args.posts)
    if args.ws_messages:
        preset = dataclasses.replace(preset, ws_messages=args.ws_messages)
    profiles = args.profile or ["embedded", "production"]
    rounds = args.rounds or preset.rounds
    seconds = args.seconds or preset.seconds
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ensure_wrk()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    logdir = REPO / "var" / "bench" / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    command = "plaza bench " + " ".join(sys.argv[2:] if argv is None else argv)
    date = dt.datetime.now(dt.UTC)
    machine = machine_facts()
    failed = False
    if args.g3:
        g3_run(preset, args.g3, rounds=rounds, seconds=seconds, fresh=args.fresh, logdir=logdir, out=out,
               command=command.strip(), date=date, machine=machine)
        return
    for profile in profiles:
        log(f"== {preset.name} / {profile}")
        result = run_profile(profile, preset, fresh=args.fresh, rounds=rounds, seconds=seconds, logdir=logdir,
                             skip_ws=args.skip_ws, ws_only=args.ws_only)
        report = {"date": date.isoformat(timespec="seconds"), "command": command.strip(), "preset": preset.__dict__,
                  "rounds": rounds, "seconds": seconds, "machine": machine, "results": [result]}
        stem = f"{date:%Y-%m-%d}-{preset.name}-{profile}"
        (out / f"{stem}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        table = markdown(report)
        (out / f"{stem}.md").write_text(table)
        log(f"wrote {out / stem}.json and .md")
        print(table, flush=True)
        for problem in result["problems"]:
            log(f"PROBLEM: {problem}")
        failed = failed or bool(result["problems"])
    if failed and preset.name == "smoke":
        raise SystemExit("bench smoke failed: see the problems above")


def g3_run(preset: Preset, posts: int, *, rounds: int, seconds: int, fresh: bool, logdir: Path, out: Path,
           command: str, date: dt.datetime, machine: dict[str, Any]) -> None:
    """G3 in one result file: the preset's data set and the same preset at ``posts`` posts (likes
    and comments per post kept), production, HTTP only.

    One server (and worker) runs on each database, each with a Redis database of its own, and
    the rounds interleave them step by step: each scenario is measured on one size and at once
    on the other, and the order swaps every round, so both sizes meet the same machine. G3 is
    the median of the per-round ratios, like every other goal.
    """
    big = get_preset(preset.name, posts=posts)
    ensure_services()
    plaza = str(BIN / "plaza")
    sites: list[tuple[Preset, dict[str, str], dict[str, Any]]] = []
    for i, one in enumerate((preset, big)):
        env = profile_env("production", one, redis_db=str(int(REDIS_DB) + i))
        result: dict[str, Any] = {"profile": "production", "label": f"production, {one.posts:,} posts",
                                  "preset_posts": one.posts, "seeding": prepare_data("production", one, env, fresh),
                                  "feed_queries": feed_queries(env),
                                  "search_queries": {} if SKIP_SEARCH else feed_queries(env, "search"),
                                  "ws_rounds": [], "http_rounds": []}
        log(f"{one.posts:,} posts: feed page {result['feed_queries'].get('queries')} queries")
        sites.append((one, env, result))
    procs: list[Proc] = []
    servers: list[tuple[Proc, int]] = []
    try:
        for i, (one, env, _result) in enumerate(sites):
            server = Proc(f"g3-{one.posts}-server", [plaza, "serve", "--port", str(PORT + i), "--workers", "1"], env, logdir)
            procs += [server, Proc(f"g3-{one.posts}-worker", [plaza, "worker"], env, logdir)]
            servers.append((server, PORT + i))
        for (server, port), (one, _env, _result) in zip(servers, sites, strict=True):
            wait_http(port, proc=server)
            warm_up(port, one)
        plans = [http_plan(one, seconds) for one, _env, _result in sites]
        log(f"HTTP: {rounds} round(s) of {seconds} s per measurement, the two sizes interleaved step by step")
        for r in range(rounds):
            rows: list[dict[str, Any]] = [{"round": r + 1} for _ in sites]
            order = list(range(len(sites))) if r % 2 == 0 else list(reversed(range(len(sites))))
            for k in range(len(plans[0])):
                for i in order:
                    step = plans[i][k]
                    rows[i][step.name] = step.measure(servers[i][0].pid, servers[i][1], pg_database(sites[i][0]))
            for row, (one, _env, result) in zip(rows, sites, strict=True):
                row["loadavg"] = os.getloadavg()
                result["http_rounds"].append(row)
                log(f"  round {r + 1}, {one.posts:,} posts: " + _http_line(row))
        for (server, _port), (_one, _env, result) in zip(servers, sites, strict=True):
            result["server_rss_kb_end"] = _rss(server.pid)
    finally:
        for proc in reversed(procs):
            proc.stop()
    results = []
    for one, _env, result in sites:
        result["summary"] = summarize(result, one)
        result["problems"] = problems(result)
        results.append(result)
    pairs = [(s["feed"], b["feed"]) for s, b in zip(results[0]["http_rounds"], results[1]["http_rounds"], strict=True)]
    g3 = {"G3_10m_over_100k": med([b["rps"] / s["rps"] for s, b in pairs if s["rps"]]),
          "G3_cpu_ratio": med([s["server_cpu_ms_per_request"] / b["server_cpu_ms_per_request"] for s, b in pairs
                               if b["server_cpu_ms_per_request"]]),
          "G3_total_cpu_ratio": med([s["total_cpu_ms_per_request"] / b["total_cpu_ms_per_request"] for s, b in pairs
                                     if b["total_cpu_ms_per_request"]]),
          "interleaved": True}
    for res in results:
        res["summary"].update(g3)
        res["summary"]["goals"]["G3"] = {"result": f"{g3['G3_10m_over_100k']:.0%} (CPU {g3['G3_cpu_ratio']:.0%})",
                                      "met": bool(g3["G3_10m_over_100k"] and g3["G3_10m_over_100k"] >= 0.8)}
    report = {"date": date.isoformat(timespec="seconds"), "command": command, "preset": preset.__dict__, "big": big.__dict__,
              "rounds": rounds, "seconds": seconds, "machine": machine, "G3": g3, "results": results}
    stem = f"{date:%Y-%m-%d}-{preset.name}-g3-production"
    (out / f"{stem}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    table = markdown(report)
    (out / f"{stem}.md").write_text(table)
    log(f"wrote {out / stem}.json and .md")
    print(table, flush=True)
    for result in results:
        for problem in result["problems"]:
            log(f"PROBLEM ({result['label']}): {problem}")
    if preset.name == "smoke" and any(result["problems"] for result in results):
        raise SystemExit("bench smoke (G3) failed: see the problems above")


if __name__ == "__main__":
    main()
