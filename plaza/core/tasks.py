"""Background work: retries with backoff, and the worker loop used by ``plaza worker``.

Tasks go through django-tasks' database backend: ``enqueue(name, ...)`` inside an action
writes the task row in the action's own transaction, so a rolled-back action queues
nothing and a committed one always does. Workers claim rows with ``SKIP LOCKED``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger("plaza.tasks")

ATTEMPT_KWARG = "_attempt"

# name -> django-tasks Task. Actions queue tasks by name (``enqueue``), so that a task may
# call an action without the two modules importing each other: tasks call actions, never
# the reverse. Each app's ``AppConfig.ready`` imports its tasks module, which fills this.
TASKS: dict[str, Any] = {}


def named(name: str) -> Callable[[Any], Any]:
    """Declare a task under ``name`` (``"<app>.<task>"``); apply above ``@task()``."""

    def declare(task: Any) -> Any:
        TASKS[name] = task
        return task

    return declare


def enqueue(name: str, *args: Any, **kwargs: Any) -> Any:
    """Queue the task declared as ``name``, in the caller's transaction (see above)."""
    return TASKS[name].enqueue(*args, **kwargs)


def retrying(*, attempts: int = 5, base_delay: int = 30) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Re-queue a failed task with exponential backoff, ``attempts`` times in all.

    Apply below ``@task()``. Each failed attempt stays visible as a failed task result
    (in the admin); after the last one the failure is logged as an error.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(*args, **kwargs)
            except Exception:
                if attempt >= attempts:
                    logger.exception("task %s failed for good after %d attempts", func.__qualname__, attempt)
                    raise
                delay = base_delay * 2 ** (attempt - 1)
                task = import_string(f"{func.__module__}.{func.__qualname__}")
                task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                    *args, **{**kwargs, ATTEMPT_KWARG: attempt + 1}
                )
                logger.warning("task %s failed (attempt %d of %d); retrying in %d s", func.__qualname__, attempt, attempts, delay)
                raise

        return wrapper

    return decorate


def make_worker(*, batch: bool = False, interval: float = 1.0) -> Any:
    """A django-tasks-db worker over every queue of the default backend."""
    from django_tasks.utils import get_random_id
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=get_random_id(),
        excluded_queue_names=[],
    )


def run_pending_tasks(*, scheduled: bool = False) -> int:
    """Run every task that is due now, in this thread, and return how many ran.

    For tests and ``plaza worker --once``. Unlike the worker loop it never closes the
    database connection, so it also works inside a test's transaction. With ``scheduled``,
    jobs whose time has come (by the real clock) are queued first.
    """
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    from plaza.core.scheduler import queue_due_jobs

    if scheduled:
        queue_due_jobs()
    worker = make_worker(batch=True, interval=0)
    ran = 0
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if result is None:
                return ran
            result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1


def requeue_abandoned_tasks() -> int:
    """Queue again the RUNNING tasks whose worker stopped beating a lease ago; returns how many.

    A worker killed mid-task (kill -9, a crash, the machine going away) leaves its task
    RUNNING; without this it stayed so for ever and its email was never sent. A task claimed
    less than a lease ago is left alone, whoever claimed it (``plaza worker --once`` and the
    tests run tasks without beating).
    """
    from django.conf import settings
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from plaza.core.models import WorkerBeat

    cutoff = timezone.now() - timedelta(seconds=settings.PLAZA_TASK_LEASE)
    alive = set(WorkerBeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = 0
    with transaction.atomic():
        for row in DBTaskResult.objects.running().filter(started_at__lt=cutoff).select_for_update(skip_locked=True):
            if row.worker_ids and row.worker_ids[-1] in alive:
                continue
            row.status = "READY"
            row.save(update_fields=["status"])
            requeued += 1
            logger.warning("task %s (%s) was abandoned by worker %s: queued again", row.pk, row.task_path, row.worker_ids[-1:])
    WorkerBeat.objects.filter(beat_at__lt=cutoff - timedelta(days=1)).delete()
    return requeued


def _beat(worker_id: str) -> None:
    from plaza.core.models import WorkerBeat

    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": timezone.now()})


def _heartbeat(worker_ids: list[str], stop: threading.Event) -> None:
    """Every quarter lease: say the current worker is alive, and requeue dead workers' tasks."""
    from django.conf import settings
    from django.db import close_old_connections

    every = max(settings.PLAZA_TASK_LEASE / 4, 0.2)
    while not stop.is_set():
        try:
            close_old_connections()
            _beat(worker_ids[-1])
            requeue_abandoned_tasks()
        except Exception:  # noqa: BLE001 — a database blip must not stop the beat
            logger.warning("worker heartbeat failed; trying again", exc_info=True)
        finally:
            close_old_connections()
        stop.wait(every)


def run_worker_forever(*, stop: threading.Event | None = None) -> None:
    """The scheduler thread, the heartbeat thread and the task loop: what ``plaza worker`` runs.

    The loop survives the database going away (PostgreSQL restarting, a connection killed
    with ``pg_terminate_backend``): it waits with growing backoff (1 s up to 30 s) and starts
    again, under a new worker id, so a task it was running when the connection broke is
    requeued by the lease like any abandoned task.
    """
    from django.db import DatabaseError, InterfaceError, close_old_connections, connections

    from plaza.core.scheduler import run_scheduler

    stop = stop or threading.Event()
    threading.Thread(target=run_scheduler, kwargs={"stop": stop}, name="plaza-scheduler", daemon=True).start()
    worker_ids: list[str] = []
    backoff = 1.0
    beating = False
    while not stop.is_set():
        worker = make_worker()
        worker_ids.append(worker.worker_id)
        if not beating:
            threading.Thread(target=_heartbeat, args=(worker_ids, stop), name="plaza-heartbeat", daemon=True).start()
            beating = True
        started = time.monotonic()
        try:
            worker.run()
            return
        except (DatabaseError, InterfaceError):
            if time.monotonic() - started > 60:
                backoff = 1.0  # it had been working: this is a new outage
            logger.warning("worker lost the database; starting again in %.0f s", backoff, exc_info=True)
            for conn in connections.all(initialized_only=True):
                with contextlib.suppress(Exception):
                    conn.close()
            close_old_connections()
            stop.wait(backoff)
            backoff = min(backoff * 2, 30.0)


def start_embedded_worker() -> None:
    """One worker in a daemon thread of ``plaza serve`` (the embedded profile)."""
    threading.Thread(target=run_worker_forever, name="plaza-worker", daemon=True).start()


@named("core.purge_idempotency_records")
@task()
def purge_idempotency_records() -> int:
    """Delete Idempotency-Key records older than 24 hours; returns how many went."""
    from plaza.core.middleware import IDEMPOTENCY_TTL
    from plaza.core.models import IdempotencyRecord

    deleted, _ = IdempotencyRecord.objects.filter(created__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
    return deleted
