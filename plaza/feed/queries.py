"""Reads of the microblog. A feed page runs a fixed number of queries whatever it holds.

Every feed is newest first with keyset pagination on ``(created, id)``. Each post comes
with its author, space, counts, whether the viewer liked it (an EXISTS in the same query),
whether the viewer may see the original of a share (a condition in the same query), and its
topics and mentions (one prefetch query each).
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from plaza.accounts.models import User
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.core.markdown import topic_key
from plaza.core.pagination import keyset_page
from plaza.feed.access import access_post, share_people_q, space_posts_q, visible_posts_q
from plaza.feed.models import Attachment, Comment, Follow, Like, Mention, Post, PostTopic, Topic
from plaza.spaces.access import SpaceAccess
from plaza.spaces.models import Visibility

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
                When(Q(shared_post__deleted=False) & visible_posts_q(viewer, "shared_post__"), then=Value(True)),
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
    qs = feed_queryset(acc.user).filter(space_posts_q(acc))
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
    qs = feed_queryset(acc.user).filter(space_posts_q(acc), pinned_at__isnull=False)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    return list(qs.order_by("-pinned_at", "-pk")[:5])


def list_following_feed(user: Any, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """Posts by the people ``user`` follows, from every space where ``user`` may see them."""
    if not _authenticated(user):
        raise NotAuthenticated()
    followees = Follow.objects.filter(follower=user).values("followee_id")
    qs = feed_queryset(user).filter(author_id__in=followees).filter(visible_posts_q(user))
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_person(viewer: Any, handle: str) -> User:
    """A person the viewer may know: someone sharing a space with them (or themselves)."""
    if not _authenticated(viewer):
        raise NotAuthenticated()
    person = User.objects.filter(share_people_q(viewer), handle__iexact=handle, is_active=True).distinct().first()
    if person is None:
        raise NotFound()
    return person


def list_person_feed(viewer: Any, person: User, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """``person``'s posts that ``viewer`` may see, across spaces."""
    qs = feed_queryset(viewer).filter(author=person).filter(visible_posts_q(viewer))
    return keyset_page(qs, cursor=cursor, limit=limit)


def is_following(user: Any, person: User) -> bool:
    return _authenticated(user) and Follow.objects.filter(follower=user, followee=person).exists()


def get_post(acc_or_user: Any, post_id: int) -> tuple[SpaceAccess, Post]:
    """One visible post with everything a feed item shows (404 when not visible)."""
    acc, post = access_post(acc_or_user, post_id)
    return acc, feed_queryset(acc.user).get(pk=post.pk)


def list_comments(post: Post, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Comment], str | None]:
    """Comments of a post the caller was given through ``access_post``, newest first."""
    qs = Comment.objects.filter(space=post.space_id, post=post).select_related("author", "reply_to__author")
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_topic(acc: SpaceAccess, name: str) -> Topic:
    _check_readable(acc)
    topic = Topic.objects.filter(space=acc.space, key=topic_key(name)).first()
    if topic is None:
        raise NotFound()
    return topic


def get_attachment(user: Any, attachment_id: int) -> Attachment:
    """An attachment the caller may download: its uploader's until attached, then exactly
    whoever may see its post; once claimed by another app, whoever the visibility function
    registered for its kind allows (404 for everyone else)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    if attachment.post_id is None and attachment.claimed_kind:
        from plaza.feed.upload_kinds import upload_visible

        if attachment.claimed_id is None or not upload_visible(attachment.claimed_kind, user, attachment.claimed_id):
            raise NotFound()
        return attachment
    if attachment.post_id is None:
        if not _authenticated(user) or attachment.uploader_id != user.pk:
            raise NotFound()
        return attachment
    access_post(user, attachment.post_id)
    return attachment


def list_mention_candidates(acc: SpaceAccess, *, q: str, team_id: int | None = None, limit: int = 8) -> list[User]:
    """People the composer may suggest for ``@q``: those who could see a post to this
    audience (the space's full members for a space-wide post; for a team post, its members,
    the space's admins and, for a public team, the full members), and whom the writer may
    know. One query."""
    from plaza.spaces.access import access_team
    from plaza.spaces.models import Membership, TeamMembership

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
