"""Reads of the microblog. A feed page runs a fixed number of queries whatever it holds.

Every feed is newest first with keyset pagination on ``(created, id)``. Each post comes
with its author, space, counts, whether the viewer liked it (an EXISTS in the same query),
whether the viewer may see the original of a share (a condition in the same query), and its
topics and mentions (one prefetch query each).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from plaza.accounts.models import User
from plaza.core import fastsql
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.core.markdown import topic_key
from plaza.core.pagination import DEFAULT_LIMIT, clamp_limit, decode_cursor, encode_cursor, keyset_page
from plaza.feed.access import access_post, share_people_q, visible_posts_sql
from plaza.feed.models import Comment, Follow, Like, Mention, Post, PostTopic, Topic
from plaza.spaces.access import (
    Audience,
    SpaceAccess,
    audience_of,
    list_people_who_see,
    scope_params,
    scope_q,
    scope_sql,
    unhidden_q,
    unhidden_sql,
    unhidden_visible_q,
    visible_q,
)
from plaza.spaces.models import Membership, Space, Team, TeamMembership, Visibility
from plaza.spaces.queries import list_shared_spaces

Page = tuple[list[Post], str | None]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def feed_queryset(viewer: Any) -> QuerySet[Post]:
    """Live posts with everything a feed item shows, for ``viewer``. Filter it further."""
    qs = (
        Post.objects.filter(deleted=False)
        .select_related("author", "space", "team", "shared_post__author", "shared_post__space")
        .prefetch_related(
            Prefetch("post_topics", queryset=PostTopic.objects.select_related("topic").order_by("pk")),
            Prefetch("mentions", queryset=Mention.objects.select_related("user").order_by("pk")),
        )
        .annotate(
            shared_visible=Case(
                When(
                    Q(shared_post__deleted=False)
                    & visible_q(viewer, space_field="shared_post__space", team_field="shared_post__team")
                    & unhidden_visible_q(
                        viewer, space_field="shared_post__space", author_field="shared_post__author", hidden_field="shared_post__hidden_at"
                    ),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if _authenticated(viewer):
        qs = qs.annotate(liked_by_me=Exists(Like.objects.filter(post=OuterRef("pk"), user=viewer)))
    else:
        qs = qs.annotate(liked_by_me=Value(False, output_field=BooleanField()))
    return qs


def _check_readable(acc: SpaceAccess) -> None:
    """Visitors read only public spaces' feeds; a listed space's content is for members."""
    if acc.role or acc.space.visibility == Visibility.PUBLIC:
        return
    if not _authenticated(acc.user):
        raise NotAuthenticated()
    raise Forbidden()


def list_space_feed(
    acc: SpaceAccess,
    *,
    team_id: int | None = None,
    topic: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """The space's feed, or one team's, or one topic's.

    A team the caller may not see gives an empty page, exactly like a team that does not
    exist: the filter runs inside the visibility condition, so the page stays at a fixed
    number of queries and nothing about hidden teams leaks.
    """
    _check_readable(acc)
    qs = feed_queryset(acc.user).filter(scope_q(acc), unhidden_q(acc))
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if topic:
        qs = qs.filter(post_topics__topic__key=topic_key(topic))
    return keyset_page(qs, cursor=cursor, limit=limit)


def list_topic_feed(acc: SpaceAccess, name: str, *, cursor: str | None = None, limit: int | None = None) -> Page:
    return list_space_feed(acc, topic=name, cursor=cursor, limit=limit)


def list_pinned(acc: SpaceAccess, *, team_id: int | None = None) -> list[Post]:
    """Pinned posts of the space feed, most recently pinned first (for the first page)."""
    if not acc.role and acc.space.visibility != Visibility.PUBLIC:
        return []
    qs = feed_queryset(acc.user).filter(scope_q(acc), unhidden_q(acc), pinned_at__isnull=False)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    return list(qs.order_by("-pinned_at", "-pk")[:5])


def list_following_feed(user: Any, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """Posts by the people ``user`` follows, from every space where ``user`` may see them."""
    if not _authenticated(user):
        raise NotAuthenticated()
    followees = Follow.objects.filter(follower=user).values("followee_id")
    qs = feed_queryset(user).filter(author_id__in=followees).filter(visible_q(user), unhidden_visible_q(user))
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_person(viewer: Any, handle: str) -> User:
    """A person the viewer may know: someone sharing a space with them (or themselves)."""
    if not _authenticated(viewer):
        raise NotAuthenticated()
    person = User.objects.filter(share_people_q(viewer), handle__iexact=handle, is_active=True).distinct().first()
    if person is None:
        raise NotFound()
    return person


def get_person_by_id(viewer: Any, person_id: int) -> User:
    """``get_person`` by id: the same people, the same 404 for everyone else."""
    if not _authenticated(viewer):
        raise NotAuthenticated()
    person = User.objects.filter(share_people_q(viewer), pk=person_id, is_active=True).distinct().first()
    if person is None:
        raise NotFound()
    return person


def get_profile(viewer: Any, person: User) -> dict[str, Any]:
    """What ``viewer`` reads of ``person``'s profile (page and ``GET /users/{id}``): the
    public fields, the contact details their visibility allows, the spaces both belong to
    (only ones the viewer is in) and whether the viewer follows them. ``person`` came from
    ``get_person``/``get_person_by_id``."""
    return {
        "id": person.pk, "name": person.name, "handle": person.handle, "avatar_url": person.avatar_url,
        "title": person.title, "organization": person.organization, "bio": person.bio,
        "contact": person.contact_for(getattr(viewer, "pk", None)),
        "shared_spaces": list_shared_spaces(viewer, person) if viewer.pk != person.pk else [],
        "following": is_following(viewer, person),
        "is_me": viewer.pk == person.pk,
    }


def list_person_feed(viewer: Any, person: User, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """``person``'s posts that ``viewer`` may see, across spaces."""
    qs = feed_queryset(viewer).filter(author=person).filter(visible_q(viewer), unhidden_visible_q(viewer))
    return keyset_page(qs, cursor=cursor, limit=limit)


def is_following(user: Any, person: User) -> bool:
    return _authenticated(user) and Follow.objects.filter(follower=user, followee=person).exists()


def get_post(acc_or_user: Any, post_id: int) -> tuple[SpaceAccess, Post]:
    """One visible post with everything a feed item shows (404 when not visible)."""
    acc, post = access_post(acc_or_user, post_id)
    return acc, feed_queryset(acc.user).get(pk=post.pk)


def list_comments(
    post: Post, *, acc: SpaceAccess | None = None, cursor: str | None = None, limit: int | None = None
) -> tuple[list[Comment], str | None]:
    """Comments of a post the caller (``acc``) was given through ``access_post``, newest
    first; those hidden by moderators only for the space's admins and their authors."""
    qs = Comment.objects.filter(space=post.space_id, post=post).select_related("author", "reply_to__author")
    qs = qs.filter(unhidden_q(acc)) if acc is not None else qs.filter(hidden_at__isnull=True)
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_topic(acc: SpaceAccess, name: str) -> Topic:
    _check_readable(acc)
    topic = Topic.objects.filter(space=acc.space, key=topic_key(name)).first()
    if topic is None:
        raise NotFound()
    return topic


def list_mention_candidates(acc: SpaceAccess, *, q: str, team_id: int | None = None, limit: int = 8) -> list[User]:
    """People the composer may suggest for ``@q``: those who could see a post to this
    audience (the space's full members for a space-wide post; for a team post, its members,
    the space's admins and, for a public team, the full members), and whom the writer may
    know. One query."""
    from plaza.spaces.access import access_team

    if not (acc.joined or acc.is_admin):
        raise NotFound()
    q = (q or "").strip().lstrip("@")[:30]
    if not q:
        return []
    admins = Membership.objects.filter(space=acc.space, role__in=["owner", "admin"]).values("user_id")
    full = Membership.objects.filter(space=acc.space, role__in=["owner", "admin", "member"]).values("user_id")
    if team_id is None:
        audience = Q(pk__in=full)
    else:
        team, _tm = access_team(acc, team_id)
        audience = Q(pk__in=TeamMembership.objects.filter(team=team).values("user_id")) | Q(pk__in=admins)
        if team.visibility == "public":
            audience |= Q(pk__in=full)
    return list(
        User.objects.filter(audience, is_active=True)
        .filter(share_people_q(acc.user))
        .filter(Q(handle__istartswith=q) | Q(name__icontains=q))
        .exclude(pk=acc.user.pk)
        .distinct()
        .order_by("handle")[:limit]
    )


# --- the space feed page as plain data (the API's hot path) ---------------------------------
#
# ``list_space_feed`` above builds the page from ORM querysets. Measured with ``plaza bench``
# (docs/benchmarks.md, findings 6 and 9), compiling those querysets, instantiating the models
# and running the two prefetches cost ~20-35 ms of CPU per page against ~0.5 ms of SQL. The page
# below runs the same conditions as SQL built once per (database vendor, shape) from the
# models' metadata, with Django's own converters, and returns dicts already in the shape of
# ``schemas.PostList``. One query, two when the page holds shares: the posts (with author,
# liked-by-me, topics and mentions), and the originals of its shares that the caller may see.
# The access rule is the one of ``spaces.access`` in its SQL form: ``scope_sql`` (which posts
# of the space) and ``visible_sql`` (whether the original of a share is shown); ``tests/test_feed_fast.py`` checks the two
# paths give byte-identical JSON for every persona.

_POST_COLUMNS = (
    "id", "body", "html", "created", "edited_at", "pinned_at", "like_count", "comment_count", "share_count",
    "team_id", "shared_post_id", "attachment_data", "hidden_at",
)
_ORIGINAL_COLUMNS = (
    "id", "body", "html", "created", "edited_at", "like_count", "comment_count", "share_count", "team_id",
    "attachment_data",
)
_USER_COLUMNS = ("id", "name", "handle", "avatar")


# Every alias of the page queries, bound to its model (``fastsql.render``).
_ALIASES: dict[str, Any] = {
    "p": Post, "u": User, "t": Team, "pt": PostTopic, "tp": Topic, "l": Like, "m": Mention, "mu": User,
    "sp": Post, "su": User, "ss": Space, "ssp": Space, "st": Team,
}


@functools.cache
def _space_feed_sql(
    vendor: str, *, audience: Audience, authenticated: bool, team: bool, topic: bool, cursor: bool, limit: int,
    one: bool = False,
) -> tuple[str, list[fastsql.Converter]]:
    """The page query for one shape, and the converters of its columns.

    ``limit`` is written into the text (an int, at most ``clamp_limit``'s largest plus one):
    PostgreSQL prepares the statement (``fastsql.fetch_all_prepared``), and a generic plan
    would guess a ``LIMIT $n`` at a tenth of the space's posts.

    ``audience`` is the caller's (``spaces.access.audience_of``); which posts of the space it
    sees is ``spaces.access.scope_sql``, the SQL form of the one rule.
    ``one`` narrows it to one post (``%(post)s``) whose visibility the caller checked.
    """
    post_cols = fastsql.columns(Post, "p", _POST_COLUMNS)
    author_cols = fastsql.columns(User, "u", _USER_COLUMNS)
    where = ["{p.space} = %(space)s", "{p.deleted} = %(no)s"]
    joins: list[str] = []
    # Which posts of the space the caller sees: the one rule (spaces.access), as SQL.
    seen, reads_team = scope_sql(audience, team_column=fastsql.column(Post, "team", "p"), team_alias="t")
    if reads_team:
        joins.append("LEFT OUTER JOIN {t} t ON {t.id} = {p.team}")
    if audience is not Audience.ADMIN:
        where.append("{seen}")
        # Hidden by moderators: only for the space's admins and the post's author.
        where.append(unhidden_sql(audience, hidden_column="{p.hidden_at}", author_column="{p.author}"))
    if team:
        where.append("{p.team} = %(team)s")
    if one:
        where.append("{p.id} = %(post)s")
    if topic:
        joins.append("INNER JOIN {pt} pt ON {pt.post} = {p.id}")
        joins.append("INNER JOIN {tp} tp ON {tp.id} = {pt.topic}")
        where.append("{tp.key} = %(topic)s")
    if cursor:
        where.append("({p.created} < %(created)s OR ({p.created} = %(created)s AND {p.id} < %(pk)s))")
    # The per-viewer and per-post parts (liked-by-me, topics, mentions) are computed in the
    # outer query, over the page's rows only: the inner query picks the page (filters, order,
    # LIMIT) and reads nothing else. With liked-by-me's EXISTS beside the filters, PostgreSQL
    # chose a hashed subplan over *all* the reader's likes in any space (3,001 rows, ~7 ms per
    # page for a reader of 3,000 posts, issue 17); over the ~21 rows of the page it is one probe
    # of the (post, user) index per post. ``tests/test_feed_heavy.py`` pins it with EXPLAIN ANALYZE.
    # On PostgreSQL a LATERAL subquery with LIMIT 1: the planner may still hash an EXISTS over
    # all the reader's likes when it thinks that cheaper (it did in the tests, over 21 rows), but
    # a LATERAL reference is a parameterized probe per row. SQLite runs EXISTS per row.
    liked_join = ""
    if not authenticated:
        liked = "1 = 0"
    elif vendor == "postgresql":
        liked = "lk.liked IS NOT NULL"
        liked_join = (" LEFT JOIN LATERAL (SELECT 1 AS liked FROM {l} l WHERE {l.post} = {p.id} AND {l.user} = %(user)s"
                      " LIMIT 1) lk ON TRUE")
    else:
        liked = "EXISTS (SELECT 1 FROM {l} l WHERE {l.post} = {p.id} AND {l.user} = %(user)s)"
    # Each post's topics and mentions as a JSON array of [row id, ...] (sorted by row id in
    # Python: SQLite before 3.44 cannot order inside an aggregate). In the page query rather
    # than a query of their own: under 16 concurrent requests every query costs the server
    # far more CPU than alone (thread switches around each database call), and this one
    # measured ~0.5 ms per page there.
    topics_from = "FROM {pt} pt INNER JOIN {tp} tp ON {tp.id} = {pt.topic} WHERE {pt.post} = {p.id}"
    mentions_from = "FROM {m} m INNER JOIN {mu} mu ON {mu.id} = {m.user} WHERE {m.post} = {p.id}"
    array, aggregate = ("json_build_array", "json_agg") if vendor == "postgresql" else ("json_array", "json_group_array")
    topics = f"(SELECT {aggregate}({array}({{pt.id}}, {{tp.name}})) {topics_from})"
    mentions = f"(SELECT {aggregate}({array}({{m.id}}, {{mu.id}}, {{mu.name}}, {{mu.handle}}, {{mu.avatar}})) {mentions_from})"
    page = (
        f"SELECT {{p.id}} AS page_id FROM {{p}} p {' '.join(joins)}"
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY {{p.created}} DESC, {{p.id}} DESC LIMIT {int(limit)}"
    )
    sql = fastsql.render(
        f"SELECT {{post_cols}}, {{author_cols}}, {liked}, {topics}, {mentions}"
        f" FROM ({page}) page INNER JOIN {{p}} p ON {{p.id}} = page.page_id"
        " INNER JOIN {u} u ON {u.id} = {p.author}"
        f"{liked_join}"
        " ORDER BY {p.created} DESC, {p.id} DESC",
        _ALIASES,
        post_cols=post_cols.sql,
        author_cols=author_cols.sql,
        seen=seen,
    )
    return sql, post_cols.converters + author_cols.converters + fastsql.no_conversion(3)


@functools.cache
def _originals_sql(vendor: str, *, authenticated: bool, count: int) -> tuple[str, list[fastsql.Converter]]:
    """The originals among ``count`` shared posts (``%(o0)s``…) that are live and that the
    caller may see, with their authors and spaces' slugs.

    A separate query, run only for pages holding shares: joined into the page query, these
    five tables made PostgreSQL spend ~5.5 ms planning every page (0.3 ms without them).
    """
    original_cols = fastsql.columns(Post, "sp", _ORIGINAL_COLUMNS)
    author_cols = fastsql.columns(User, "su", _USER_COLUMNS)
    sql = fastsql.render(
        "SELECT {original_cols}, {author_cols}, {ss.slug}"
        " FROM {sp} sp INNER JOIN {su} su ON {su.id} = {sp.author}"
        " INNER JOIN {ss} ss ON {ss.id} = {sp.space}"
        " LEFT OUTER JOIN {ssp} ssp ON {ssp.id} = {ss.parent}"
        " LEFT OUTER JOIN {st} st ON {st.id} = {sp.team}"
        " WHERE {sp.id} IN ({ids}) AND {sp.deleted} = %(no)s AND {visible}",
        _ALIASES,
        original_cols=original_cols.sql,
        author_cols=author_cols.sql,
        ids=fastsql.placeholders("o", count),
        visible=visible_posts_sql(authenticated),
    )
    return sql, original_cols.converters + author_cols.converters + fastsql.no_conversion(1)


_avatar_storage = None


def _person(pk: int, name: str, handle: str, avatar: str | None) -> dict[str, Any]:
    """``core.schemas.UserOut`` of a person, as ``User.avatar_url`` gives it."""
    global _avatar_storage
    url = None
    if avatar:
        if _avatar_storage is None:
            _avatar_storage = User._meta.get_field("avatar").storage
        url = _avatar_storage.url(avatar)
    return {"id": pk, "name": name, "handle": handle, "avatar_url": url}


def _attachments(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``schemas.UploadOut`` of each attachment summary, in the schema's field order."""
    return [
        {
            "id": a["id"], "name": a["name"], "size": a["size"], "content_type": a["content_type"],
            "url": f"/files/{a['id']}/", "is_image": a.get("is_image", False),
        }
        for a in data
    ]


def list_space_feed_data(
    acc: SpaceAccess,
    *,
    team_id: int | None = None,
    topic: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """:func:`list_space_feed` as ``schemas.PostOut`` dicts (same posts, same order, same
    cursor), in one query whatever the page holds (two when it holds shares)."""
    _check_readable(acc)
    size = clamp_limit(limit)
    params: dict[str, Any] = {}
    if team_id is not None:
        params["team"] = team_id
    if topic:
        params["topic"] = topic_key(topic)
    if cursor:
        created, pk = decode_cursor(cursor)
        params["created"] = _created_field().get_db_prep_value(created, connection, prepared=False)
        params["pk"] = pk
    rows = _fetch_rows(acc, params, audience=audience_of(acc), team=team_id is not None, topic=bool(topic), cursor=bool(cursor),
                       limit=size + 1)
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1][3], rows[-1][0])
    return _items(acc, rows), next_cursor


def get_post_data(acc: SpaceAccess, post_id: int) -> dict[str, Any]:
    """:func:`get_post`'s post as a ``schemas.PostOut`` dict, for a post of ``acc.space``
    that the caller was given by ``access.access_post`` (so may see). One or two queries."""
    rows = _fetch_rows(acc, {"post": post_id}, audience=Audience.ADMIN, team=False, topic=False, cursor=False, limit=1, one=True)
    if not rows:
        raise NotFound()
    return _items(acc, rows)[0]


# The page sizes whose statements are prepared: the default page (plus one row, to know there
# is a next page) and one post.
_PREPARED_LIMITS = (DEFAULT_LIMIT + 1, 1)


def _fetch_rows(acc: SpaceAccess, params: dict[str, Any], **shape: Any) -> list[list[Any]]:
    authenticated = _authenticated(acc.user)
    params.update(scope_params(acc.space.pk, acc.user.pk if authenticated else None), no=False)
    sql, converters = _space_feed_sql(connection.vendor, authenticated=authenticated, **shape)
    # Prepared (planned once per connection) for the pages everyone reads, the default page
    # and one post; another ?limit= is planned each time, so a client cannot fill a
    # connection with a hundred prepared statements.
    fetch = fastsql.fetch_all_prepared if shape["limit"] in _PREPARED_LIMITS else fastsql.fetch_all
    return fastsql.convert_rows(fetch(sql, params), converters)



def _items(acc: SpaceAccess, rows: list[list[Any]]) -> list[dict[str, Any]]:
    """The rows of :func:`_space_feed_sql` as PostOut dicts, with their topics and mentions."""
    if not rows:
        return []
    slug = acc.space.slug
    originals = _originals(acc, {r[10] for r in rows if r[10] is not None})
    items: list[dict[str, Any]] = []
    for r in rows:
        (pk, body, html, created, edited_at, pinned_at, likes, comments, shares, team, shared_id, attachments, hidden_at,
         a_id, a_name, a_handle, a_avatar, liked, topics, mentions) = r
        shared = originals.get(shared_id) if shared_id is not None else None
        item = {
            "id": pk, "body": body, "html": html, "author": _person(a_id, a_name, a_handle, a_avatar),
            "space": slug, "team_id": team, "created_at": created, "edited": edited_at is not None,
            "edited_at": edited_at, "pinned": pinned_at is not None, "like_count": likes,
            "comment_count": comments, "share_count": shares, "liked_by_me": bool(liked),
            "topics": [name for _row, name in _rows(topics)],
            "mentions": [_person(*person) for _row, *person in _rows(mentions)], "shared_post": shared, "is_share": shared_id is not None,
            "attachments": _attachments(attachments), "hidden": hidden_at is not None,
        }
        items.append(item)
    return items


def _rows(aggregated: Any) -> list[list[Any]]:
    """A JSON array of ``[row id, ...]`` from the page query (text on SQLite, a list or NULL
    on PostgreSQL), in row id order."""
    if not aggregated:
        return []
    rows = json.loads(aggregated) if isinstance(aggregated, str) else aggregated
    rows.sort(key=lambda row: row[0])
    return rows


def _originals(acc: SpaceAccess, ids: set[int]) -> dict[int, dict[str, Any]]:
    """``schemas.SharedPostOut`` of the originals among ``ids`` the caller may see, by id
    (``spaces.access.visible_q``); none and no query when the page holds no share."""
    if not ids:
        return {}
    authenticated = _authenticated(acc.user)
    params: dict[str, Any] = {f"o{i}": pk for i, pk in enumerate(sorted(ids))}
    params.update(scope_params(None, acc.user.pk if authenticated else None), no=False)
    sql, converters = _originals_sql(connection.vendor, authenticated=authenticated, count=len(ids))
    rows = fastsql.convert_rows(fastsql.fetch_all(sql, params), converters)
    found = {}
    for (o_id, o_body, o_html, o_created, o_edited_at, o_likes, o_comments, o_shares, o_team, o_attachments,
         oa_id, oa_name, oa_handle, oa_avatar, o_slug) in rows:
        found[o_id] = {
            "id": o_id, "body": o_body, "html": o_html, "author": _person(oa_id, oa_name, oa_handle, oa_avatar),
            "space": o_slug, "team_id": o_team, "created_at": o_created, "edited": o_edited_at is not None,
            "like_count": o_likes, "comment_count": o_comments, "share_count": o_shares,
            "attachments": _attachments(o_attachments),
        }
    return found


@functools.cache
def _created_field() -> Any:
    return Post._meta.get_field("created")


def list_share_blind_spots(post: Post, spaces: list[Space]) -> list[dict[str, Any]]:
    """For each space ``post`` could be shared into, who there will not see the original
    (they see "not available"): how many of its members, and whether its visitors (a public
    space) do not. Spaces where everybody sees the original are left out."""
    original_public = post.team_id is None and post.space.visibility == Visibility.PUBLIC
    out = []
    for space in spaces:
        if original_public:
            break
        members = set(Membership.objects.filter(space=space).values_list("user_id", flat=True))
        blind = members - list_people_who_see(post.space, post.team, members) if members else set()
        visitors = space.visibility == Visibility.PUBLIC
        if blind or visitors:
            out.append({"space": space, "blind": len(blind), "members": len(members), "visitors": visitors})
    return out


def list_pickable_people(user: Any, *, q: str = "", acc: SpaceAccess | None = None, limit: int | None = None) -> list[User]:
    """People ``user`` may choose in a people picker, by name, at most ``limit`` (one query).

    With ``acc``: members of that space (any role, guests too) — the people a group, a team or
    an announcement there may name — as far as the caller may know them (an admin governing
    it from a parent space knows them all). Without: everyone the caller may know, the people
    who share a space with them (whom mail may address). Never the caller.
    """
    if not _authenticated(user):
        raise NotAuthenticated()
    q = (q or "").strip().lstrip("@")[:50]
    qs = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if acc is None:
        qs = qs.filter(share_people_q(user))
    else:
        if not (acc.joined or acc.is_admin):
            raise Forbidden()
        qs = qs.filter(pk__in=Membership.objects.filter(space=acc.space).values("user_id"))
        if acc.joined and not acc.is_admin:
            qs = qs.filter(pk__in=User.objects.filter(share_people_q(user)).values("pk"))
    if q:
        qs = qs.filter(Q(handle__istartswith=q) | Q(name__icontains=q))
    return list(qs.distinct().order_by("name", "pk")[: clamp_limit(limit)])
