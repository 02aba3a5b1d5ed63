"""Handles: unique names for ``@handle`` mentions (letters, digits, ``_``, Chinese)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

HANDLE_RE = re.compile(r"^[^\W]+$")  # \w in Unicode mode: letters (Chinese too), digits, _
MAX_LEN = 30


def is_valid_handle(handle: str) -> bool:
    return bool(handle) and len(handle) <= MAX_LEN and bool(HANDLE_RE.match(handle))


def handle_candidates(name: str) -> Iterator[str]:
    """Handles made from ``name`` in the order to try them: its word characters, then the
    same with 2, 3, ... appended. ``UserManager.make_handle`` takes the first free one."""
    base = "".join(ch for ch in name.replace(" ", "_") if re.match(r"\w", ch))[: MAX_LEN - 4] or "user"
    yield base
    for n in itertools.count(2):
        yield f"{base}{n}"
