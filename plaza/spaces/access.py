"""The one way to reach a space or a team. Missing and forbidden look the same: 404.

403 is given only where the caller may know the object exists (a listed or public space,
a team it can see) but may not do what it asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.spaces.models import ROLE_RANK, Membership, Role, Space, Team, TeamMembership, TeamRole, Visibility


@dataclass(frozen=True)
class SpaceAccess:
    """What one person (or a signed-out visitor) may do in one space."""

    space: Space
    user: Any
    membership: Membership | None
    role: str | None  # effective role; None for a visitor of a listed or public space
    inherited: bool = False  # admin through an ancestor space, not a member

    @property
    def rank(self) -> int:
        return ROLE_RANK[Role(self.role)] if self.role else 0

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_admin(self) -> bool:
        return self.rank >= ROLE_RANK[Role.ADMIN]

    @property
    def is_member(self) -> bool:
        """A full member (not a guest): sees the directory and discovers public teams."""
        return self.rank >= ROLE_RANK[Role.MEMBER]

    @property
    def is_guest(self) -> bool:
        return self.role == Role.GUEST

    @property
    def joined(self) -> bool:
        return self.membership is not None


def _require(acc: SpaceAccess, role: str | None) -> SpaceAccess:
    if role is None:
        return acc
    if not getattr(acc.user, "is_authenticated", False):
        raise NotAuthenticated()
    if acc.rank < ROLE_RANK[Role(role)]:
        raise Forbidden()
    return acc


def space_access_for(user: Any, space: Space, *, role: str | None = None) -> SpaceAccess:
    """Access to an already fetched ``space``; raises NotFound when the user may not know it."""
    membership = None
    if getattr(user, "is_authenticated", False):
        membership = (
            Membership.objects.filter(space=space, user=user).first()
        )
        if membership is not None:
            return _require(SpaceAccess(space, user, membership, membership.role), role)
        ancestors = space.ancestor_ids()
        if ancestors and (
            Membership.objects.filter(
                space_id__in=ancestors,
                user=user,
                role__in=[Role.OWNER, Role.ADMIN],
            ).exists()
        ):
            return _require(SpaceAccess(space, user, None, Role.ADMIN, inherited=True), role)
    if space.visibility in (Visibility.LISTED, Visibility.PUBLIC):
        return _require(SpaceAccess(space, user, None, None), role)
    raise NotFound()


def access_space(user: Any, slug: str, *, role: str | None = None) -> SpaceAccess:
    """The caller's access to the space ``slug``.

    ``role`` is the least role the call needs: a signed-out caller gets 401, a caller who
    may know the space but lacks the role 403, and anyone who may not know it 404.
    """
    space = (
        Space.objects.select_related("parent__parent")
        .filter(slug=slug)
        .first()
    )
    if space is None:
        raise NotFound()
    return space_access_for(user, space, role=role)


def can_see_team(acc: SpaceAccess, team: Team, team_membership: TeamMembership | None) -> bool:
    if acc.is_admin or team_membership is not None:
        return True
    return acc.is_member and team.visibility == "public"


def access_team(acc: SpaceAccess, team_id: int, *, for_write: bool = False) -> tuple[Team, TeamMembership | None]:
    """A team of ``acc.space`` the caller may see; ``for_write`` needs a team or space admin."""
    team = (
        Team.objects.filter(
            space=acc.space,
            pk=team_id,
        )
        .first()
    )
    if team is None:
        raise NotFound()
    team_membership = None
    if getattr(acc.user, "is_authenticated", False):
        team_membership = TeamMembership.objects.filter(team=team, user=acc.user).first()
    if not can_see_team(acc, team, team_membership):
        raise NotFound()
    if for_write and not (acc.is_admin or (team_membership is not None and team_membership.role == TeamRole.ADMIN)):
        raise Forbidden()
    return team, team_membership


def access_team_by_id(user: Any, team_id: int, *, for_write: bool = False) -> tuple[SpaceAccess, Team, TeamMembership | None]:
    """For routes that name only the team: find its space, then check as above."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    space = Space.objects.select_related("parent__parent").filter(teams__pk=team_id).first()
    if space is None:
        raise NotFound()
    acc = space_access_for(user, space)
    team, team_membership = access_team(acc, team_id, for_write=for_write)
    return acc, team, team_membership
