"""Every write of blogs and headlines.

A blog is published through :func:`transition` (draft → published), which also publishes a
feed post in the same space or team announcing it: comments and likes of the blog are that
post's, made by the feed's own actions. Each ``do_*`` runs in one transaction.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.blogs.access import can_delete_blog, can_edit_blog
from plaza.blogs.models import MAX_BODY, MAX_TAG, MAX_TAGS, MAX_TITLE, Blog, BlogStatus, Headline, HeadlineKind
from plaza.core import audit, markdown
from plaza.core.errors import Conflict, Forbidden, Invalid, NotAuthenticated, NotFound
from plaza.core.validation import INT32_MAX, check_datetime, check_text
from plaza.feed import actions as feed_actions
from plaza.feed.access import access_post
from plaza.search import actions as search
from plaza.spaces.access import SpaceAccess
from plaza.uploads import actions as upload_actions
from plaza.uploads.models import Attachment
from plaza.webhooks import actions as webhooks

# The one graph of a blog's states.
TRANSITIONS: dict[str, set[str]] = {
    BlogStatus.DRAFT: {BlogStatus.PUBLISHED},
    BlogStatus.PUBLISHED: set(),
}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~@])")


# --- checks -------------------------------------------------------------------------------


def _require_user(acc: SpaceAccess) -> Any:
    if not getattr(acc.user, "is_authenticated", False):
        raise NotAuthenticated()
    return acc.user


def check_title(title: str | None) -> str:
    return check_text(title, field="title", max_len=MAX_TITLE, required=_("Give the blog a title."))


def check_body(body: str | None) -> str:
    return check_text(body, field="body", max_len=MAX_BODY)


def check_tags(tags: list[str] | None) -> list[str]:
    """Tags without ``#``, whitespace trimmed, duplicates (case-folded) dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in tags or []:
        tag = str(raw).strip().lstrip("#").strip()
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            raise Invalid(_("A tag has at most %(n)d characters.") % {"n": MAX_TAG}, field="tags")
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise Invalid(_("At most %(n)d tags.") % {"n": MAX_TAGS}, field="tags")
    return out


def check_cover(user: Any, cover_id: int | None) -> Attachment | None:
    """The caller's own new image upload (POST /uploads) to use as a cover."""
    if cover_id is None:
        return None
    try:
        found = upload_actions.check_attachments(user, [cover_id])
    except Invalid as exc:
        raise Invalid(_("Use an image you have just uploaded."), field="cover_id") from exc
    if not found[0].is_image:
        raise Invalid(_("The cover must be an image."), field="cover_id")
    return found[0]


def transition(blog: Blog, to: str) -> None:
    """Move ``blog`` to state ``to`` along the declared graph (409 otherwise)."""
    if to not in TRANSITIONS.get(blog.status, set()):
        raise Conflict(_("A blog cannot go from %(a)s to %(b)s.") % {"a": blog.status, "b": to})
    blog.status = to


def blog_url(blog: Blog) -> str:
    return f"/b/{blog.pk}/"


def _announce(acc: SpaceAccess, blog: Blog) -> None:
    """Publish the feed post that announces ``blog``; its comments and likes are the blog's."""
    title = _MD_SPECIAL.sub(r"\\\1", blog.title)
    attach = []
    cover = blog.cover
    if cover is not None and cover.post_id is None and cover.uploader_id == acc.user.pk:
        # Attached to the announcing post, the cover is downloaded by exactly its readers.
        attach = [cover.pk]
    post = feed_actions.do_publish_post(
        acc, body=f"[{title}]({blog_url(blog)})", team_id=blog.team_id, attachment_ids=attach,
    )
    blog.post = post


# --- blogs --------------------------------------------------------------------------------


@transaction.atomic
def do_create_blog(
    acc: SpaceAccess,
    *,
    title: str,
    body: str = "",
    status: str = BlogStatus.DRAFT,
    team_id: int | None = None,
    tags: list[str] | None = None,
    as_space: bool = False,
    cover_id: int | None = None,
) -> Blog:
    """Write a blog in ``acc.space`` (or one of its teams), as a draft or published at once.

    Those who may post there may blog there; ``as_space`` needs a space admin.
    """
    user = _require_user(acc)
    if status not in BlogStatus.values:
        raise Invalid(_("Choose draft or published."), field="status")
    title = check_title(title)
    body = check_body(body)
    tags = check_tags(tags)
    team = feed_actions.check_team(acc, team_id)
    if as_space and not acc.is_admin:
        raise Forbidden(_("Only admins write as the space."))
    cover = check_cover(user, cover_id)
    if cover is not None:
        upload_actions.do_keep_upload(cover, acc.space)  # a draft's cover is no orphan upload
    blog = Blog.objects.create(
        space=acc.space, team=team, author=user, as_space=as_space, title=title, body=body,
        html=markdown.render(body), tags=tags, cover=cover,
    )
    if status == BlogStatus.PUBLISHED:
        _publish(acc, blog)
    search.index_blog(blog, new=True)
    return blog


def _publish(acc: SpaceAccess, blog: Blog) -> None:
    transition(blog, BlogStatus.PUBLISHED)
    blog.published_at = timezone.now()
    _announce(acc, blog)
    blog.save(update_fields=["status", "published_at", "post"])
    webhooks.emit(acc.space, "blog.published", {"id": blog.pk, "title": blog.title, "team_id": blog.team_id, "author": webhooks.person(blog.author), "published_at": blog.published_at})


@transaction.atomic
def do_edit_blog(
    acc: SpaceAccess,
    blog: Blog,
    *,
    title: str | None = None,
    body: str | None = None,
    tags: list[str] | None = None,
    cover_id: int | None = None,
    status: str | None = None,
) -> Blog:
    """Change a blog (its editors only); ``status="published"`` publishes a draft."""
    user = _require_user(acc)
    if not can_edit_blog(acc, blog):
        raise Forbidden(_("Only the author can edit this blog."))
    if status is not None and status not in BlogStatus.values:
        raise Invalid(_("Choose draft or published."), field="status")
    fields: list[str] = []
    if title is not None:
        blog.title = check_title(title)
        fields.append("title")
    if body is not None:
        blog.body = check_body(body)
        blog.html = markdown.render(blog.body)
        fields += ["body", "html"]
    if tags is not None:
        blog.tags = check_tags(tags)
        fields.append("tags")
    if cover_id is not None and cover_id != blog.cover_id:
        if blog.status == BlogStatus.PUBLISHED:
            # The cover travels with the announcing post, which does not change.
            raise Conflict(_("The cover of a published blog cannot be changed."))
        blog.cover = check_cover(user, cover_id)
        upload_actions.do_keep_upload(blog.cover, acc.space)  # type: ignore[arg-type]
        fields.append("cover")
    if blog.status == BlogStatus.PUBLISHED and fields:
        blog.edited_at = timezone.now()
        fields.append("edited_at")
    if fields:
        blog.save(update_fields=fields)
    if status is not None and status != blog.status:
        _publish(acc, blog)
    search.index_blog(blog)
    return blog


@transaction.atomic
def do_delete_blog(acc: SpaceAccess, blog: Blog) -> None:
    """Delete a blog with its announcing post and its headlines: its editors, or an admin."""
    _require_user(acc)
    if not can_delete_blog(acc, blog):
        raise Forbidden(_("Only the author or an admin can delete a blog."))
    if blog.post_id is not None:
        try:
            _acc, post = access_post(acc, blog.post_id)
        except NotFound:
            post = None  # already deleted in the feed
        if post is not None:
            feed_actions.do_delete_post(acc, post)
    Headline.objects.filter(space=acc.space, kind=HeadlineKind.BLOG, target_id=blog.pk).delete()
    if not can_edit_blog(acc, blog):
        audit.record(space=acc.space, actor=acc.user, action="blog.delete", target=blog,
                     before={"author": blog.author_id, "title": blog.title})
    search.unindex(search.Kind.BLOG, blog.pk)
    blog.delete()


# --- headlines ----------------------------------------------------------------------------


def _check_target(acc: SpaceAccess, kind: str, target_id: int) -> None:
    """The item must be in this space and live (a published blog, a post, a standing
    announcement); otherwise the ``id`` field is invalid."""
    from plaza.announcements.access import access_announcement

    try:
        if kind == HeadlineKind.BLOG:
            if not Blog.objects.filter(space=acc.space, pk=target_id, status=BlogStatus.PUBLISHED).exists():
                raise NotFound()
        elif kind == HeadlineKind.POST:
            access_post(acc, target_id)
        else:
            access_announcement(acc, target_id, live=True)
    except NotFound as exc:
        raise Invalid(_("No such item in this space."), field="id") from exc


@transaction.atomic
def do_add_headline(
    acc: SpaceAccess,
    *,
    kind: str,
    target_id: int,
    position: int | None = None,
    expires_at: datetime | None = None,
    cover_id: int | None = None,
) -> Headline:
    """Feature an item on the space's front page (admins). Without ``position`` it goes last."""
    user = _require_user(acc)
    if not acc.is_admin:
        raise Forbidden(_("Only admins curate headlines."))
    if kind not in HeadlineKind.values:
        raise Invalid(_("Choose blog, post or announcement."), field="kind")
    check_datetime(expires_at, field="expires_at")
    if position is not None and not -INT32_MAX - 1 <= position <= INT32_MAX:
        raise Invalid(_("The number is too large."), field="position")
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid(_("The expiry must be in the future."), field="expires_at")
    _check_target(acc, kind, target_id)
    cover = check_cover(user, cover_id)
    if cover is not None:
        upload_actions.do_keep_upload(cover, acc.space)  # served by the headline, never attached to a post
    if position is None:
        last = Headline.objects.filter(space=acc.space).aggregate(m=Max("position"))["m"]
        position = 0 if last is None else last + 1
    headline = Headline.objects.create(
        space=acc.space, kind=kind, target_id=target_id, position=position, expires_at=expires_at,
        cover=cover, created_by=user,
    )
    audit.record(space=acc.space, actor=user, action="headline.add", target=headline,
                 after={"kind": kind, "id": target_id, "position": position})
    return headline


@transaction.atomic
def do_remove_headline(acc: SpaceAccess, headline: Headline) -> None:
    if not acc.is_admin:
        raise Forbidden(_("Only admins curate headlines."))
    audit.record(space=acc.space, actor=acc.user, action="headline.remove", target=headline,
                 before={"kind": headline.kind, "id": headline.target_id})
    headline.delete()


def do_count_headline_view(headline: Headline) -> None:
    """One more view, counted in the database so concurrent views are never lost."""
    Headline.objects.filter(pk=headline.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def do_set_blog_hidden(acc: SpaceAccess, blog: Blog, *, hidden: bool) -> None:
    """Hide the blog for moderation (space admins), or show it again: hidden, it is gone for
    everyone but the space's admins and its author (``spaces.access.unhidden_*``)."""
    if not acc.is_admin:
        raise Forbidden()
    if (blog.hidden_at is not None) == hidden:
        return
    blog.hidden_at = timezone.now() if hidden else None
    Blog.objects.filter(pk=blog.pk).update(hidden_at=blog.hidden_at)
    if blog.post_id is not None:
        # The feed post that announces the blog (and holds its comments) goes with it.
        post = blog.post
        if post is not None:
            feed_actions.do_set_post_hidden(acc, post, hidden=hidden)
