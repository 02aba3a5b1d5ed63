"""Reads of blogs and headlines. Lists run a fixed number of queries whatever they hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from plaza.blogs.access import access_blog, space_blogs_q
from plaza.blogs.models import Blog, BlogStatus, Headline, HeadlineKind
from plaza.core.markdown import plain_text
from plaza.core.pagination import keyset_page
from plaza.spaces.access import SpaceAccess, scope_q, unhidden_q

Page = tuple[list[Blog], str | None]


def blog_queryset() -> QuerySet[Blog]:
    return Blog.objects.select_related("author", "space", "team", "cover", "post")


def list_space_blogs(
    acc: SpaceAccess, *, author_id: int | None = None, status: str | None = None,
    cursor: str | None = None, limit: int | None = None,
) -> Page:
    """The blogs of the space the caller may see (drafts only their own), newest first;
    ``author_id`` narrows to one author's."""
    qs = blog_queryset().filter(space_blogs_q(acc))
    if author_id is not None:
        qs = qs.filter(author_id=author_id, as_space=False)
    if status is not None:
        qs = qs.filter(status=status)
    return keyset_page(qs, cursor=cursor, limit=limit)


def get_blog(acc_or_user: Any, blog_id: int) -> tuple[SpaceAccess, Blog]:
    return access_blog(acc_or_user, blog_id)


def get_blog_post(acc: SpaceAccess, blog: Blog) -> Any:
    """The feed post of a published blog, with the viewer's like, or None (drafts; a post
    deleted in the feed)."""
    from plaza.core.errors import NotFound
    from plaza.feed.queries import get_post

    if blog.post_id is None:
        return None
    try:
        return get_post(acc, blog.post_id)[1]
    except NotFound:
        return None


@dataclass
class FrontItem:
    """A headline with what it shows, resolved for one viewer."""

    headline: Headline
    title: str
    summary: str
    cover_url: str | None


def _blog_items(acc: SpaceAccess, ids: list[int]) -> dict[int, Blog]:
    if not ids:
        return {}
    rows = Blog.objects.filter(space_blogs_q(acc), pk__in=ids, status=BlogStatus.PUBLISHED)
    return {b.pk: b for b in rows.select_related("cover")}


def _post_items(acc: SpaceAccess, ids: list[int]) -> dict[int, Any]:
    from plaza.feed.queries import feed_queryset

    if not ids:
        return {}
    return {p.pk: p for p in feed_queryset(acc.user).filter(scope_q(acc), unhidden_q(acc), pk__in=ids)}


def _announcement_items(acc: SpaceAccess, ids: list[int]) -> dict[int, Any]:
    from plaza.announcements.access import space_announcements_q
    from plaza.announcements.models import Announcement, AnnouncementStatus

    if not ids:
        return {}
    rows = Announcement.objects.filter(space_announcements_q(acc), pk__in=ids, status=AnnouncementStatus.PUBLISHED)
    return {a.pk: a for a in rows}


def list_headlines(acc: SpaceAccess, *, include_expired: bool = False) -> list[FrontItem]:
    """The space's headlines in order, only those whose item the caller may see; expired ones
    are left out (admins curating may ask for them). At most four queries."""
    qs = Headline.objects.filter(space=acc.space).select_related("cover")
    if not include_expired:
        qs = qs.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    headlines = list(qs.order_by("position", "pk")[:50])
    by_kind: dict[str, list[int]] = {k: [] for k in HeadlineKind.values}
    for h in headlines:
        by_kind[h.kind].append(h.target_id)
    blogs = _blog_items(acc, by_kind[HeadlineKind.BLOG])
    posts = _post_items(acc, by_kind[HeadlineKind.POST])
    announcements = _announcement_items(acc, by_kind[HeadlineKind.ANNOUNCEMENT])
    out: list[FrontItem] = []
    for h in headlines:
        cover = f"/h/{h.pk}/cover/" if h.cover_id else None
        if h.kind == HeadlineKind.BLOG and h.target_id in blogs:
            blog = blogs[h.target_id]
            if cover is None and blog.cover_id and blog.cover.post_id:  # type: ignore[union-attr]
                cover = f"/files/{blog.cover_id}/"
            out.append(FrontItem(h, blog.title, plain_text(blog.body, 200), cover))
        elif h.kind == HeadlineKind.POST and h.target_id in posts:
            post = posts[h.target_id]
            first = post.body.strip().splitlines()[0] if post.body.strip() else ""
            out.append(FrontItem(h, plain_text(first, 100), plain_text(post.body, 200), cover))
        elif h.kind == HeadlineKind.ANNOUNCEMENT and h.target_id in announcements:
            item = announcements[h.target_id]
            out.append(FrontItem(h, item.title, plain_text(item.body, 200), cover))
    return out


def get_visible_headline(acc: SpaceAccess, headline_id: int) -> FrontItem:
    """One headline whose item the caller may see (404 otherwise, or when expired)."""
    from plaza.core.errors import NotFound

    for item in list_headlines(acc):
        if item.headline.pk == headline_id:
            return item
    raise NotFound()


def headline_target_url(headline: Headline) -> str:
    return {"blog": f"/b/{headline.target_id}/", "post": f"/p/{headline.target_id}/", "announcement": f"/a/{headline.target_id}/"}[headline.kind]
