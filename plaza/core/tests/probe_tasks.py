"""A task the worker tests queue: it appends its number to a file, so runs can be counted."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def record_run(path: str, number: int, seconds: float = 0.0) -> None:
    """``seconds``: how long the task works first (so that one worker cannot drain the queue
    before another has polled it once)."""
    if seconds:
        time.sleep(seconds)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{number}\n".encode())
    finally:
        os.close(fd)
