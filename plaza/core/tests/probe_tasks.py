"""A task the worker tests queue: it appends its number to a file, so runs can be counted."""

from __future__ import annotations

import os

from django_tasks import task


@task()
def record_run(path: str, number: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{number}\n".encode())
    finally:
        os.close(fd)
