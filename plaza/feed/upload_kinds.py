"""Who may download an upload that another app has claimed.

An app that keeps uploads on its own objects (poll option images, product images, case
files) claims them with ``feed.actions.claim_uploads(..., kind=..., obj_id=...)`` and
registers, in its ``AppConfig.ready``, a visibility function for that kind with
:func:`register_upload_kind`. ``feed.queries.get_attachment`` asks it on every download.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# kind -> visible(user, obj_id) -> bool; True when ``user`` (possibly signed out) may see
# the object the upload was claimed for, now.
UPLOAD_KINDS: dict[str, Callable[[Any, int], bool]] = {}


def register_upload_kind(kind: str, visible: Callable[[Any, int], bool]) -> None:
    UPLOAD_KINDS[kind] = visible


def upload_visible(kind: str, user: Any, obj_id: int) -> bool:
    """False for a kind nobody registered: an unknown claim is served to nobody."""
    visible = UPLOAD_KINDS.get(kind)
    return visible is not None and bool(visible(user, obj_id))
