"""Every write of the microblog: posts, edits, comments, likes, shares, pins and follows.

Each ``do_*`` runs in one transaction after validating its input. Counters on Post move in
the same transaction as the row they count. Notifications go through
``notifications.actions.notify`` (which never reaches someone who cannot see the post) and
live events through ``core.realtime.publish_to_space_on_commit``, both after commit.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.accounts.models import User
from plaza.core import audit, fastsql, markdown
from plaza.core.errors import Forbidden, Invalid, NotAuthenticated, NotFound
from plaza.core.realtime import publish_to_space_on_commit
from plaza.core.validation import check_text
from plaza.feed.access import can_delete_post, can_post_in, share_people_q
from plaza.feed.models import (
    MAX_BODY,
    MAX_COMMENT,
    Comment,
    Follow,
    Like,
    Mention,
    Post,
    PostRevision,
    PostTopic,
    Topic,
)
from plaza.notifications.actions import notify
from plaza.search import actions as search
from plaza.spaces.access import SpaceAccess, can_see_team, count_people_who_may_see, list_people_who_see
from plaza.spaces.models import Space, Team, TeamMembership
from plaza.uploads.actions import check_attachments
from plaza.uploads.models import Attachment
from plaza.webhooks import actions as webhooks

# --- checks -------------------------------------------------------------------------------


def check_body(body: str | None, *, field: str = "body", max_len: int = MAX_BODY, required: bool = True) -> str:
    return check_text(body, field=field, max_len=max_len, required=required)


def _require_user(acc: SpaceAccess) -> Any:
    if not getattr(acc.user, "is_authenticated", False):
        raise NotAuthenticated()
    return acc.user


def _require_participant(acc: SpaceAccess) -> Any:
    """Comments and likes come from people in the space, not from visitors."""
    user = _require_user(acc)
    if not (acc.joined or acc.is_admin):
        raise Forbidden(_("Join the space to take part."))
    return user


def check_team(acc: SpaceAccess, team_id: int | None) -> Team | None:
    """The team a post goes to: visible to the caller (else 422) and postable (else 403)."""
    if team_id is None:
        if not can_post_in(acc, None, None):
            raise Forbidden(_("Guests post only in their teams."))
        return None
    team = Team.objects.filter(space=acc.space, pk=team_id).first()
    team_membership = None
    if team is not None and getattr(acc.user, "is_authenticated", False):
        team_membership = TeamMembership.objects.filter(team=team, user=acc.user).first()
    if team is None or not can_see_team(acc, team, team_membership):
        raise Invalid(_("No such team."), field="team_id")
    if not can_post_in(acc, team, team_membership):
        raise Forbidden(_("Join the team to post in it."))
    return team


# --- rendering ----------------------------------------------------------------------------


def topic_url(space: Space, name: str) -> str:
    return f"/s/{space.slug}/topics/{quote(markdown.topic_key(name), safe='')}/"


def _render(space: Space, team: Team | None, body: str) -> tuple[str, list[str], list[User]]:
    """HTML, topic names and the mentioned people who may see a post in ``space``/``team``.

    A ``@handle`` of someone who may not see the post stays plain text and notifies nobody.
    """
    topic_link = functools.partial(topic_url, space)
    html, found = markdown.render_scan(body, topic_url=topic_link)
    found.check(field="body")
    mentioned: list[User] = []
    if found.handles:
        candidates = list(
            User.objects.annotate(lhandle=Lower("handle")).filter(
                lhandle__in=[h.lower() for h in found.handles], is_active=True
            )
        )
        seeing = list_people_who_see(space, team, [u.pk for u in candidates])
        mentioned = [u for u in candidates if u.pk in seeing]
    if mentioned:  # most posts name nobody: one parse
        html = markdown.render(
            body, mentions={u.handle.lower(): f"/u/{quote(u.handle)}/" for u in mentioned}, topic_url=topic_link
        )
    return html, found.topics, mentioned


def _set_topics(post: Post, names: list[str], *, new: bool = False) -> None:
    """Replace the post's topics (a ``new`` post has none to remove)."""
    if not new:
        PostTopic.objects.filter(space=post.space_id, post=post).delete()
    if not names:
        return
    by_key = {markdown.topic_key(n): n for n in names}
    Topic.objects.bulk_create(
        [Topic(space_id=post.space_id, name=name, key=key) for key, name in by_key.items()], ignore_conflicts=True
    )
    topics = list(Topic.objects.filter(space=post.space_id, key__in=list(by_key)))
    search.index_topics(topics)
    PostTopic.objects.bulk_create([PostTopic(space_id=post.space_id, post=post, topic=t, created=post.created) for t in topics])


def _set_mentions(post: Post, people: list[User], *, new_post: bool = False) -> list[User]:
    """Replace the post's mentions; returns the people newly mentioned."""
    if new_post:
        before: set[int] = set()
    else:
        before = set(Mention.objects.filter(space=post.space_id, post=post).values_list("user_id", flat=True))
        now = {u.pk for u in people}
        Mention.objects.filter(space=post.space_id, post=post).exclude(user_id__in=now).delete()
    new = [u for u in people if u.pk not in before]
    if not new:
        return new
    Mention.objects.bulk_create([Mention(space_id=post.space_id, post=post, user=u) for u in new])
    return new


def _announce(post: Post) -> None:
    """Tell the open pages of everyone who may see the post that there is a new one.

    In a big space this is one message to the space's sockets, each of which checks that
    its person sees the post's space or team (``core.realtime``), not one per member.
    """
    space, team = post.space, post.team
    publish_to_space_on_commit(
        post.space_id,
        {"type": "feed.new_posts", "space": space.slug, "team_id": post.team_id, "post_id": post.pk},
        team_id=post.team_id,
        exclude=[post.author_id],
        size=count_people_who_may_see(space),
        people=lambda: list_people_who_see(space, team),
    )


# --- posts --------------------------------------------------------------------------------


@transaction.atomic
def do_publish_post(
    acc: SpaceAccess,
    *,
    body: str,
    team_id: int | None = None,
    shared_post: Post | None = None,
    attachment_ids: list[int] | None = None,
) -> Post:
    """Publish a post in ``acc.space`` (or one of its teams).

    Full members post space-wide; guests only in their teams; team posts need the team's
    membership (or a space admin). ``shared_post`` must already be visible to the caller.
    """
    user = _require_user(acc)
    attachments = check_attachments(user, attachment_ids)
    body = check_body(body, required=shared_post is None and not attachments)
    team = check_team(acc, team_id)
    html, topics, mentioned = _render(acc.space, team, body)
    post = Post(
        space=acc.space, team=team, author=user, body=body, html=html, shared_post=shared_post,
        attachment_data=[a.summary() for a in attachments],
    )
    fastsql.insert(post)  # the hottest write: the ORM's insert compiler cost ~0.3 ms (docs/benchmarks.md)
    if attachments:
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(post=post, space=acc.space)
    _set_topics(post, topics, new=True)
    _set_mentions(post, mentioned, new_post=True)
    search.index_post(post, new=True)
    if mentioned:
        notify(recipients=mentioned, kind="post_mention", actor=user, space=acc.space, team_id=post.team_id,
               target_type="post", target_id=post.pk)
    _announce(post)
    webhooks.emit(acc.space, "post.created", {"id": post.pk, "team_id": post.team_id, "author": webhooks.person(user), "body": body, "created_at": post.created})
    return post


@transaction.atomic
def do_edit_post(acc: SpaceAccess, post: Post, *, body: str) -> Post:
    """Change a post's text (its author only), keeping the previous text as a revision."""
    user = _require_user(acc)
    if post.author_id != user.pk:
        raise Forbidden(_("Only the author can edit a post."))
    body = check_body(body, required=post.shared_post_id is None)
    if body == post.body:
        return post
    PostRevision.objects.create(space_id=post.space_id, post=post, body=post.body, editor=user)
    html, topics, mentioned = _render(acc.space, post.team, body)
    post.body, post.html, post.edited_at = body, html, timezone.now()
    post.save(update_fields=["body", "html", "edited_at"])
    search.index_post(post)
    _set_topics(post, topics)
    new = _set_mentions(post, mentioned)
    if new:
        notify(recipients=new, kind="post_mention", actor=user, space=acc.space, team_id=post.team_id,
               target_type="post", target_id=post.pk)
    return post


@transaction.atomic
def do_delete_post(acc: SpaceAccess, post: Post) -> None:
    """Delete a post: its author, or a space admin (moderation, audited)."""
    _require_user(acc)
    if not can_delete_post(acc, post):
        raise Forbidden(_("Only the author or an admin can delete a post."))
    Post.objects.filter(pk=post.pk).update(deleted=True, pinned_at=None)
    search.unindex_post(post)
    if post.shared_post_id is not None:
        Post.objects.filter(pk=post.shared_post_id, share_count__gt=0).update(share_count=F("share_count") - 1)
    if post.author_id != acc.user.pk:
        audit.record(space=acc.space, actor=acc.user, action="post.delete", target=post,
                     before={"author": post.author_id, "body": post.body[:200]})
    post.deleted = True
    webhooks.emit(acc.space, "post.deleted", {"id": post.pk, "team_id": post.team_id, "deleted_by": webhooks.person(acc.user)})


@transaction.atomic
def do_pin_post(acc: SpaceAccess, post: Post) -> Post:
    """Pin a post to the top of its space's feed (admins)."""
    if not acc.is_admin:
        raise Forbidden(_("Only admins can pin posts."))
    post.pinned_at = timezone.now()
    post.save(update_fields=["pinned_at"])
    audit.record(space=acc.space, actor=acc.user, action="post.pin", target=post)
    return post


@transaction.atomic
def do_unpin_post(acc: SpaceAccess, post: Post) -> Post:
    if not acc.is_admin:
        raise Forbidden(_("Only admins can unpin posts."))
    if post.pinned_at is not None:
        post.pinned_at = None
        post.save(update_fields=["pinned_at"])
        audit.record(space=acc.space, actor=acc.user, action="post.unpin", target=post)
    return post


# --- comments -----------------------------------------------------------------------------


@transaction.atomic
def do_comment(acc: SpaceAccess, post: Post, *, body: str, reply_to: int | None = None) -> Comment:
    """Comment on a visible post; ``reply_to`` must be a comment of the same post."""
    user = _require_participant(acc)
    body = check_body(body, max_len=MAX_COMMENT)
    parent = None
    if reply_to is not None:
        parent = Comment.objects.filter(space=post.space_id, post=post, pk=reply_to).first()
        if parent is None:
            raise Invalid(_("Reply to a comment of this post."), field="reply_to")
    html, _topics, mentioned = _render(acc.space, post.team, body)
    comment = Comment.objects.create(space_id=post.space_id, post=post, author=user, body=body, html=html, reply_to=parent)
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    search.index_comment(comment, post, new=True)
    common = {"actor": user, "space": acc.space, "team_id": post.team_id, "target_type": "post", "target_id": post.pk}
    told = {user.pk}
    if parent is not None and parent.author_id not in told:
        notify(recipients=[parent.author_id], kind="comment_reply", **common)
        told.add(parent.author_id)
    if post.author_id not in told:
        notify(recipients=[post.author_id], kind="post_comment", **common)
        told.add(post.author_id)
    rest = [u for u in mentioned if u.pk not in told]
    if rest:
        notify(recipients=rest, kind="post_mention", **common)
    webhooks.emit(acc.space, "comment.created", {"id": comment.pk, "post_id": post.pk, "reply_to": reply_to, "author": webhooks.person(user), "body": body, "created_at": comment.created})
    return comment


# --- likes --------------------------------------------------------------------------------


def _notify_like(acc: SpaceAccess, post: Post, user: User) -> None:
    """One unread "like" notification per post, counting the likes since it was read."""
    notify(recipients=[post.author_id], kind="post_like", actor=user, space=acc.space, team_id=post.team_id,
           target_type="post", target_id=post.pk, batch=True)


@transaction.atomic
def do_like(acc: SpaceAccess, post: Post) -> tuple[int, bool]:
    """Like a post (idempotent). Returns the like count and True."""
    user = _require_participant(acc)
    try:
        with transaction.atomic():
            Like.objects.create(space_id=post.space_id, post=post, user=user)
    except IntegrityError:
        pass
    else:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
        if post.author_id != user.pk:
            _notify_like(acc, post, user)
    return Post.objects.values_list("like_count", flat=True).get(pk=post.pk), True


@transaction.atomic
def do_unlike(acc: SpaceAccess, post: Post) -> tuple[int, bool]:
    """Take a like back (idempotent). Returns the like count and False."""
    user = _require_user(acc)
    removed, _detail = Like.objects.filter(space=post.space_id, post=post, user=user).delete()
    if removed:
        Post.objects.filter(pk=post.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
    return Post.objects.values_list("like_count", flat=True).get(pk=post.pk), False


# --- shares -------------------------------------------------------------------------------


@transaction.atomic
def do_share_post(acc: SpaceAccess, post: Post, *, into: SpaceAccess, team_id: int | None = None, body: str = "") -> Post:
    """Re-post ``post`` (visible through ``acc``) into a space the sharer belongs to.

    The share links the original; its viewers who cannot see the original see "not
    available". The original's author is told only if they may see the share.
    """
    user = _require_user(acc)
    if not (into.joined or into.is_admin):
        raise Invalid(_("Share into a space you belong to."), field="space")
    share = do_publish_post(into, body=body, team_id=team_id, shared_post=post)
    Post.objects.filter(pk=post.pk).update(share_count=F("share_count") + 1)
    if post.author_id != user.pk:
        notify(recipients=[post.author_id], kind="post_share", actor=user, space=into.space, team_id=share.team_id,
               target_type="post", target_id=share.pk)
    return share


# --- follows ------------------------------------------------------------------------------


def _knowable_person(user: Any, person_id: int) -> User:
    """A person who shares a space with ``user``; anyone else is 404."""
    person = User.objects.filter(share_people_q(user), pk=person_id, is_active=True).distinct().first()
    if person is None:
        raise NotFound()
    return person


@transaction.atomic
def do_follow(user: Any, person_id: int) -> User:
    """Follow someone you share a space with (idempotent)."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    person = _knowable_person(user, person_id)
    if person.pk == user.pk:
        raise Invalid(_("You cannot follow yourself."), field="user_id")
    Follow.objects.get_or_create(follower=user, followee=person)
    return person


@transaction.atomic
def do_unfollow(user: Any, person_id: int) -> None:
    """Stop following someone (idempotent). Unknown people are 404, as for following."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if not Follow.objects.filter(follower=user, followee_id=person_id).exists():
        _knowable_person(user, person_id)
    Follow.objects.filter(follower=user, followee_id=person_id).delete()




# --- moderation ---------------------------------------------------------------------------


@transaction.atomic
def do_set_post_hidden(acc: SpaceAccess, post: Post, *, hidden: bool) -> None:
    """Hide a post for moderation (space admins), or show it again. Hidden, it is gone for
    everyone but the space's admins and its author: feeds, its page, search, notifications
    and the originals of its shares (the queries ask ``spaces.access.unhidden_*``)."""
    if not acc.is_admin:
        raise Forbidden()
    if (post.hidden_at is not None) == hidden:
        return
    post.hidden_at = timezone.now() if hidden else None
    Post.objects.filter(pk=post.pk).update(hidden_at=post.hidden_at)


@transaction.atomic
def do_set_comment_hidden(acc: SpaceAccess, comment: Comment, *, hidden: bool) -> None:
    """Hide a comment for moderation (space admins), or show it again; the post's comment
    count leaves it out while it is hidden."""
    if not acc.is_admin:
        raise Forbidden()
    if (comment.hidden_at is not None) == hidden:
        return
    comment.hidden_at = timezone.now() if hidden else None
    Comment.objects.filter(pk=comment.pk).update(hidden_at=comment.hidden_at)
    if hidden:
        Post.objects.filter(pk=comment.post_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)
    else:
        Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + 1)


@transaction.atomic
def do_delete_comment(acc: SpaceAccess, comment: Comment) -> None:
    """Delete a comment: its author, or a space admin (moderation, audited)."""
    user = _require_user(acc)
    if not (comment.author_id == user.pk or acc.is_admin):
        raise Forbidden(_("Only the author or an admin can delete a comment."))
    if comment.hidden_at is None:
        Post.objects.filter(pk=comment.post_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)
    search.unindex(search.Kind.COMMENT, comment.pk)
    if comment.author_id != user.pk:
        audit.record(space=acc.space, actor=user, action="comment.delete", target=comment,
                     before={"author": comment.author_id, "body": comment.body[:200]})
    Comment.objects.filter(pk=comment.pk).delete()
