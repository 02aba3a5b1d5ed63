"""Handles: unique names for ``@handle`` mentions (letters, digits, ``_``, Chinese)."""

from __future__ import annotations

import re

HANDLE_RE = re.compile(r"^[^\W]+$")  # \w in Unicode mode: letters (Chinese too), digits, _
MAX_LEN = 30


def is_valid_handle(handle: str) -> bool:
    return bool(handle) and len(handle) <= MAX_LEN and bool(HANDLE_RE.match(handle))


def make_handle(name: str) -> str:
    """A free handle made from ``name``: its word characters, then a number if taken."""
    from plaza.accounts.models import User

    base = "".join(ch for ch in name.replace(" ", "_") if re.match(r"\w", ch))[: MAX_LEN - 4] or "user"
    candidate, n = base, 1
    while User.objects.filter(handle__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate
