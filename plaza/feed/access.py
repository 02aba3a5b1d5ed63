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
from django.db.models import Model, Q

from plaza.core import fastsql
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.feed.models import Post
from plaza.spaces.access import (
    SpaceAccess,
    can_see_hidden,
    can_see_scoped,
    check_serving_app,
    scope_params,
    space_access_for,
    unhidden_visible_sql,
    visible_sql,
)
from plaza.spaces.models import Membership, Role, Space, Team, TeamMembership


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def visible_posts_sql(authenticated: bool) -> str:
    """``spaces.access.visible_sql`` on the aliases ``sp`` (the post), ``ss`` its space,
    ``ssp`` that space's parent and ``st`` its team (``queries._originals_sql``), less the
    posts hidden by moderators from the caller (``spaces.access.unhidden_visible_sql``)."""
    visible = visible_sql(
        authenticated,
        space_column=fastsql.column(Post, "space", "sp"),
        team_column=fastsql.column(Post, "team", "sp"),
        space_alias="ss",
        parent_alias="ssp",
        team_alias="st",
    )
    unhidden = unhidden_visible_sql(
        authenticated,
        hidden_column=fastsql.column(Post, "hidden_at", "sp"),
        author_column=fastsql.column(Post, "author", "sp"),
        space_column=fastsql.column(Post, "space", "sp"),
        space_alias="ss",
        parent_alias="ssp",
    )
    return f"{visible} AND {unhidden}"


def list_visible_post_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the live posts ``user`` may see now (one query).

    The condition of ``spaces.access.visible_q``, as SQL built once per shape (its SQL form,
    ``visible_sql``): it runs for every notification page and every notify about a post,
    and compiling the ORM condition was ~3 ms.
    ``tests/test_visible_posts.py`` checks both give the same answer for every persona.
    """
    ids = sorted({int(i) for i in ids})
    if not ids:
        return set()
    authenticated = _authenticated(user)
    params: dict[str, Any] = {f"id{i}": pk for i, pk in enumerate(ids)}
    params.update(scope_params(None, user.pk if authenticated else None), no=False)
    with connection.cursor() as cursor:
        cursor.execute(_visible_post_ids_sql(connection.vendor, authenticated, len(ids)), params)
        return {row[0] for row in cursor.fetchall()}


@functools.lru_cache(maxsize=256)
def _visible_post_ids_sql(vendor: str, authenticated: bool, count: int) -> str:
    return fastsql.render(
        "SELECT {sp.id} FROM {sp} sp INNER JOIN {ss} ss ON {ss.id} = {sp.space}"
        " LEFT OUTER JOIN {ssp} ssp ON {ssp.id} = {ss.parent} LEFT OUTER JOIN {st} st ON {st.id} = {sp.team}"
        " WHERE {sp.id} IN ({wanted}) AND {sp.deleted} = %(no)s AND {visible}",
        {"sp": Post, "ss": Space, "ssp": Space, "st": Team},
        wanted=fastsql.placeholders("id", count),
        visible=visible_posts_sql(authenticated),
    )


_UNKNOWN: Any = object()


def can_see_post(acc: SpaceAccess, post: Post, *, team_membership: Any = _UNKNOWN) -> bool:
    """``team_membership``: the caller's membership of the post's team when already read
    (None: not a member); by default it is read here when needed."""
    if post.space_id != acc.space.pk or post.deleted:
        return False
    if not can_see_hidden(acc, post.hidden_at, post.author_id):
        return False
    if post.team_id is not None and team_membership is _UNKNOWN:
        team_membership = None
        if _authenticated(acc.user) and acc.role:
            team_membership = TeamMembership.objects.filter(team_id=post.team_id, user=acc.user).first()
    return can_see_scoped(acc, post.team if post.team_id is not None else None, team_membership)


def access_post(acc_or_user: SpaceAccess | Any, post_id: int, *, for_write: bool = False) -> tuple[SpaceAccess, Post]:
    """The caller's access to the space of post ``post_id``, and the post.

    Given a SpaceAccess, the post must be in that space. ``for_write`` asks to edit it:
    only its author may (403 for others who can see it). Deleting and pinning are checked
    by their actions (author or admin; admin).

    One query (SQL built once, :func:`_post_lookup`): the post with its space and parent
    chain, team and author, and the caller's membership of the space and of the team.
    """
    given = acc_or_user if isinstance(acc_or_user, SpaceAccess) else None
    user: Any = given.user if given is not None else acc_or_user
    user_id = user.pk if _authenticated(user) else None
    found = _fetch_post(post_id, user_id, given.space.pk if given is not None else None)
    if found is None:
        raise NotFound()
    post, membership, team_membership = found
    if given is not None:
        acc = given
        Post._meta.get_field("space").set_cached_value(post, acc.space)
    elif membership is not None:
        check_serving_app(post.space)  # what space_access_for does, on this fast path
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
def _post_lookup(vendor: str, in_space: bool) -> tuple[str, list[fastsql.Columns]]:
    """The query of :func:`access_post`, built once from the models' metadata (the ORM
    query with its five joins cost ~1.5 ms of CPU to compile on every post read)."""
    from plaza.accounts.models import User

    aliases: dict[str, type[Model]] = {
        "x": Post, "s": Space, "sp": Space, "sg": Space, "t": Team, "u": User, "m": Membership, "tm": TeamMembership,
    }
    parts = [fastsql.columns(model, alias) for alias, model in aliases.items()]
    sql = fastsql.render(
        "SELECT {cols} FROM {x} x"
        " INNER JOIN {s} s ON {s.id} = {x.space}"
        " LEFT OUTER JOIN {sp} sp ON {sp.id} = {s.parent}"
        " LEFT OUTER JOIN {sg} sg ON {sg.id} = {sp.parent}"
        " LEFT OUTER JOIN {t} t ON {t.id} = {x.team}"
        " INNER JOIN {u} u ON {u.id} = {x.author}"
        " LEFT OUTER JOIN {m} m ON {m.space} = {x.space} AND {m.user} = %(user)s"
        " LEFT OUTER JOIN {tm} tm ON {tm.team} = {x.team} AND {tm.user} = %(user)s"
        " WHERE {x.id} = %(post)s AND {x.deleted} = %(no)s"
        + (" AND {x.space} = %(space)s" if in_space else "")
        + " ORDER BY {m.id}, {tm.id} LIMIT 1",
        aliases,
        cols=", ".join(part.sql for part in parts),
    )
    return sql, parts


def _fetch_post(post_id: int, user_id: int | None, space_id: int | None) -> tuple[Post, Membership | None, TeamMembership | None] | None:
    sql, parts = _post_lookup(connection.vendor, space_id is not None)
    row = fastsql.fetch_one(sql, {"post": post_id, "user": user_id, "no": False, "space": space_id})
    if row is None:
        return None
    objects: list[Any] = []
    at = 0
    for part in parts:
        objects.append(fastsql.instance(part.model, fastsql.convert(row[at:at + len(part)], part.converters)))
        at += len(part)
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
    full = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN, Role.MEMBER]).values("space_id")
    teams = TeamMembership.objects.filter(user=user).values("team_id")
    return Q(pk=user.pk) | Q(memberships__space_id__in=full) | Q(team_memberships__team_id__in=teams)
