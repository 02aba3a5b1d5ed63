"""Who may download an upload that another app has claimed.

An app that keeps uploads on its own objects (poll option images, product images, case
files) claims them with ``feed.actions.claim_uploads(..., kind=..., obj_id=...)`` and
registers, in its ``AppConfig.ready``, a visibility function for that kind with
:func:`register_upload_kind`. ``feed.queries.get_attachment`` asks it on every download.

It also names the model whose rows the claims point at: when such a row goes without
releasing its uploads (a whole space deleted, a cascade), the hourly orphan purge releases
the claims left pointing at nothing and deletes those files once they are a day old.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# kind -> visible(user, obj_id) -> bool; True when ``user`` (possibly signed out) may see
# the object the upload was claimed for, now.
UPLOAD_KINDS: dict[str, Callable[[Any, int], bool]] = {}
# kind -> the model whose primary keys the claims of that kind name
UPLOAD_KIND_MODELS: dict[str, Any] = {}


def register_upload_kind(kind: str, visible: Callable[[Any, int], bool], *, model: Any) -> None:
    UPLOAD_KINDS[kind] = visible
    UPLOAD_KIND_MODELS[kind] = model


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
    from django.utils.translation import gettext as _

    from plaza.core.errors import Invalid

    check = SIGNED_OUT_SCOPES.get(field)
    if check is None:
        raise Invalid(_("Signed out, files are accepted only for a public form."), field=field)
    return check(value)


def list_claimed_uploads(claims: dict[str, list[int]]) -> list[Any]:
    """The uploads claimed by the objects named in ``claims`` (kind -> object ids), in
    upload order, in one query. The caller has checked who may see them."""
    from django.db.models import Q

    from plaza.feed.models import Attachment

    condition = Q(pk__in=[])
    for kind, ids in claims.items():
        if ids:
            condition |= Q(claimed_kind=kind, claimed_id__in=ids)
    return list(Attachment.objects.filter(condition, post__isnull=True).order_by("pk"))


def get_claimed_upload(upload_id: int) -> Any:
    """The upload ``upload_id`` if another app's object claims it (its ``claimed_kind`` and
    ``claimed_id`` say which), else None. The caller checks who may download it."""
    from plaza.feed.models import Attachment

    return Attachment.objects.filter(pk=upload_id, post__isnull=True, claimed_id__isnull=False).exclude(claimed_kind="").first()
