"""Reads about spaces, members and teams. Each list runs a fixed number of queries."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet

from plaza.core.errors import Forbidden, NotFound
from plaza.core.models import AuditEntry
from plaza.core.pagination import keyset_page
from plaza.spaces.access import SpaceAccess, knowable_spaces_q
from plaza.spaces.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    MemberImport,
    Membership,
    Space,
    Team,
    TeamMembership,
    Visibility,
)


def list_shared_spaces(user: Any, other: Any) -> list[Space]:
    """The spaces both ``user`` and ``other`` belong to, by name: only spaces ``user`` is
    in, so only spaces ``user`` knows. Empty for a signed-out ``user``."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = Membership.objects.filter(user=user).values("space_id")
    return list(Space.objects.filter(pk__in=mine, memberships__user=other).distinct().order_by("name", "pk"))


def list_my_memberships(user: Any) -> QuerySet[Membership]:
    """The caller's memberships with their spaces, by space name."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("space").order_by("space__name", "space__pk")


def list_directory(user: Any, *, q: str = "") -> QuerySet[Space]:
    """Listed and public spaces, by name, each marked with whether the caller is in it."""
    qs = Space.objects.filter(visibility__in=[Visibility.LISTED, Visibility.PUBLIC])
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q) | Q(slug__icontains=q))
    if getattr(user, "is_authenticated", False):
        qs = qs.annotate(is_mine=Exists(Membership.objects.filter(space=OuterRef("pk"), user=user)))
    return qs.order_by("name", "pk")


def list_members(acc: SpaceAccess, *, cursor: str | None = None, limit: int | None = None, q: str = "") -> tuple[list[Membership], str | None]:
    """The member directory, newest first. Guests and visitors may not browse it (403)."""
    if not acc.is_member:
        raise Forbidden()
    qs = Membership.objects.filter(space=acc.space).select_related("user")
    if q:
        qs = qs.filter(Q(user__name__icontains=q) | Q(user__handle__icontains=q) | Q(user__email__icontains=q))
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_membership(acc: SpaceAccess, user_id: int) -> Membership:
    membership = Membership.objects.select_related("user").filter(space=acc.space, user_id=user_id).first()
    if membership is None:
        raise NotFound()
    return membership


def list_teams(acc: SpaceAccess) -> QuerySet[Team]:
    """Teams the caller may see: all for admins; public ones and their own for members;
    only their own for guests."""
    qs = Team.objects.filter(space=acc.space)
    if not acc.is_admin:
        mine = Q(team_memberships__user=acc.user) if getattr(acc.user, "is_authenticated", False) else Q(pk__in=[])
        if acc.is_member:
            qs = qs.filter(Q(visibility="public") | mine)
        else:
            qs = qs.filter(mine)
    if getattr(acc.user, "is_authenticated", False):
        qs = qs.annotate(is_mine=Exists(TeamMembership.objects.filter(team=OuterRef("pk"), user=acc.user)))
    return qs.distinct().order_by("name", "pk")


def list_team_members(team: Team, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[TeamMembership], str | None]:
    qs = TeamMembership.objects.filter(space=team.space_id, team=team).select_related("user")
    return keyset_page(qs, cursor=cursor, limit=limit)


def list_user_team_ids(acc: SpaceAccess) -> set[int]:
    if not getattr(acc.user, "is_authenticated", False):
        return set()
    return set(TeamMembership.objects.filter(space=acc.space, user=acc.user).values_list("team_id", flat=True))


def list_invitations(acc: SpaceAccess) -> QuerySet[Invitation]:
    if not acc.is_admin:
        raise Forbidden()
    return Invitation.objects.filter(space=acc.space, revoked_at__isnull=True).select_related("created_by").order_by("-created", "-pk")


def get_invitation(acc: SpaceAccess, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(space=acc.space, pk=invitation_id).first()
    if invitation is None:
        raise NotFound()
    return invitation


def get_invitation_by_code(code: str) -> Invitation:
    """An invitation is known to whoever holds its code; nothing else is revealed."""
    invitation = Invitation.objects.select_related("space", "created_by").filter(code=code).first()
    if invitation is None:
        raise NotFound()
    return invitation


def list_join_requests(acc: SpaceAccess, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[JoinRequest], str | None]:
    if not acc.is_admin:
        raise Forbidden()
    qs = JoinRequest.objects.filter(space=acc.space, status=JoinRequestStatus.PENDING).select_related("user")
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_join_request(acc: SpaceAccess, request_id: int) -> JoinRequest:
    if not acc.is_admin:
        raise Forbidden()
    request = JoinRequest.objects.select_related("user").filter(space=acc.space, pk=request_id).first()
    if request is None:
        raise NotFound()
    return request


def has_pending_request(acc: SpaceAccess) -> bool:
    if not getattr(acc.user, "is_authenticated", False):
        return False
    return JoinRequest.objects.filter(space=acc.space, user=acc.user, status=JoinRequestStatus.PENDING).exists()


def list_audit(acc: SpaceAccess, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[AuditEntry], str | None]:
    if not acc.is_admin:
        raise Forbidden()
    qs = AuditEntry.objects.filter(space=acc.space).select_related("actor")
    return keyset_page(qs, cursor=cursor, limit=limit)


def list_children(acc: SpaceAccess) -> list[Space]:
    """Sub-spaces the caller may know of: all for admins, else those it is in or can list."""
    qs = Space.objects.filter(parent=acc.space)
    if not acc.is_admin:
        if getattr(acc.user, "is_authenticated", False):
            qs = qs.filter(Q(visibility__in=[Visibility.LISTED, Visibility.PUBLIC]) | Q(memberships__user=acc.user))
        else:
            qs = qs.filter(visibility__in=[Visibility.LISTED, Visibility.PUBLIC])
    return list(qs.distinct().order_by("name"))


def get_import(acc: SpaceAccess, import_id: int) -> MemberImport:
    if not acc.is_admin:
        raise Forbidden()
    job = MemberImport.objects.filter(space=acc.space, pk=import_id).first()
    if job is None:
        raise NotFound()
    return job


def count_members(space: Space) -> int:
    return Membership.objects.filter(space=space).count()


# --- reads for the pages (appended) --------------------------------------------------------


def list_pending_invitations(user: Any, *, limit: int = 20) -> list[Invitation]:
    """Usable email invitations addressed to the caller, for spaces it is not in yet."""
    if not getattr(user, "is_authenticated", False):
        return []
    from django.db.models import F
    from django.utils import timezone

    qs = (
        Invitation.objects.filter(email__iexact=user.email, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .exclude(space__memberships__user=user)
        .select_related("space", "created_by")
        .order_by("-created", "-pk")
    )
    return list(qs[:limit])


def list_member_choices(acc: SpaceAccess, *, limit: int = 500) -> list[Membership]:
    """Members of the space by name, for pickers (team members, ownership transfer)."""
    if not acc.joined and not acc.is_admin:
        raise Forbidden()
    qs = Membership.objects.filter(space=acc.space).select_related("user").order_by("user__name", "user__pk")
    return list(qs[:limit])


def get_team_membership(team: Team, user_id: int) -> TeamMembership:
    tm = TeamMembership.objects.select_related("user").filter(space=team.space_id, team=team, user_id=user_id).first()
    if tm is None:
        raise NotFound()
    return tm


def list_team_member_ids(team: Team) -> set[int]:
    return set(TeamMembership.objects.filter(space=team.space_id, team=team).values_list("user_id", flat=True))


# --- paginated reads for the API (appended) ------------------------------------------------


def page_my_memberships(user: Any, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Membership], str | None]:
    """The caller's memberships with their spaces (and parents), newest first."""
    qs = Membership.objects.filter(user=user).select_related("space__parent")
    return keyset_page(qs, cursor=cursor, limit=limit)


def page_directory(user: Any, *, q: str = "", cursor: str | None = None, limit: int | None = None) -> tuple[list[Space], str | None]:
    """Listed and public spaces, newest first. Private spaces are never listed."""
    qs = list_directory(user, q=q).select_related("parent")
    return keyset_page(qs, cursor=cursor, limit=limit)


def page_invitations(acc: SpaceAccess, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Invitation], str | None]:
    return keyset_page(list_invitations(acc), cursor=cursor, limit=limit)


def page_teams(acc: SpaceAccess, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Team], str | None]:
    """Teams the caller may see (see :func:`list_teams`), newest first."""
    qs = Team.objects.filter(space=acc.space)
    authenticated = getattr(acc.user, "is_authenticated", False)
    if authenticated:
        qs = qs.annotate(is_mine=Exists(TeamMembership.objects.filter(space=acc.space, team=OuterRef("pk"), user=acc.user)))
    if not acc.is_admin:
        if not authenticated:
            return [], None
        if acc.is_member:
            qs = qs.filter(Q(visibility="public") | Q(is_mine=True))
        else:
            qs = qs.filter(is_mine=True)  # type: ignore[misc]
    return keyset_page(qs, cursor=cursor, limit=limit)


class SocketScopes(NamedTuple):
    """What a person's open sockets may receive: see :func:`list_socket_scopes`."""

    spaces: set[int]  # every space they are in (any role) or administer from a parent
    full_spaces: set[int]  # those where they see space-wide posts: full members and admins
    teams: set[int]  # the teams whose posts they see


def list_socket_scopes(user_id: int) -> SocketScopes:
    """The spaces and teams whose live events this person may receive (two queries).

    Spaces: those they are a member of (any role) and the sub-spaces of those they
    administer; of these, space-wide posts reach full members and admins, not guests.
    Teams: their own, the public teams of spaces where they are a full member, and every
    team of spaces they administer.
    """
    rows = list(Membership.objects.filter(user_id=user_id).values_list("space_id", "role"))
    space_ids = {sid for sid, _ in rows}
    admin_ids = {sid for sid, role in rows if role in ("owner", "admin")}
    member_ids = {sid for sid, role in rows if role in ("owner", "admin", "member")}
    if admin_ids:
        sub = set(
            Space.objects.filter(Q(parent_id__in=admin_ids) | Q(parent__parent_id__in=admin_ids)).values_list("pk", flat=True)
        )
        space_ids |= sub
        admin_ids |= sub
    team_ids = set(
        Team.objects.filter(
            Q(team_memberships__user_id=user_id)
            | Q(space_id__in=admin_ids)
            | Q(space_id__in=member_ids, visibility="public")
        ).values_list("pk", flat=True)
    )
    return SocketScopes(space_ids, member_ids | admin_ids, team_ids)


def list_visible_scope_ids(user_id: int) -> tuple[set[int], set[int]]:
    """Ids of the spaces and teams whose events this person may receive (two queries)."""
    scopes = list_socket_scopes(user_id)
    return scopes.spaces, scopes.teams


def list_knowable_space_ids(user: Any, ids: Any) -> set[int]:
    """Among ``ids``, the spaces this person may know: members, admins of an ancestor,
    and anyone for listed or public spaces (one query)."""
    ids = list(ids)
    if not ids:
        return set()
    return set(Space.objects.filter(pk__in=ids).filter(knowable_spaces_q(user)).values_list("pk", flat=True))


def list_administered_space_ids(user: Any, ids: Any) -> set[int]:
    """Among ``ids``, the spaces this person administers, directly or through an ancestor."""
    ids = list(ids)
    if not ids:
        return set()
    admin_of = Membership.objects.filter(user=user, role__in=["owner", "admin"]).values("space_id")
    return set(
        Space.objects.filter(pk__in=ids)
        .filter(Q(pk__in=admin_of) | Q(parent_id__in=admin_of) | Q(parent__parent_id__in=admin_of))
        .values_list("pk", flat=True)
    )


def list_usable_invitation_ids(user: Any, ids: Any) -> set[int]:
    """Among ``ids``, the invitations addressed to this person that are still open."""
    from django.utils import timezone

    ids = list(ids)
    if not ids:
        return set()
    now = timezone.now()
    return set(
        Invitation.objects.filter(pk__in=ids, email__iexact=user.email, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("pk", flat=True)
    )


def list_my_teams(user: Any) -> list[Team]:
    """The teams this person is in, across all their spaces, with their spaces."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Team.objects.filter(team_memberships__user=user).select_related("space").order_by("space__name", "name"))
