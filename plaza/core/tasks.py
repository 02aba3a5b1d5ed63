"""Background work: retries with backoff, and the worker loop used by ``plaza worker``.

Tasks go through django-tasks' database backend: ``enqueue(name, ...)`` inside an action
writes the task row in the action's own transaction, so a rolled-back action queues
nothing and a committed one always does. Workers claim rows with ``SKIP LOCKED``.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

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


def run_worker_forever(*, stop: threading.Event | None = None) -> None:
    """The scheduler thread plus the task loop: what ``plaza worker`` runs."""
    from plaza.core.scheduler import run_scheduler

    threading.Thread(target=run_scheduler, kwargs={"stop": stop}, name="plaza-scheduler", daemon=True).start()
    make_worker().run()


def start_embedded_worker() -> None:
    """One worker in a daemon thread of ``plaza serve`` (the embedded profile)."""
    threading.Thread(target=run_worker_forever, name="plaza-worker", daemon=True).start()

