"""Who may submit, review and look up cases. Missing and forbidden look the same: 404.

Reviewers of a case are the admins of its space (directly or through a parent space) and
the members of its type's reviewer team. Submitters reach their case without an account
through its number and access code only (``access_case_by_code``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from plaza.cases.models import Case, CaseEvent, CaseType, Submitters
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.spaces.access import SpaceAccess, space_access_for
from plaza.spaces.models import Membership, Role, TeamMembership, Visibility


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def hash_code(code: str) -> str:
    """Access codes carry ≥ 64 random bits, so one SHA-256 round is enough to store them."""
    return hashlib.sha256(code.encode()).hexdigest()


def reviewer_team_ids(acc: SpaceAccess) -> list[int]:
    """The teams of ``acc.space`` the caller belongs to (one query; empty when signed out)."""
    if not _authenticated(acc.user) or not acc.joined:
        return []
    return list(TeamMembership.objects.filter(space=acc.space, user=acc.user).values_list("team_id", flat=True))


def reviewable_q(acc: SpaceAccess) -> Q:
    """The cases of ``acc.space`` the caller reviews, as a condition on Case."""
    if acc.is_admin:
        return Q(space=acc.space)
    teams = reviewer_team_ids(acc)
    if not teams:
        return Q(pk__in=[])
    return Q(space=acc.space, case_type__reviewer_team_id__in=teams)


def is_reviewer_of_space(acc: SpaceAccess) -> bool:
    """Admins, and anyone in a reviewer team of one of the space's case types."""
    if acc.is_admin:
        return True
    teams = reviewer_team_ids(acc)
    return bool(teams) and CaseType.objects.filter(space=acc.space, reviewer_team_id__in=teams).exists()


def require_reviewer(acc: SpaceAccess) -> SpaceAccess:
    """For space-wide desk routes: 401 signed out, 403 for people who review nothing here."""
    if not _authenticated(acc.user):
        raise NotAuthenticated()
    if not is_reviewer_of_space(acc):
        raise Forbidden()
    return acc


def can_review(acc: SpaceAccess, case_type: CaseType) -> bool:
    if acc.is_admin:
        return True
    if case_type.reviewer_team_id is None or not _authenticated(acc.user) or not acc.joined:
        return False
    return TeamMembership.objects.filter(team_id=case_type.reviewer_team_id, user=acc.user).exists()


def can_submit(acc: SpaceAccess, case_type: CaseType) -> bool:
    """``anyone`` types of a public space take submissions from everyone, signed out too."""
    if case_type.submitters == Submitters.ANYONE and acc.space.visibility == Visibility.PUBLIC:
        return True
    return acc.role is not None


def submittable_types_q(acc: SpaceAccess) -> Q:
    if acc.is_admin or acc.role is not None:
        return Q(space=acc.space)
    if acc.space.visibility == Visibility.PUBLIC:
        return Q(space=acc.space, submitters=Submitters.ANYONE)
    return Q(pk__in=[])


def access_case_type(acc: SpaceAccess, type_id: int, *, for_submit: bool = False) -> CaseType:
    """A case type of ``acc.space`` the caller may see; ``for_submit`` checks it may submit."""
    case_type = (
        CaseType.objects.select_related("reviewer_team")
        .filter(
            space=acc.space,
            pk=type_id,
        )
        .filter(submittable_types_q(acc))
        .first()
    )
    if case_type is None:
        raise NotFound()
    if for_submit and not can_submit(acc, case_type):
        if not _authenticated(acc.user):
            raise NotAuthenticated()
        raise Forbidden()
    return case_type


def access_case(user: Any, number: str) -> tuple[SpaceAccess, Case]:
    """A case its caller reviews (space admin or reviewer team); to anyone else it is 404."""
    if not _authenticated(user):
        raise NotAuthenticated()
    case = (
        Case.objects.select_related("space__parent__parent", "case_type", "assignee", "submitted_by")
        .filter(
            number=number,
        )
        .first()
    )
    if case is None:
        raise NotFound()
    acc = space_access_for(user, case.space)
    if not can_review(acc, case.case_type):
        raise NotFound()
    return acc, case


_NUMBER = re.compile(r"^([A-Z]+)-?(\d{4})-?(\d{1,12})$")


def normalize_case_number(number: str) -> str:
    """A case number as typed by a person: "ks 2026 000012", "ＫＳ－２０２６－１２" and
    "KS-2026-000012" are the same case (full-width folded, case and separators ignored)."""
    text = unicodedata.normalize("NFKC", number or "").upper()
    text = re.sub(r"[\s\-_‐‑–—/.]+", "-", text).strip("-")
    found = _NUMBER.match(text)
    if found is None:
        return text[:40]
    prefix, year, serial = found.groups()
    return f"{prefix}-{year}-{int(serial):06d}"


def normalize_access_code(code: str) -> str:
    """An access code as typed: lower case, missing or extra dashes, spaces and full-width
    characters all give the canonical "ABCD-EF01-..." the code was shown as."""
    raw = re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", code or "").upper())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def access_case_by_code(number: str, code: str) -> Case:
    """The public lookup: the case whose number and access code both match, else 404.

    Both are normalised first (``normalize_case_number``, ``normalize_access_code``).
    """
    case = (
        Case.objects.select_related("space", "case_type")
        .filter(
            number=normalize_case_number(number),
        )
        .first()
    )
    if case is None or not hmac.compare_digest(case.access_code_hash, hash_code(normalize_access_code(code))):
        raise NotFound()
    return case


def list_reviewable_case_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the cases ``user`` reviews now (one query): the notification target."""
    ids = list(ids)
    if not ids or not _authenticated(user):
        return set()
    admin_of = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN]).values("space_id")
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    return set(
        Case.objects.filter(pk__in=ids)
        .filter(
            Q(space_id__in=admin_of)
            | Q(space__parent_id__in=admin_of)
            | Q(space__parent__parent_id__in=admin_of)
            | Q(case_type__reviewer_team_id__in=my_teams)
        )
        .values_list("pk", flat=True)
    )


def list_reviewer_ids(case_type: CaseType) -> set[int]:
    """Who reviews cases of ``case_type``: its team's members and the space's admins."""
    space = case_type.space
    ids = set(
        Membership.objects.filter(space_id__in=[space.pk, *space.ancestor_ids()], role__in=[Role.OWNER, Role.ADMIN])
        .values_list("user_id", flat=True)
    )
    if case_type.reviewer_team_id:
        ids |= set(TeamMembership.objects.filter(team_id=case_type.reviewer_team_id).values_list("user_id", flat=True))
    return ids


def case_upload_visible(user: Any, case_id: int) -> bool:
    """At ``/files/<id>/`` a case's images and files are seen by its reviewers and the
    space's admins only. (The submitter downloads them through the lookup's own signed
    links, ``access_lookup_file``.)"""
    number = Case.objects.filter(pk=case_id).values_list("number", flat=True).first()
    if number is None or not _authenticated(user):
        return False
    try:
        access_case(user, number)
    except NotFound:
        return False
    return True


def case_event_upload_visible(user: Any, event_id: int) -> bool:
    """A timeline event's attachments (a lookup reply's) are seen as the case's files are."""
    case_id = CaseEvent.objects.filter(pk=event_id).values_list("case_id", flat=True).first()
    return case_id is not None and case_upload_visible(user, case_id)


# --- signed-out uploads and the lookup's files ---------------------------------------------

LOOKUP_FILE_SALT = "plaza.cases.lookup-file"
LOOKUP_FILE_AGE = 6 * 3600  # seconds a lookup's file link works


def upload_scope(case_type_id: int) -> str:
    """What a signed-out upload for a case of this type is kept for (``Attachment.claim_scope``)."""
    return f"case_type:{case_type_id}"


def signed_out_upload_scope(value: str) -> str:
    """``POST /uploads`` signed out names ``case_type_id``: a type whose submitters are
    ``anyone`` in a public space, with an image or file field; else 422 on that field."""
    from django.utils.translation import gettext as _

    from plaza.cases.models import FieldType
    from plaza.core.errors import Invalid

    try:
        type_id = int(str(value).strip())
    except ValueError:
        type_id = 0
    case_type = CaseType.objects.filter(
        pk=type_id,
        submitters=Submitters.ANYONE,
        space__visibility=Visibility.PUBLIC,
    ).only("pk", "fields").first() if type_id > 0 else None
    if case_type is None or not any(f.get("type") in (FieldType.IMAGE, FieldType.FILE) for f in case_type.fields):
        raise Invalid(_("Signed out, files are accepted only for a public form that asks for them."), field="case_type_id")
    return upload_scope(case_type.pk)


def lookup_file_token(case: Case, upload_id: int) -> str:
    """A link's secret for one file of ``case``, for whoever just proved number + code:
    signed and short-lived, so the access code itself never travels in a URL."""
    from django.core import signing

    return signing.TimestampSigner(salt=LOOKUP_FILE_SALT).sign(f"{case.pk}.{upload_id}")


def access_lookup_file(token: str) -> Any:
    """The upload a lookup link names, if it still belongs to that case's submitted values
    or to one of its *public* timeline events; else 404 (a bad or expired link too)."""
    from django.core import signing

    from plaza.uploads.queries import get_claimed_upload

    try:
        case_id, upload_id = (int(x) for x in signing.TimestampSigner(salt=LOOKUP_FILE_SALT)
                              .unsign(token, max_age=LOOKUP_FILE_AGE).split("."))
    except (signing.BadSignature, ValueError) as exc:
        raise NotFound() from exc
    upload = get_claimed_upload(upload_id)
    if upload is None:
        raise NotFound()
    from plaza.cases.models import CASE_EVENT_UPLOAD_KIND, CASE_UPLOAD_KIND

    if upload.claimed_kind == CASE_UPLOAD_KIND and upload.claimed_id == case_id:
        return upload
    if upload.claimed_kind == CASE_EVENT_UPLOAD_KIND and CaseEvent.objects.filter(
        pk=upload.claimed_id,
        case_id=case_id,
        public=True,
    ).exists():
        return upload
    raise NotFound()
