"""Who may download an upload that another app has claimed.

An app that keeps uploads on its own objects (poll option images, product images, case
files) claims them with ``uploads.actions.claim_uploads(..., kind=..., obj_id=...)`` and
registers, in its ``AppConfig.ready``, a visibility function for that kind with
:func:`register_upload_kind`. ``uploads.queries.get_attachment`` asks it on every download.

The feed attaches uploads to posts through ``Attachment.post``; it registers who may see a
post with :func:`register_attached_visibility`, so this app never imports the feed.

It also names the model whose rows the claims point at: when such a row goes without
releasing its uploads (a whole space deleted, a cascade), the hourly orphan purge releases
the claims left pointing at nothing and deletes those files once they are a day old.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from plaza.core.errors import Invalid, NotFound

# kind -> visible(user, obj_id) -> bool; True when ``user`` (possibly signed out) may see
# the object the upload was claimed for, now.
UPLOAD_KINDS: dict[str, Callable[[Any, int], bool]] = {}
# kind -> the model whose primary keys the claims of that kind name
UPLOAD_KIND_MODELS: dict[str, Any] = {}


def register_upload_kind(kind: str, visible: Callable[[Any, int], bool], *, model: Any) -> None:
    UPLOAD_KINDS[kind] = visible
    UPLOAD_KIND_MODELS[kind] = model


# post_id -> None, raising NotFound when ``user`` may not see the post an upload is attached to.
ATTACHED_VISIBLE: list[Callable[[Any, int], object]] = []


def register_attached_visibility(check: Callable[[Any, int], object]) -> None:
    """``check(user, post_id)`` raises ``NotFound`` unless ``user`` may see the post."""
    ATTACHED_VISIBLE[:] = [check]


def attached_visible(user: Any, post_id: int) -> None:
    """Raise NotFound unless ``user`` may see post ``post_id``; nobody sees it when no app
    registered a check."""
    if not ATTACHED_VISIBLE:
        raise NotFound()
    ATTACHED_VISIBLE[0](user, post_id)


def upload_visible(kind: str, user: Any, obj_id: int) -> bool:
    """False for a kind nobody registered: an unknown claim is served to nobody."""
    visible = UPLOAD_KINDS.get(kind)
    return visible is not None and bool(visible(user, obj_id))


# --- signed-out uploads ---------------------------------------------------------------------
#
# ``POST /uploads`` signed out is refused unless the request names, in a form field, an
# object that takes files from signed-out people (a public case type). The app owning that
# object registers the field: ``check(value)`` returns the scope the upload is kept for
# (e.g. ``case_type:12``) or raises ``Invalid`` naming the field.
SIGNED_OUT_SCOPES: dict[str, Callable[[str], str]] = {}


def register_signed_out_scope(field: str, check: Callable[[str], str]) -> None:
    SIGNED_OUT_SCOPES[field] = check


def signed_out_scope(field: str, value: str) -> str:
    """The scope a signed-out upload naming ``field=value`` is kept for; 422 when none."""
    check = SIGNED_OUT_SCOPES.get(field)
    if check is None:
        raise Invalid(_("Signed out, files are accepted only for a public form."), field=field)
    return check(value)
