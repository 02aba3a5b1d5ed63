"""The one way to reach a space or a team. Missing and forbidden look the same: 404.

403 is given only where the caller may know the object exists (a listed or public space,
a team it can see) but may not do what it asks.
"""

from __future__ import annotations

import contextvars
import functools
import operator
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plaza.core import fastsql
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.spaces.models import ROLE_RANK, Membership, Role, Space, Team, TeamMembership, TeamRole, TeamVisibility, Visibility

M = TypeVar("M", bound=Model)


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


# --- the apps of a space ----------------------------------------------------------------------
#
# Each space turns its apps on and off (as HumHub's modules); ``Space.apps_off`` lists the ones
# turned off. A turned-off app's pages and API routes answer 404 for that space, to everyone:
# every route of an app declares its app (``ROUTE_APPS``, read by ``spaces.middleware`` for the
# pages and by ``plaza.api`` for the API), and ``access_space``/``space_access_for`` — the one
# way every route reaches a space — refuse a space whose app is off.

APPS: dict[str, Promise] = {
    "feed": _("Feed"),
    "announcements": _("Announcements"),
    "events": _("Events"),
    "polls": _("Polls"),
    "blogs": _("Blogs"),
    "headlines": _("Headlines"),
    "groups": _("Groups"),
    "calls": _("Calls"),
    "showcase": _("Showcase"),
    "cases": _("Quick review"),
}

# The app of each route, by the module that holds the route; ``ROUTE_APP_EXCEPTIONS`` names
# routes of those modules that belong to another app, or to none (they reach no one space).
ROUTE_APPS: dict[str, str] = {
    "plaza.feed": "feed",
    "plaza.announcements": "announcements",
    "plaza.events": "events",
    "plaza.polls": "polls",
    "plaza.blogs": "blogs",
    "plaza.chat": "groups",
    "plaza.calls": "calls",
    "plaza.showcase": "showcase",
    "plaza.cases": "cases",
}
ROUTE_APP_EXCEPTIONS: dict[str, str | None] = {
    "plaza.blogs.views.headlines_admin": "headlines",
    "plaza.blogs.views.headline_open": "headlines",
    "plaza.blogs.views.headline_cover": "headlines",
    "plaza.blogs.api.list_headlines": "headlines",
    "plaza.blogs.api.add_headline": "headlines",
    "plaza.blogs.api.remove_headline": "headlines",
    "plaza.feed.views.person": None,
    "plaza.feed.views.following_feed": None,
    "plaza.feed.api.following_feed": None,
}

_serving_app: contextvars.ContextVar[str | None] = contextvars.ContextVar("plaza_serving_app", default=None)


def app_enabled(space: Space, app: str) -> bool:
    """Whether ``app`` (a key of ``APPS``) is on in ``space``."""
    return app not in (space.apps_off or ())


def app_off_q(app: str, *, space_field: str = "space") -> Q:
    """Rows of spaces where ``app`` is off, as a condition (a subquery, no extra query): for
    lists across spaces (search). ``icontains`` on the JSON text works on SQLite and PostgreSQL
    alike, where ``contains`` on a JSON list does not; app keys never contain one another
    with their quotes."""
    off = Space.objects.filter(apps_off__icontains=f'"{app}"').values("pk")
    return Q(**{f"{space_field}__in": off})


def enabled_apps(space: Space) -> list[str]:
    return [app for app in APPS if app_enabled(space, app)]


def app_of_route(func: Callable[..., Any]) -> str | None:
    """The app a page or API function belongs to (None: the space itself, or no space)."""
    module = getattr(func, "__module__", "") or ""
    name = f"{module}.{getattr(func, '__name__', '')}"
    if name in ROUTE_APP_EXCEPTIONS:
        return ROUTE_APP_EXCEPTIONS[name]
    return ROUTE_APPS.get(module.rsplit(".", 1)[0])


def set_serving_app(app: str | None) -> contextvars.Token[str | None]:
    """Start serving a route of ``app``; ``reset_serving_app`` with the token ends it."""
    return _serving_app.set(app)


def reset_serving_app(token: contextvars.Token[str | None]) -> None:
    _serving_app.reset(token)


@contextmanager
def serving_app(app: str | None) -> Iterator[None]:
    """While a route of ``app`` runs: reaching a space where ``app`` is off is a 404."""
    token = _serving_app.set(app)
    try:
        yield
    finally:
        _serving_app.reset(token)


def check_serving_app(space: Space) -> None:
    """404 when the route being served belongs to an app that is off in ``space``. Called by
    every function that builds a ``SpaceAccess``; a fast path building one itself calls it too."""
    app = _serving_app.get()
    if app is not None and not app_enabled(space, app):
        raise NotFound()


def list_knowable_space_ids(user: Any, ids: Any) -> set[int]:
    """Among ``ids``, the spaces ``user`` may know exist (one query): listed and public ones,
    those they belong to and those under a space they administer."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    knowable = Q(visibility__in=[Visibility.LISTED, Visibility.PUBLIC])
    if getattr(user, "is_authenticated", False):
        member_of = Membership.objects.filter(user=user).values("space_id")
        admin_of = Membership.objects.filter(user=user, role__in=_ADMIN_ROLES).values("space_id")
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
    check_serving_app(space)
    if getattr(user, "is_authenticated", False):
        membership = _fetch_membership(space.pk, user.pk)
        if membership is not None:
            return _require(_member_access(user, space, membership), role)
    return _access_without_membership(user, space, role)


_ADMIN_ROLES = (Role.OWNER, Role.ADMIN)


def _member_access(user: Any, space: Space, membership: Membership) -> SpaceAccess:
    """A member's access: their role here, unless they administer a space above (an admin of
    the parent who joined a sub-space as a guest is its admin, as everywhere else)."""
    if membership.role not in _ADMIN_ROLES and space.parent_id is not None and _administers_above(user, space):
        return SpaceAccess(space, user, membership, Role.ADMIN, inherited=True)
    return SpaceAccess(space, user, membership, membership.role)


def _administers_above(user: Any, space: Space) -> bool:
    ancestors = space.ancestor_ids()
    return bool(ancestors) and Membership.objects.filter(space_id__in=ancestors, user=user, role__in=_ADMIN_ROLES).exists()


@functools.cache
def _membership_lookup(vendor: str) -> tuple[str, fastsql.Columns]:
    """``Membership.objects.filter(space=…, user=…).first()`` as SQL built once (see
    :func:`_space_lookup`)."""
    m = fastsql.columns(Membership, "m")
    return (
        f"SELECT {m.sql} FROM {fastsql.table(Membership)} m"
        f" WHERE {fastsql.column(Membership, 'space', 'm')} = %s AND {fastsql.column(Membership, 'user', 'm')} = %s"
        " ORDER BY m.id ASC LIMIT 1"
    ), m


def _fetch_membership(space_id: int, user_id: int) -> Membership | None:
    sql, m = _membership_lookup(connection.vendor)
    row = fastsql.fetch_one(sql, [space_id, user_id])
    if row is None:
        return None
    return fastsql.instance(Membership, fastsql.convert(row, m.converters))  # type: ignore[no-any-return]


def _access_without_membership(user: Any, space: Space, role: str | None) -> SpaceAccess:
    """Access for a caller who is not a member of ``space`` (signed out, or not joined)."""
    if getattr(user, "is_authenticated", False) and _administers_above(user, space):
        return _require(SpaceAccess(space, user, None, Role.ADMIN, inherited=True), role)
    if space.visibility in (Visibility.LISTED, Visibility.PUBLIC):
        return _require(SpaceAccess(space, user, None, None), role)
    raise NotFound()


@functools.cache
def _space_lookup(vendor: str) -> tuple[str, list[fastsql.Converter], int]:
    """The query of :func:`access_space` as SQL, with each column's converters.

    The space by slug with its parent and grandparent (``select_related("parent__parent")``)
    and the caller's membership, in one query built once from the models' metadata: compiling
    the two equivalent ORM queries cost ~1 ms of CPU on every request that names a space
    (measured with ``plaza bench`` on the feed page), running them a few dozen microseconds.
    """
    parts = [fastsql.columns(model, alias) for model, alias in ((Space, "s"), (Space, "p"), (Space, "g"), (Membership, "m"))]
    space, membership = fastsql.table(Space), fastsql.table(Membership)
    parent = fastsql.column(Space, "parent")
    m_space, m_user = fastsql.column(Membership, "space", "m"), fastsql.column(Membership, "user", "m")
    sql = (
        f"SELECT {', '.join(part.sql for part in parts)} FROM {space} s"
        f" LEFT OUTER JOIN {space} p ON p.id = s.{parent}"
        f" LEFT OUTER JOIN {space} g ON g.id = p.{parent}"
        f" LEFT OUTER JOIN {membership} m ON {m_space} = s.id AND {m_user} = %(user)s"
        f" WHERE s.{fastsql.column(Space, 'slug')} = %(slug)s"
    )
    return sql, [c for part in parts for c in part.converters], len(parts[0])


def _fetch_space(slug: str, user_id: int | None) -> tuple[Space | None, Membership | None]:
    """The space ``slug`` (parent chain loaded) and ``user_id``'s membership of it. One query,
    prepared on PostgreSQL (planning it cost ~0.3 ms, running it ~0.07 ms)."""
    sql, converters, n_space = _space_lookup(connection.vendor)
    rows = fastsql.fetch_all_prepared(sql, {"user": user_id, "slug": slug})
    if not rows:
        return None, None
    row = rows[0]
    values = fastsql.convert(row, converters)
    spaces = [fastsql.instance(Space, values[i * n_space : (i + 1) * n_space]) for i in range(3)]
    parent_field = Space._meta.get_field("parent")
    for child, parent in ((spaces[0], spaces[1]), (spaces[1], spaces[2])):
        if child is not None:
            parent_field.set_cached_value(child, parent)
    return spaces[0], fastsql.instance(Membership, values[3 * n_space :])


def access_space(user: Any, slug: str, *, role: str | None = None) -> SpaceAccess:
    """The caller's access to the space ``slug``.

    ``role`` is the least role the call needs: a signed-out caller gets 401, a caller who
    may know the space but lacks the role 403, and anyone who may not know it 404.
    """
    authenticated = getattr(user, "is_authenticated", False)
    space, membership = _fetch_space(slug, user.pk if authenticated else None)
    if space is None:
        raise NotFound()
    check_serving_app(space)
    if membership is not None:
        return _require(_member_access(user, space, membership), role)
    return _access_without_membership(user, space, role)


def can_see_team(acc: SpaceAccess, team: Team, team_membership: TeamMembership | None) -> bool:
    if acc.is_admin or team_membership is not None:
        return True
    return acc.is_member and team.visibility == "public"


def access_team(acc: SpaceAccess, team_id: int, *, for_write: bool = False) -> tuple[Team, TeamMembership | None]:
    """A team of ``acc.space`` the caller may see; ``for_write`` needs a team or space admin."""
    team = Team.objects.filter(
        space=acc.space,
        pk=team_id,
    ).first()
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


def access_row(
    user: Any, rows: QuerySet[M], *, can_see: Callable[[SpaceAccess, M], bool], signed_in: bool = False
) -> tuple[SpaceAccess, M]:
    """The one row of ``rows`` (a queryset naming it, e.g. ``Case.objects.filter(number=…)``)
    with the caller's access to its space, for routes that name only the row.

    404 when there is no such row, when its space is hidden from the caller, or when
    ``can_see(acc, row)`` says no; 401 first for a signed-out caller when ``signed_in``.
    The row comes with its space's parent chain (``space__parent__parent``).
    """
    if signed_in and not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    row = rows.select_related("space__parent__parent").first()
    if row is None:
        raise NotFound()
    acc = space_access_for(user, row.space)  # type: ignore[attr-defined]
    if not can_see(acc, row):
        raise NotFound()
    return acc, row


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


def knowable_spaces_q(user: Any) -> Q:
    """The spaces ``user`` may know exist, as a condition on Space (no extra query): listed
    and public ones, their own, and those they administer from a parent space."""
    shown = Q(visibility__in=[Visibility.LISTED, Visibility.PUBLIC])
    if not getattr(user, "is_authenticated", False):
        return shown
    joined = Membership.objects.filter(user=user).values("space_id")
    admin_of = Membership.objects.filter(user=user, role__in=_ADMIN_ROLES).values("space_id")
    return shown | Q(pk__in=joined) | Q(parent_id__in=admin_of) | Q(parent__parent_id__in=admin_of)


# --- the one rule for team-scoped content ---------------------------------------------------
#
# Posts, polls, events, blogs and the like belong to a space and, optionally, to one of its
# teams. Who sees which is decided here, once:
#
#   admins (of the space or of a space above it) see everything;
#   members see space-wide content, public teams' content and their own teams' content;
#   guests see their own teams' content;
#   visitors of a public space (signed out, or not joined) see space-wide content.
#
# ``SEES`` is that sentence as data. ``scope_q``/``visible_q`` render it as ORM conditions
# and ``scope_sql``/``visible_sql`` as SQL text for the fast paths; both renderings walk
# the same table, and ``tests/test_scope_rule.py`` checks they agree on random worlds.


class Audience(StrEnum):
    """What a caller is to one space, as far as team-scoped content goes."""

    ADMIN = "admin"
    MEMBER = "member"
    GUEST = "guest"
    PUBLIC_GUEST = "public_guest"  # a guest of a public space: what any visitor sees, and their teams
    VISITOR = "visitor"  # of a public space only; elsewhere a non-member is NONE
    NONE = "none"


class Part(StrEnum):
    """A slice of a space's team-scoped rows."""

    EVERYTHING = "everything"
    SPACE_WIDE = "space_wide"  # rows without a team
    PUBLIC_TEAMS = "public_teams"  # rows of a public team
    OWN_TEAMS = "own_teams"  # rows of a team the caller belongs to


SEES: dict[Audience, tuple[Part, ...]] = {
    Audience.ADMIN: (Part.EVERYTHING,),
    Audience.MEMBER: (Part.SPACE_WIDE, Part.PUBLIC_TEAMS, Part.OWN_TEAMS),
    Audience.GUEST: (Part.OWN_TEAMS,),
    Audience.PUBLIC_GUEST: (Part.SPACE_WIDE, Part.OWN_TEAMS),
    Audience.VISITOR: (Part.SPACE_WIDE,),
    Audience.NONE: (),
}

# For the "anywhere" form: which memberships give a part. A part seen by guests is seen by
# every member, one seen by members by every admin; visitors are no membership, so a part
# they see is also given by the space being public. Derived from ``SEES``, not restated.
_ROLES_OF: dict[Audience, tuple[str, ...]] = {
    Audience.ADMIN: (Role.OWNER, Role.ADMIN),
    Audience.MEMBER: (Role.OWNER, Role.ADMIN, Role.MEMBER),
    Audience.GUEST: (Role.OWNER, Role.ADMIN, Role.MEMBER, Role.GUEST),
}


def _given_by(part: Part) -> tuple[tuple[str, ...] | None, bool]:
    """The roles whose membership of a space shows ``part`` of it (None: admins only, through
    the ancestors too), and whether the space being public shows it to anyone."""
    if part is Part.EVERYTHING:
        return None, False
    lowest = [a for a in (Audience.GUEST, Audience.MEMBER, Audience.ADMIN) if part in SEES[a]]
    return _ROLES_OF[lowest[0]], part in SEES[Audience.VISITOR]


def audience_of(acc: SpaceAccess, *, at_most: Audience | None = None) -> Audience:
    """The caller's audience in ``acc.space``. ``at_most=GUEST`` treats every non-admin as a
    guest (cases: only admins and the reviewer team see a case)."""
    if acc.is_admin:
        return Audience.ADMIN
    if at_most is Audience.GUEST:
        return Audience.GUEST if acc.joined else Audience.NONE
    if acc.is_member:
        return Audience.MEMBER
    if acc.is_guest:
        return Audience.PUBLIC_GUEST if acc.space.visibility == Visibility.PUBLIC else Audience.GUEST
    if acc.space.visibility == Visibility.PUBLIC:
        return Audience.VISITOR
    return Audience.NONE


def sees(acc: SpaceAccess, part: Part) -> bool:
    """Whether the caller sees ``part`` of ``acc.space`` (e.g. space-wide content)."""
    shown = SEES[audience_of(acc)]
    return Part.EVERYTHING in shown or part in shown


def can_see_scoped(acc: SpaceAccess, team: Team | None, team_membership: TeamMembership | None) -> bool:
    """Whether the caller sees a row of ``acc.space`` in ``team`` (None: space-wide), given
    its membership of that team (None: not a member); :func:`scope_q` for one row."""
    shown = SEES[audience_of(acc)]
    if Part.EVERYTHING in shown:
        return True
    if team is None:
        return Part.SPACE_WIDE in shown
    if Part.PUBLIC_TEAMS in shown and team.visibility == TeamVisibility.PUBLIC:
        return True
    return Part.OWN_TEAMS in shown and team_membership is not None


def count_people_who_may_see(space: Space) -> int:
    """An upper bound of ``len(list_people_who_see(space, team))`` for any team: the
    memberships of the space and of its parent chain. One query without the ORM's compiler:
    every post asks it (``core.realtime`` picks one message per person or one per space)."""
    ids = [space.pk, *space.ancestor_ids()]
    row = fastsql.fetch_one(_count_memberships_sql(connection.vendor, len(ids)), ids)
    return int(row[0]) if row else 0


@functools.cache
def _count_memberships_sql(vendor: str, count: int) -> str:
    return fastsql.render("SELECT COUNT(*) FROM {m} m WHERE {m.space} IN ({ids})", {"m": Membership},
                          ids=", ".join(["%s"] * count))


def list_people_who_see(space: Space, team: Team | None, user_ids: Iterable[int] | None = None) -> set[int]:
    """Among ``user_ids`` (None: everyone), the people who see a row of ``space`` in ``team``.

    Two queries at most. Visitors of a public space are not counted: only people in the
    space (or administering it from a parent space) are notified or pushed events.
    """
    rows = Membership.objects.filter(space_id__in=[space.pk, *space.ancestor_ids()])
    if user_ids is not None:
        user_ids = set(user_ids)
        if not user_ids:
            return set()
        rows = rows.filter(user_id__in=user_ids)
    seeing: set[int] = set()
    here: dict[int, str] = {}
    for uid, sid, role in rows.values_list("user_id", "space_id", "role"):
        if role in _ROLES_OF[Audience.ADMIN]:
            seeing.add(uid)
        if sid == space.pk:
            here[uid] = role
    if team is None:
        parts = [Part.SPACE_WIDE]
    elif team.visibility == TeamVisibility.PUBLIC:
        parts = [Part.PUBLIC_TEAMS, Part.OWN_TEAMS]
    else:
        parts = [Part.OWN_TEAMS]
    shown_to_all = space.visibility == Visibility.PUBLIC
    for part in parts:
        roles, public = _given_by(part)
        # What a public space shows anyone, it shows everyone in it (guests included).
        holders = {
            uid for uid, role in here.items() if roles is not None and (role in roles or (public and shown_to_all))
        } - seeing
        if part is Part.OWN_TEAMS and holders:
            holders = set(TeamMembership.objects.filter(team=team, user_id__in=holders).values_list("user_id", flat=True))
        elif part is Part.OWN_TEAMS:
            holders = set()
        seeing |= holders
    return seeing


def _own_teams(user: Any, space: Space | None = None) -> Any:
    rows = TeamMembership.objects.filter(user=user)
    if space is not None:
        rows = rows.filter(space=space)
    return rows.values("team_id")


def _part_q(part: Part, user: Any, team_field: str, space: Space | None = None) -> Q:
    """One part as a condition on the team (``Part.EVERYTHING`` is no condition: callers
    handle it before, as ``Q()`` vanishes when or-ed)."""
    if part is Part.SPACE_WIDE:
        return Q(**{f"{team_field}__isnull": True})
    if part is Part.PUBLIC_TEAMS:
        return Q(**{f"{team_field}__visibility": TeamVisibility.PUBLIC})
    return Q(**{f"{team_field}__in": _own_teams(user, space)})


def scope_q(acc: SpaceAccess, *, space_field: str = "space", team_field: str = "team", at_most: Audience | None = None) -> Q:
    """The rows of ``acc.space`` the caller sees, as a condition on a model whose space and
    team are ``space_field`` and ``team_field`` (paths, e.g. ``case_type__reviewer_team``)."""
    parts = SEES[audience_of(acc, at_most=at_most)]
    if not parts:
        return Q(pk__in=[])
    in_space = Q(**{space_field: acc.space})
    if Part.EVERYTHING in parts:
        return in_space
    return in_space & functools.reduce(operator.or_, (_part_q(part, acc.user, team_field, acc.space) for part in parts))


def admin_spaces_q(user: Any, *, space_field: str = "space") -> Q:
    """Rows of the spaces ``user`` administers, directly or from a space above (two levels)."""
    admin_of = Membership.objects.filter(user=user, role__in=_ROLES_OF[Audience.ADMIN]).values("space_id")
    return (
        Q(**{f"{space_field}_id__in": admin_of})
        | Q(**{f"{space_field}__parent_id__in": admin_of})
        | Q(**{f"{space_field}__parent__parent_id__in": admin_of})
    )


def visible_q(user: Any, *, space_field: str = "space", team_field: str = "team", at_most: Audience | None = None) -> Q:
    """The rows anywhere that ``user`` sees, as one condition (subqueries, no extra query)."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    shown = [admin_spaces_q(user, space_field=space_field)] if authenticated else []
    for part in Part:
        roles, public = _given_by(part)
        if roles is None or (at_most is Audience.GUEST and part not in SEES[Audience.GUEST]):
            continue
        given = [Q(**{f"{space_field}__visibility": Visibility.PUBLIC})] if public and at_most is None else []
        if authenticated:
            member_of = Membership.objects.filter(user=user, role__in=roles).values("space_id")
            given.append(Q(**{f"{space_field}_id__in": member_of}))
        if given:
            shown.append(functools.reduce(operator.or_, given) & _part_q(part, user, team_field))
    return functools.reduce(operator.or_, shown) if shown else Q(pk__in=[])


# The SQL forms take these parameters; ``scope_params`` gives their values.
#   %(space)s the space, %(user)s the caller (NULL signed out), %(public)s "public",
#   %(role_<role>)s each role.


def scope_params(space_id: int | None, user_id: int | None) -> dict[str, Any]:
    params: dict[str, Any] = {"space": space_id, "user": user_id, "public": Visibility.PUBLIC.value}
    params.update({f"role_{role.value}": role.value for role in Role})
    return params


def _roles_sql(roles: tuple[str, ...]) -> str:
    return ", ".join(f"%(role_{Role(role).value})s" for role in roles)


def _part_sql(part: Part, team_column: str, team_alias: str, space_id: str | None) -> str:
    if part is Part.EVERYTHING:
        return "1 = 1"
    if part is Part.SPACE_WIDE:
        return f"{team_column} IS NULL"
    if part is Part.PUBLIC_TEAMS:
        return f"{team_alias}.{fastsql.column(Team, 'visibility')} = %(public)s"
    mine = f"SELECT tm.{fastsql.column(TeamMembership, 'team')} FROM {fastsql.table(TeamMembership)} tm WHERE tm.{fastsql.column(TeamMembership, 'user')} = %(user)s"
    if space_id is not None:
        mine += f" AND tm.{fastsql.column(TeamMembership, 'space')} = {space_id}"
    return f"{team_column} IN ({mine})"


def scope_sql(audience: Audience, *, team_column: str, team_alias: str) -> tuple[str, bool]:
    """:func:`scope_q` for a caller of ``audience`` as SQL on rows already narrowed to
    ``%(space)s``; also whether it reads the team joined as ``team_alias``."""
    parts = SEES[audience]
    if not parts:
        return "1 = 0", False
    sql = [_part_sql(part, team_column, team_alias, "%(space)s") for part in parts]
    joined = Part.PUBLIC_TEAMS in parts
    return (sql[0] if len(sql) == 1 else "(" + " OR ".join(sql) + ")"), joined


def visible_sql(
    authenticated: bool, *, space_column: str, team_column: str, space_alias: str, parent_alias: str, team_alias: str
) -> str:
    """:func:`visible_q` as SQL on a row whose space and team columns are ``space_column`` and
    ``team_column``; ``space_alias`` is its space joined, ``parent_alias`` that space's parent
    and ``team_alias`` its team (both LEFT JOINs)."""
    membership = fastsql.table(Membership)
    space_col, user_col, role_col = (fastsql.column(Membership, f) for f in ("space", "user", "role"))

    def member_of(roles: tuple[str, ...]) -> str:
        return f"SELECT m.{space_col} FROM {membership} m WHERE m.{user_col} = %(user)s AND m.{role_col} IN ({_roles_sql(roles)})"

    parent = fastsql.column(Space, "parent")
    shown: list[str] = []
    if authenticated:
        admin_of = member_of(_ROLES_OF[Audience.ADMIN])
        shown += [
            f"{space_column} IN ({admin_of})",
            f"{space_alias}.{parent} IN ({admin_of})",
            f"{parent_alias}.{parent} IN ({admin_of})",
        ]
    for part in Part:
        roles, public = _given_by(part)
        if roles is None:
            continue
        given = [f"{space_alias}.{fastsql.column(Space, 'visibility')} = %(public)s"] if public else []
        if authenticated:
            given.append(f"{space_column} IN ({member_of(roles)})")
        if given:
            who = given[0] if len(given) == 1 else "(" + " OR ".join(given) + ")"
            shown.append(f"({who} AND {_part_sql(part, team_column, team_alias, None)})")
    return "(" + " OR ".join(shown) + ")"


# --- content hidden by moderators -----------------------------------------------------------
#
# A reported thing that a space's admins hide (``moderation``) stays in its table with
# ``hidden_at`` set. It is seen by the space's admins (of the space or one above) and by its
# author, marked "hidden by moderators"; everyone else sees nothing of it, as if deleted.
# These are the forms of that one rule: per space (``acc``), anywhere (``user``), one row,
# and SQL for the fast paths.


def can_see_hidden(acc: SpaceAccess, hidden_at: Any, author_id: int | None) -> bool:
    """Whether the caller sees a row of ``acc.space`` with this ``hidden_at`` and author."""
    if hidden_at is None or acc.is_admin:
        return True
    return bool(getattr(acc.user, "is_authenticated", False)) and author_id is not None and author_id == acc.user.pk


def unhidden_q(acc: SpaceAccess, *, author_field: str = "author", hidden_field: str = "hidden_at") -> Q:
    """The rows of ``acc.space`` not hidden from the caller (no condition for admins)."""
    if acc.is_admin:
        return Q()
    shown = Q(**{f"{hidden_field}__isnull": True})
    if getattr(acc.user, "is_authenticated", False):
        shown |= Q(**{author_field: acc.user.pk})
    return shown


def unhidden_visible_q(
    user: Any, *, space_field: str = "space", author_field: str = "author", hidden_field: str = "hidden_at"
) -> Q:
    """The rows anywhere not hidden from ``user``: not hidden, their own, or of a space they
    administer (:func:`admin_spaces_q`). And it with :func:`visible_q`."""
    shown = Q(**{f"{hidden_field}__isnull": True})
    if getattr(user, "is_authenticated", False):
        shown |= Q(**{author_field: user.pk}) | admin_spaces_q(user, space_field=space_field)
    return shown


def unhidden_sql(audience: Audience, *, hidden_column: str, author_column: str) -> str:
    """:func:`unhidden_q` as SQL (``%(user)s`` is the caller, NULL signed out)."""
    if audience is Audience.ADMIN:
        return "1 = 1"
    return f"({hidden_column} IS NULL OR {author_column} = %(user)s)"


def unhidden_visible_sql(
    authenticated: bool, *, hidden_column: str, author_column: str, space_column: str, space_alias: str, parent_alias: str
) -> str:
    """:func:`unhidden_visible_q` as SQL, on the aliases of :func:`visible_sql`."""
    if not authenticated:
        return f"{hidden_column} IS NULL"
    membership = fastsql.table(Membership)
    space_col, user_col, role_col = (fastsql.column(Membership, f) for f in ("space", "user", "role"))
    admin_of = (
        f"SELECT m.{space_col} FROM {membership} m WHERE m.{user_col} = %(user)s"
        f" AND m.{role_col} IN ({_roles_sql(_ROLES_OF[Audience.ADMIN])})"
    )
    parent = fastsql.column(Space, "parent")
    return (
        f"({hidden_column} IS NULL OR {author_column} = %(user)s OR {space_column} IN ({admin_of})"
        f" OR {space_alias}.{parent} IN ({admin_of}) OR {parent_alias}.{parent} IN ({admin_of}))"
    )
