"""Enqueueing background work from inside an action's transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import default_task_backend
from django_tasks.backends.immediate import ImmediateBackend


def enqueue(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` so that it runs only if the surrounding transaction commits.

    A database backend writes the task row in the same transaction; the in-process
    immediate backend would run it at once, so it is deferred until after commit.
    """
    if isinstance(default_task_backend, ImmediateBackend):
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
    else:
        task.enqueue(*args, **kwargs)
