"""The one way to reach a space or a team. Missing and forbidden look the same: 404.

403 is given only where the caller may know the object exists (a listed or public space,
a team it can see) but may not do what it asks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q

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

    @functools.cached_property
    def visible_parent(self) -> Space | None:
        """The parent space, only when the caller may know it (pages show "Sub-space of")."""
        return visible_parent(self.user, self.space)


def list_knowable_space_ids(user: Any, ids: Any) -> set[int]:
    """Among ``ids``, the spaces ``user`` may know exist (one query): listed and public ones,
    those they belong to and those under a space they administer."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    knowable = Q(visibility__in=[Visibility.LISTED, Visibility.PUBLIC])
    if getattr(user, "is_authenticated", False):
        member_of = Membership.objects.filter(user=user).values("space_id")
        admin_of = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN]).values("space_id")
        knowable |= Q(pk__in=member_of) | Q(parent_id__in=admin_of) | Q(parent__parent_id__in=admin_of)
    return set(Space.objects.filter(pk__in=ids).filter(knowable).values_list("pk", flat=True))


def visible_parent(user: Any, space: Space) -> Space | None:
    """``space``'s parent when ``user`` may know it exists, else None: a private parent is
    not revealed through its sub-spaces (issue 18, item 2)."""
    if space.parent_id is None:
        return None
    return space.parent if list_knowable_space_ids(user, [space.parent_id]) else None


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
    if getattr(user, "is_authenticated", False):
        membership = _fetch_membership(space.pk, user.pk)
        if membership is not None:
            return _require(SpaceAccess(space, user, membership, membership.role), role)
    return _access_without_membership(user, space, role)


@functools.cache
def _membership_lookup(vendor: str) -> tuple[str, list[tuple[list[Any], Any]]]:
    """``Membership.objects.filter(space=…, user=…).first()`` as SQL built once (see
    :func:`_space_lookup`)."""
    qn = connection.ops.quote_name
    columns, converters = _columns(Membership, "m")
    return (
        f"SELECT {', '.join(columns)} FROM {qn(Membership._meta.db_table)} m"
        " WHERE m.space_id = %s AND m.user_id = %s ORDER BY m.id ASC LIMIT 1"
    ), converters


def _fetch_membership(space_id: int, user_id: int) -> Membership | None:
    sql, converters = _membership_lookup(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [space_id, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return Membership.from_db(connection.alias, _attnames(Membership), _convert(row, converters))


def _columns(model: Any, alias: str) -> tuple[list[str], list[tuple[list[Any], Any]]]:
    """``alias.column`` of each concrete field of ``model``, and each one's converters."""
    qn = connection.ops.quote_name
    columns: list[str] = []
    converters: list[tuple[list[Any], Any]] = []
    for field in model._meta.concrete_fields:
        columns.append(f"{alias}.{qn(field.column)}")
        col = field.get_col(alias)
        converters.append((connection.ops.get_db_converters(col) + col.get_db_converters(connection), col))
    return columns, converters


def _convert(row: Any, converters: list[tuple[list[Any], Any]]) -> list[Any]:
    values = []
    for value, (funcs, col) in zip(row, converters, strict=True):
        if value is not None:
            for func in funcs:
                value = func(value, col, connection)
        values.append(value)
    return values


@functools.cache
def _attnames(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _access_without_membership(user: Any, space: Space, role: str | None) -> SpaceAccess:
    """Access for a caller who is not a member of ``space`` (signed out, or not joined)."""
    if getattr(user, "is_authenticated", False):
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


@functools.cache
def _space_lookup(vendor: str) -> tuple[str, list[tuple[list[Any], Any]], int, int]:
    """The query of :func:`access_space` as SQL, with each column's converters.

    The space by slug with its parent and grandparent (``select_related("parent__parent")``)
    and the caller's membership, in one query built once from the models' metadata: compiling
    the two equivalent ORM queries cost ~1 ms of CPU on every request that names a space
    (measured with ``plaza bench`` on the feed page), running them a few dozen microseconds.
    """
    qn = connection.ops.quote_name
    columns: list[str] = []
    converters: list[tuple[list[Any], Any]] = []
    for model, alias in ((Space, "s"), (Space, "p"), (Space, "g"), (Membership, "m")):
        cols, convs = _columns(model, alias)
        columns += cols
        converters += convs
    space, membership = qn(Space._meta.db_table), qn(Membership._meta.db_table)
    sql = (
        f"SELECT {', '.join(columns)} FROM {space} s"
        f" LEFT OUTER JOIN {space} p ON p.id = s.parent_id"
        f" LEFT OUTER JOIN {space} g ON g.id = p.parent_id"
        f" LEFT OUTER JOIN {membership} m ON m.space_id = s.id AND m.user_id = %s"
        " WHERE s.slug = %s"
    )
    return sql, converters, len(Space._meta.concrete_fields), len(Membership._meta.concrete_fields)


def _fetch_space(slug: str, user_id: int | None) -> tuple[Space | None, Membership | None]:
    """The space ``slug`` (parent chain loaded) and ``user_id``'s membership of it. One query."""
    sql, converters, n_space, _n_membership = _space_lookup(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, slug])
        row = cursor.fetchone()
    if row is None:
        return None, None
    values = _convert(row, converters)
    names = _attnames(Space)
    chain = [values[i * n_space:(i + 1) * n_space] for i in range(3)]
    spaces = [Space.from_db(connection.alias, names, part) if part[0] is not None else None for part in chain]
    parent_field = Space._meta.get_field("parent")
    for child, parent in ((spaces[0], spaces[1]), (spaces[1], spaces[2])):
        if child is not None:
            parent_field.set_cached_value(child, parent)
    membership = None
    rest = values[3 * n_space:]
    if rest[0] is not None:
        membership = Membership.from_db(connection.alias, _attnames(Membership), rest)
    return spaces[0], membership


def access_space(user: Any, slug: str, *, role: str | None = None) -> SpaceAccess:
    """The caller's access to the space ``slug``.

    ``role`` is the least role the call needs: a signed-out caller gets 401, a caller who
    may know the space but lacks the role 403, and anyone who may not know it 404.
    """
    authenticated = getattr(user, "is_authenticated", False)
    space, membership = _fetch_space(slug, user.pk if authenticated else None)
    if space is None:
        raise NotFound()
    if membership is not None:
        return _require(SpaceAccess(space, user, membership, membership.role), role)
    return _access_without_membership(user, space, role)


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
