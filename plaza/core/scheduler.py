"""Scheduled work declared in code, queued once per due time even with several workers.

Each job runs every ``every`` seconds, aligned to the epoch. A worker that finds a job
due inserts a ``ScheduledRun`` row for that slot; the unique constraint lets exactly one
worker win and queue the task.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

logger = logging.getLogger("plaza.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    every: int  # seconds
    task: Any  # a django-tasks Task


JOBS: dict[str, Job] = {}


def schedule(name: str, *, every: int, task: Any) -> None:
    """Declare a job (from an AppConfig.ready)."""
    JOBS[name] = Job(name, every, task)


def queue_due_jobs(now: float | None = None) -> list[str]:
    """Queue every job whose current slot has not run yet; returns the names queued."""
    from plaza.core.models import ScheduledRun

    now = time.time() if now is None else now
    queued = []
    for job in JOBS.values():
        slot = int(now // job.every)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=job.name, slot=slot)
                job.task.enqueue()
        except IntegrityError:
            continue  # another worker queued this slot
        queued.append(job.name)
    return queued


def run_scheduler(*, stop: threading.Event | None = None, tick: float = 15.0) -> None:
    """Loop for a worker's scheduler thread."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            close_old_connections()
            for name in queue_due_jobs():
                logger.info("queued scheduled job %s at %s", name, timezone.now().isoformat())
        except Exception:  # noqa: BLE001 — the loop must survive a database blip
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(tick)
