"""The kinds of notification and what their targets are.

Apps add kinds with :func:`register_kind` and target types with :func:`register_target`;
``actions.notify`` is the one way to send a notification of any kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # lazy translated name for the settings page
    default_mode: str
    text: Callable[[dict[str, Any]], str]  # the sentence, in the active language


@dataclass(frozen=True)
class Target:
    key: str
    # visible(user, ids) -> the ids among ``ids`` that the user may see now (one query)
    visible: Callable[[Any, Iterable[int]], set[int]]
    url: Callable[[int, dict[str, Any]], str]


KINDS: dict[str, Kind] = {}
TARGETS: dict[str, Target] = {}


def register_kind(kind: Kind) -> None:
    KINDS[kind.key] = kind


def register_target(target: Target) -> None:
    TARGETS[target.key] = target
