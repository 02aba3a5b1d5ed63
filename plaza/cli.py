"""The ``plaza`` command: serve, worker, demo, createadmin, backup, restore, bench, and every Django command."""

from __future__ import annotations

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")
    import django

    django.setup()


PLAZA_COMMANDS = [
    ("serve", "migrate, then serve pages, API and WebSocket (--host, --port, --workers)"),
    ("demo", "migrate, load the demo data once, print the demo sign-ins and serve (--host, --port)"),
    ("worker", "run background tasks and scheduled jobs from the database queue (--once)"),
    ("createadmin", "create a server administrator (--email, --password)"),
    ("bench", "run the benchmark harness (bench/ in a source checkout)"),
]


def print_help() -> None:
    print("Usage: plaza <command> [options]\n\nPlaza's commands:")
    for name, text in PLAZA_COMMANDS:
        print(f"    {name:<12} {text}")
    print("\nEvery Django management command works too (plaza migrate, plaza check, ...):")


def default_base_url(host: str, port: int) -> None:
    """Links in emails and .ics files point at the address ``serve`` was given.

    ``PLAZA_BASE_URL`` set in the environment wins (behind a proxy it is the public address).
    A wildcard host (0.0.0.0, ::) names no reachable address, so the machine's name stands in.
    """
    if os.environ.get("PLAZA_BASE_URL"):
        return
    if host in ("0.0.0.0", "::", ""):
        import socket

        host = socket.getfqdn() or "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    os.environ["PLAZA_BASE_URL"] = f"http://{host}:{port}"


def default_workers() -> int:
    """Server processes when ``--workers`` is not given: one per core in the production profile
    (``DATABASE_URL`` and ``REDIS_URL`` set), else one.

    The embedded profile stays one process: its in-memory channel layer and its task worker
    thread reach one process only. Without Redis the sockets of several processes could not
    hear each other's events, so ``DATABASE_URL`` alone keeps one process too.
    """
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return os.cpu_count() or 1
    return 1


def check_workers(workers: int) -> None:
    if workers < 1:
        raise SystemExit("plaza serve: --workers must be 1 or more.")
    if workers > 1 and not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        raise SystemExit(
            "plaza serve: several server processes need DATABASE_URL and REDIS_URL (the embedded profile's "
            "SQLite, in-memory channel layer and task worker serve one process)."
        )


def serve(host: str, port: int, workers: int | None = None) -> None:
    """Apply migrations, then serve pages, API and WebSocket with uvicorn.

    With ``workers`` > 1 uvicorn runs that many server processes on one listening socket (the
    kernel spreads connections over them); each has its own database pool, and their
    WebSockets share events through the Redis channel layer.
    """
    workers = default_workers() if workers is None else workers
    check_workers(workers)
    default_base_url(host, port)
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    import uvicorn
    from django.conf import settings

    if settings.EMBEDDED_WORKER:
        from plaza.core.tasks import start_embedded_worker

        start_embedded_worker()
        print("Background tasks run inside this process (PLAZA_EMBEDDED_WORKER=on).", flush=True)
    if workers > 1:
        os.environ["PLAZA_SUPERVISOR_PID"] = str(os.getpid())  # its workers die with it (plaza/asgi.py)
    print(f"Plaza is serving on http://{host}:{port}/ ({workers} process{'es' if workers > 1 else ''})", flush=True)
    # No permessage-deflate: live events are small JSON, and the compressor of each open socket
    # doubled the server's memory per idle WebSocket (73 KB -> 39 KB, plaza bench, goal G7).
    uvicorn.run(
        "plaza.asgi:application", host=host, port=port, lifespan="off", log_level="info", ws="websockets-sansio",
        ws_per_message_deflate=False, workers=workers if workers > 1 else None,
    )


def demo(host: str, port: int, workers: int | None = None) -> None:
    """Migrate, load the demo data once (only into an empty database), print sign-ins, serve."""
    default_base_url(host, port)
    _setup()
    from django.core.management import call_command

    from plaza.spaces.demo import DEMO_PASSWORD, DEMO_PEOPLE, seed_demo

    call_command("migrate", interactive=False, verbosity=0)
    if seed_demo():
        print("Loaded the demo data (the wine association).")
    else:
        print("The database already has data: demo data not loaded again.")
    print(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
    for email, name, _handle, note in DEMO_PEOPLE:
        print(f"  {email:<32} {name:<16} {note}")
    print()
    serve(host, port, workers)


def createadmin(email: str | None, password: str | None) -> None:
    """Create a server administrator (Django admin at /admin/)."""
    _setup()
    from django.core.management import call_command

    args = ["createsuperuser"]
    if email:
        args += ["--email", email]
    if password:
        os.environ["DJANGO_SUPERUSER_PASSWORD"] = password
        args += ["--noinput", "--name", email.split("@")[0] if email else "admin"]
    call_command(*args)


def worker(once: bool) -> None:
    """Run background tasks from the database queue, and queue scheduled jobs when due.

    Any number of workers may run: each claims different tasks (row locks with SKIP LOCKED)
    and each scheduled slot is queued by exactly one of them.
    """
    _setup()
    import logging

    from plaza.core.tasks import run_pending_tasks, run_worker_forever

    logging.getLogger("django_tasks_db").setLevel(logging.INFO)
    if once:
        print(f"Ran {run_pending_tasks(scheduled=True)} task(s).")
        return
    print("Plaza worker started.", flush=True)
    run_worker_forever()


def backup(path: str) -> None:
    """Write the database and the uploaded files to one archive (docs/operations.md)."""
    _setup()
    from plaza.core.backup import BackupError
    from plaza.core.backup import backup as make_backup

    try:
        manifest = make_backup(path)
    except BackupError as exc:
        raise SystemExit(f"plaza backup: {exc}") from exc
    rows = sum(manifest["tables"].values())
    print(f"Backed up {len(manifest['tables'])} tables ({rows} rows) and {len(manifest['files'])} files to {path}.")


def restore(path: str, force: bool) -> None:
    """Replace the database and the uploaded files with an archive's, then check them."""
    _setup()
    from plaza.core.backup import BackupError
    from plaza.core.backup import restore as restore_backup

    try:
        manifest = restore_backup(path, force=force)
    except (BackupError, OSError) as exc:
        raise SystemExit(f"plaza restore: {exc}") from exc
    print(
        f"Restored {len(manifest['tables'])} tables and {len(manifest['files'])} files from {path}; "
        "every row count and file checksum matches the backup."
    )


def bench(argv: list[str]) -> None:
    """Run the benchmark harness (bench/ in a source checkout; docs/benchmarks.md)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    if not (root / "bench" / "harness.py").exists():
        raise SystemExit("plaza bench needs a source checkout: bench/ beside plaza/.")
    sys.path.insert(0, str(root))
    from bench.harness import main as bench_main

    bench_main(argv)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("help", "--help", "-h") and len(argv) == 1:
        print_help()
        argv = ["help"]
    if argv and argv[0] == "bench":
        bench(argv[1:])
        return
    if argv and argv[0] in ("serve", "demo", "createadmin", "worker", "backup", "restore"):
        parser = argparse.ArgumentParser(prog=f"plaza {argv[0]}")
        if argv[0] in ("serve", "demo"):
            parser.add_argument("--host", default="127.0.0.1")
            parser.add_argument("--port", type=int, default=8000)
            parser.add_argument(
                "--workers", type=int, default=None,
                help="server processes (default: the number of cores with DATABASE_URL and REDIS_URL, else 1)",
            )
        if argv[0] == "createadmin":
            parser.add_argument("--email")
            parser.add_argument("--password")
        if argv[0] == "worker":
            parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
        if argv[0] in ("backup", "restore"):
            parser.add_argument("path", help="the archive (.tar.gz)")
        if argv[0] == "restore":
            parser.add_argument("--force", action="store_true", help="replace a database and media folder that hold data")
        args = parser.parse_args(argv[1:])
        if argv[0] == "serve":
            serve(args.host, args.port, args.workers)
        elif argv[0] == "demo":
            demo(args.host, args.port, args.workers)
        elif argv[0] == "createadmin":
            createadmin(args.email, args.password)
        elif argv[0] == "backup":
            backup(args.path)
        elif argv[0] == "restore":
            restore(args.path, args.force)
        else:
            worker(args.once)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["plaza", *argv])


if __name__ == "__main__":
    main()
