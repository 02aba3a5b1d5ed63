"""Who may see and change posts. Missing and forbidden look the same: 404.

A post is visible when its space is visible to the viewer and it has no team or the team is
visible (``spaces.access.can_see_team``). Guests see only the posts of their own teams; in a
``public`` space, space-wide posts are readable by anyone, signed out included; in a
``listed`` space, content is for members only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q

from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.feed.models import Post
from plaza.spaces.access import SpaceAccess, can_see_team, space_access_for
from plaza.spaces.access import _attnames as _spaces_attnames
from plaza.spaces.access import _columns as _spaces_columns
from plaza.spaces.access import _convert as _spaces_convert
from plaza.spaces.models import Membership, Role, Space, Team, TeamMembership, Visibility

ADMIN_ROLES = [Role.OWNER, Role.ADMIN]
FULL_ROLES = [Role.OWNER, Role.ADMIN, Role.MEMBER]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def space_posts_q(acc: SpaceAccess) -> Q:
    """The posts of ``acc.space`` the caller may see, as a condition on Post."""
    if acc.is_admin:
        return Q(space=acc.space)
    if acc.is_member:
        mine = TeamMembership.objects.filter(space=acc.space, user=acc.user).values("team_id")
        return Q(space=acc.space) & (Q(team__isnull=True) | Q(team__visibility="public") | Q(team_id__in=mine))
    if acc.is_guest:
        mine = TeamMembership.objects.filter(space=acc.space, user=acc.user).values("team_id")
        return Q(space=acc.space, team_id__in=mine)
    if acc.space.visibility == Visibility.PUBLIC:
        return Q(space=acc.space, team__isnull=True)
    return Q(pk__in=[])


def visible_posts_q(user: Any, prefix: str = "") -> Q:
    """The posts anywhere that ``user`` may see, as one condition (subqueries, no extra query).

    ``prefix`` reaches the post through a relation (``"shared_post__"``).
    """
    p = prefix
    public = Q(**{f"{p}team__isnull": True, f"{p}space__visibility": Visibility.PUBLIC})
    if not _authenticated(user):
        return public
    admin_of = Membership.objects.filter(user=user, role__in=ADMIN_ROLES).values("space_id")
    full_of = Membership.objects.filter(user=user, role__in=FULL_ROLES).values("space_id")
    any_of = Membership.objects.filter(user=user).values("space_id")
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    return (
        public
        | Q(**{f"{p}space_id__in": admin_of})
        | Q(**{f"{p}space__parent_id__in": admin_of})
        | Q(**{f"{p}space__parent__parent_id__in": admin_of})
        | Q(**{f"{p}space_id__in": full_of, f"{p}team__isnull": True})
        | Q(**{f"{p}space_id__in": full_of, f"{p}team__visibility": "public"})
        | Q(**{f"{p}space_id__in": any_of, f"{p}team_id__in": my_teams})
    )


def visible_posts_sql(authenticated: bool) -> str:
    """:func:`visible_posts_q` as SQL on the aliases ``sp`` (the post), ``ss`` its space,
    ``ssp`` that space's parent and ``st`` its team (``queries._originals_sql``)."""
    qn = connection.ops.quote_name
    public = "(sp.team_id IS NULL AND ss.visibility = %(public)s)"
    if not authenticated:
        return public
    membership, team_membership = qn(Membership._meta.db_table), qn(TeamMembership._meta.db_table)
    admin_of = f"SELECT m.space_id FROM {membership} m WHERE m.user_id = %(user)s AND m.role IN (%(owner)s, %(admin)s)"
    full_of = (
        f"SELECT m.space_id FROM {membership} m WHERE m.user_id = %(user)s AND m.role IN (%(owner)s, %(admin)s, %(member)s)"
    )
    any_of = f"SELECT m.space_id FROM {membership} m WHERE m.user_id = %(user)s"
    my_teams = f"SELECT tm.team_id FROM {team_membership} tm WHERE tm.user_id = %(user)s"
    return (
        f"({public}"
        f" OR sp.space_id IN ({admin_of})"
        f" OR ss.parent_id IN ({admin_of})"
        f" OR ssp.parent_id IN ({admin_of})"
        f" OR (sp.space_id IN ({full_of}) AND sp.team_id IS NULL)"
        f" OR (sp.space_id IN ({full_of}) AND st.visibility = %(public)s)"
        f" OR (sp.space_id IN ({any_of}) AND sp.team_id IN ({my_teams})))"
    )


def list_visible_post_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the live posts ``user`` may see now (one query).

    The condition of :func:`visible_posts_q`, as SQL built once per shape (it runs for every
    notification page and every notify about a post: compiling the ORM condition was ~3 ms).
    ``tests/test_visible_posts.py`` checks both give the same answer for every persona.
    """
    ids = sorted({int(i) for i in ids})
    if not ids:
        return set()
    authenticated = _authenticated(user)
    params: dict[str, Any] = {f"id{i}": pk for i, pk in enumerate(ids)}
    params.update(
        no=False, public=Visibility.PUBLIC.value, owner=Role.OWNER.value, admin=Role.ADMIN.value,
        member=Role.MEMBER.value, user=user.pk if authenticated else None,
    )
    with connection.cursor() as cursor:
        cursor.execute(_visible_post_ids_sql(connection.vendor, authenticated, len(ids)), params)
        return {row[0] for row in cursor.fetchall()}


@functools.lru_cache(maxsize=256)
def _visible_post_ids_sql(vendor: str, authenticated: bool, count: int) -> str:
    qn = connection.ops.quote_name
    post, space, team = (qn(m._meta.db_table) for m in (Post, Space, Team))
    wanted = ", ".join(f"%(id{i})s" for i in range(count))
    return (
        f"SELECT sp.id FROM {post} sp INNER JOIN {space} ss ON ss.id = sp.space_id"
        f" LEFT OUTER JOIN {space} ssp ON ssp.id = ss.parent_id LEFT OUTER JOIN {team} st ON st.id = sp.team_id"
        f" WHERE sp.id IN ({wanted}) AND sp.deleted = %(no)s AND {visible_posts_sql(authenticated)}"
    )


def list_people_who_see(space: Space, team: Team | None, user_ids: Iterable[int] | None = None) -> set[int]:
    """Among ``user_ids`` (None: everyone), the people who may see a post of ``space``/``team``.

    Two queries at most. Visitors of a public space are not counted: only people in the
    space (or administering it from a parent space) are notified or pushed events.
    """
    scope = [space.pk, *space.ancestor_ids()]
    rows = Membership.objects.filter(space_id__in=scope)
    if user_ids is not None:
        user_ids = set(user_ids)
        if not user_ids:
            return set()
        rows = rows.filter(user_id__in=user_ids)
    rows = rows.values_list("user_id", "space_id", "role")
    admins: set[int] = set()
    full: set[int] = set()
    guests: set[int] = set()
    for uid, sid, role in rows:
        if role in ADMIN_ROLES:
            admins.add(uid)
        if sid != space.pk:
            continue
        if role in FULL_ROLES:
            full.add(uid)
        else:
            guests.add(uid)
    if team is None:
        return admins | full
    if team.visibility == "public":
        seeing = admins | full
        rest = guests - seeing
    else:
        seeing = set(admins)
        rest = (full | guests) - seeing
    if rest:
        seeing |= set(TeamMembership.objects.filter(team=team, user_id__in=rest).values_list("user_id", flat=True))
    return seeing


_UNKNOWN: Any = object()


def can_see_post(acc: SpaceAccess, post: Post, *, team_membership: Any = _UNKNOWN) -> bool:
    """``team_membership``: the caller's membership of the post's team when already read
    (None: not a member); by default it is read here when needed."""
    if post.space_id != acc.space.pk or post.deleted:
        return False
    if not acc.role:
        return acc.space.visibility == Visibility.PUBLIC and post.team_id is None
    if post.team_id is None:
        return not acc.is_guest or acc.is_admin
    if team_membership is _UNKNOWN:
        team_membership = None
        if _authenticated(acc.user):
            team_membership = TeamMembership.objects.filter(team_id=post.team_id, user=acc.user).first()
    return can_see_team(acc, post.team, team_membership)  # type: ignore[arg-type]


def access_post(acc_or_user: SpaceAccess | Any, post_id: int, *, for_write: bool = False) -> tuple[SpaceAccess, Post]:
    """The caller's access to the space of post ``post_id``, and the post.

    Given a SpaceAccess, the post must be in that space. ``for_write`` asks to edit it:
    only its author may (403 for others who can see it). Deleting and pinning are checked
    by their actions (author or admin; admin).

    One query (SQL built once, :func:`_post_lookup`): the post with its space and parent
    chain, team and author, and the caller's membership of the space and of the team.
    """
    given = acc_or_user if isinstance(acc_or_user, SpaceAccess) else None
    user = given.user if given is not None else acc_or_user
    user_id = user.pk if _authenticated(user) else None
    found = _fetch_post(post_id, user_id, given.space.pk if given is not None else None)
    if found is None:
        raise NotFound()
    post, membership, team_membership = found
    if given is not None:
        acc = given
        Post._meta.get_field("space").set_cached_value(post, acc.space)
    elif membership is not None:
        acc = SpaceAccess(post.space, user, membership, membership.role)
    else:
        acc = space_access_for(user, post.space)  # not a member: admin of a parent, or a visitor
    if not can_see_post(acc, post, team_membership=team_membership if user_id is not None else None):
        raise NotFound()
    if for_write:
        if not _authenticated(acc.user):
            raise NotAuthenticated()
        if post.author_id != acc.user.pk:
            raise Forbidden()
    return acc, post


@functools.cache
def _post_lookup(vendor: str, in_space: bool) -> tuple[str, list[tuple[list[Any], Any]], list[tuple[Any, int]]]:
    """The query of :func:`access_post`, built once from the models' metadata (the ORM
    query with its five joins cost ~1.5 ms of CPU to compile on every post read)."""
    from plaza.accounts.models import User

    qn = connection.ops.quote_name
    parts = ((Post, "x"), (Space, "s"), (Space, "sp"), (Space, "sg"), (Team, "t"), (User, "u"), (Membership, "m"),
             (TeamMembership, "tm"))
    columns: list[str] = []
    converters: list[tuple[list[Any], Any]] = []
    shape: list[tuple[Any, int]] = []
    for model, alias in parts:
        cols, convs = _spaces_columns(model, alias)
        columns += cols
        converters += convs
        shape.append((model, len(cols)))
    t = {m: qn(m._meta.db_table) for m, _ in parts}
    sql = (
        f"SELECT {', '.join(columns)} FROM {t[Post]} x"
        f" INNER JOIN {t[Space]} s ON s.id = x.space_id"
        f" LEFT OUTER JOIN {t[Space]} sp ON sp.id = s.parent_id"
        f" LEFT OUTER JOIN {t[Space]} sg ON sg.id = sp.parent_id"
        f" LEFT OUTER JOIN {t[Team]} t ON t.id = x.team_id"
        f" INNER JOIN {t[User]} u ON u.id = x.author_id"
        f" LEFT OUTER JOIN {t[Membership]} m ON m.space_id = x.space_id AND m.user_id = %(user)s"
        f" LEFT OUTER JOIN {t[TeamMembership]} tm ON tm.team_id = x.team_id AND tm.user_id = %(user)s"
        " WHERE x.id = %(post)s AND x.deleted = %(no)s"
        + (" AND x.space_id = %(space)s" if in_space else "")
        + " ORDER BY m.id, tm.id LIMIT 1"
    )
    return sql, converters, shape


def _fetch_post(post_id: int, user_id: int | None, space_id: int | None) -> tuple[Post, Membership | None, TeamMembership | None] | None:
    sql, converters, shape = _post_lookup(connection.vendor, space_id is not None)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"post": post_id, "user": user_id, "no": False, "space": space_id})
        row = cursor.fetchone()
    if row is None:
        return None
    values = _spaces_convert(row, converters)
    objects: list[Any] = []
    at = 0
    for model, width in shape:
        part = values[at:at + width]
        at += width
        objects.append(model.from_db(connection.alias, _spaces_attnames(model), part) if part[0] is not None else None)
    post, space, parent, grandparent, team, author, membership, team_membership = objects
    parent_field = Space._meta.get_field("parent")
    for child, above in ((space, parent), (parent, grandparent)):
        if child is not None:
            parent_field.set_cached_value(child, above)
    Post._meta.get_field("space").set_cached_value(post, space)
    Post._meta.get_field("team").set_cached_value(post, team)
    Post._meta.get_field("author").set_cached_value(post, author)
    return post, membership, team_membership


def can_delete_post(acc: SpaceAccess, post: Post) -> bool:
    return _authenticated(acc.user) and (post.author_id == acc.user.pk or acc.is_admin)


def can_post_in(acc: SpaceAccess, team: Team | None, team_membership: TeamMembership | None) -> bool:
    """Full members post space-wide; in a team, its members and the space's admins post."""
    if acc.is_admin:
        return True
    if team is None:
        return acc.is_member
    return acc.joined and team_membership is not None


def share_people_q(user: Any) -> Q:
    """People ``user`` may know, as a condition on User: themselves, everyone in a space
    where ``user`` is a full member, and — for guests — the people of their teams."""
    full = Membership.objects.filter(user=user, role__in=FULL_ROLES).values("space_id")
    teams = TeamMembership.objects.filter(user=user).values("team_id")
    return Q(pk=user.pk) | Q(memberships__space_id__in=full) | Q(team_memberships__team_id__in=teams)
