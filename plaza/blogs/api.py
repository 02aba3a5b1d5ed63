"""Blogs and headlines API (API.md, Publishing). Routes parse input, check access, call one
action or query. A blog's likes and comments are those of its feed post, made by the
feed's own actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from plaza.blogs import actions, queries
from plaza.blogs.access import access_blog, access_headline
from plaza.blogs.models import Blog
from plaza.blogs.schemas import BlogIn, BlogList, BlogOut, BlogPatch, HeadlineIn, HeadlineList, HeadlineOut
from plaza.core.auth import optional
from plaza.core.errors import Conflict, NotFound
from plaza.core.schemas import Int64, errors
from plaza.feed import actions as feed_actions
from plaza.feed import queries as feed_queries
from plaza.feed.access import access_post
from plaza.feed.api import comment_out
from plaza.feed.schemas import CommentIn, CommentList, CommentOut, LikeOut
from plaza.spaces.access import SpaceAccess, access_space

router = Router(tags=["blogs"])


def blog_out(blog: Blog, post: Any = None) -> dict[str, Any]:
    """A blog as JSON; ``post`` is its feed post from ``queries.get_blog_post`` (with the
    viewer's like) when there is one, else the counts come from ``blog.post``."""
    source = post if post is not None else blog.post
    return {
        "id": blog.pk,
        "title": blog.title,
        "body": blog.body,
        "html": blog.html,
        "status": blog.status,
        "author": blog.author,
        "as_space": blog.as_space,
        "byline": blog.space.name if blog.as_space else blog.author.name,
        "space": blog.space.slug,
        "team_id": blog.team_id,
        "tags": blog.tags,
        "cover": {"id": blog.cover_id, "url": f"/files/{blog.cover_id}/"} if blog.cover_id else None,
        "post_id": blog.post_id,
        "like_count": source.like_count if source is not None else 0,
        "comment_count": source.comment_count if source is not None else 0,
        "liked_by_me": bool(getattr(post, "liked_by_me", False)),
        "created_at": blog.created,
        "published_at": blog.published_at,
        "edited_at": blog.edited_at,
        "url": actions.blog_url(blog),
    }


def _detail(acc: SpaceAccess, blog_id: int) -> dict[str, Any]:
    acc, blog = queries.get_blog(acc, blog_id)
    return blog_out(blog, queries.get_blog_post(acc, blog))


def _post_of(acc: SpaceAccess, blog: Blog) -> Any:
    """The feed post carrying the blog's likes and comments; a draft has none yet (409)."""
    if blog.post_id is None:
        raise Conflict(_("Publish the blog first."))
    return access_post(acc, blog.post_id)[1]


# --- blogs --------------------------------------------------------------------------------


@router.post("/spaces/{slug}/blogs", response={201: BlogOut, **errors(401, 403, 404, 422)})
def create_blog(request: HttpRequest, slug: str, payload: BlogIn) -> Status:
    acc = access_space(request.auth, slug)
    blog = actions.do_create_blog(
        acc, title=payload.title, body=payload.body, status=payload.status, team_id=payload.team_id,
        tags=payload.tags, as_space=payload.as_space, cover_id=payload.cover_id,
    )
    return Status(201, _detail(acc, blog.pk))


@router.get("/spaces/{slug}/blogs", auth=optional, response={200: BlogList, **errors(404, 422)})
def list_blogs(
    request: HttpRequest, slug: str, author: Int64 | None = None, cursor: str | None = None, limit: int | None = None,
) -> dict[str, Any]:
    acc = access_space(request.auth, slug)
    rows, next_cursor = queries.list_space_blogs(acc, author_id=author, cursor=cursor, limit=limit)
    return {"items": [blog_out(b) for b in rows], "next_cursor": next_cursor}


@router.get("/blogs/{int:blog_id}", auth=optional, response={200: BlogOut, **errors(404)})
def get_blog(request: HttpRequest, blog_id: int) -> dict[str, Any]:
    acc, blog = access_blog(request.auth, blog_id)
    return blog_out(blog, queries.get_blog_post(acc, blog))


@router.patch("/blogs/{int:blog_id}", response={200: BlogOut, **errors(401, 403, 404, 409, 422)})
def edit_blog(request: HttpRequest, blog_id: int, payload: BlogPatch) -> dict[str, Any]:
    acc, blog = access_blog(request.auth, blog_id, for_write=True)
    actions.do_edit_blog(
        acc, blog, title=payload.title, body=payload.body, tags=payload.tags, cover_id=payload.cover_id,
        status=payload.status,
    )
    return _detail(acc, blog.pk)


@router.delete("/blogs/{int:blog_id}", response={204: None, **errors(401, 403, 404)})
def delete_blog(request: HttpRequest, blog_id: int) -> Status:
    acc, blog = access_blog(request.auth, blog_id)
    actions.do_delete_blog(acc, blog)
    return Status(204, None)


# --- likes and comments: the feed's, on the announcing post --------------------------------


@router.post("/blogs/{int:blog_id}/like", response={200: LikeOut, **errors(401, 403, 404, 409)})
def like_blog(request: HttpRequest, blog_id: int) -> dict[str, Any]:
    acc, blog = access_blog(request.auth, blog_id)
    count, liked = feed_actions.do_like(acc, _post_of(acc, blog))
    return {"like_count": count, "liked_by_me": liked}


@router.delete("/blogs/{int:blog_id}/like", response={200: LikeOut, **errors(401, 404, 409)})
def unlike_blog(request: HttpRequest, blog_id: int) -> dict[str, Any]:
    acc, blog = access_blog(request.auth, blog_id)
    count, liked = feed_actions.do_unlike(acc, _post_of(acc, blog))
    return {"like_count": count, "liked_by_me": liked}


@router.post("/blogs/{int:blog_id}/comments", response={201: CommentOut, **errors(401, 403, 404, 409, 422)})
def comment_blog(request: HttpRequest, blog_id: int, payload: CommentIn) -> Status:
    acc, blog = access_blog(request.auth, blog_id)
    created = feed_actions.do_comment(acc, _post_of(acc, blog), body=payload.body, reply_to=payload.reply_to)
    return Status(201, comment_out(created))


@router.get("/blogs/{int:blog_id}/comments", auth=optional, response={200: CommentList, **errors(404, 422)})
def blog_comments(request: HttpRequest, blog_id: int, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc, blog = access_blog(request.auth, blog_id)
    if blog.post_id is None:
        return {"items": [], "next_cursor": None}
    rows, next_cursor = feed_queries.list_comments(_post_of(acc, blog), acc=acc, cursor=cursor, limit=limit)
    return {"items": [comment_out(c) for c in rows], "next_cursor": next_cursor}


# --- headlines ----------------------------------------------------------------------------


def headline_out(item: queries.FrontItem) -> dict[str, Any]:
    h = item.headline
    return {
        "id": h.pk, "kind": h.kind, "target_id": h.target_id, "title": item.title, "summary": item.summary,
        "position": h.position, "expires_at": h.expires_at, "cover_url": item.cover_url, "view_count": h.view_count,
        "url": f"/h/{h.pk}/",
    }


@router.get("/spaces/{slug}/headlines", auth=optional, response={200: HeadlineList, **errors(404)})
def list_headlines(request: HttpRequest, slug: str) -> dict[str, Any]:
    acc = access_space(request.auth, slug)
    return {"items": [headline_out(i) for i in queries.list_headlines(acc)]}


@router.post("/spaces/{slug}/headlines", response={201: HeadlineOut, **errors(401, 403, 404, 422)})
def add_headline(request: HttpRequest, slug: str, payload: HeadlineIn) -> Status:
    acc = access_space(request.auth, slug)
    headline = actions.do_add_headline(
        acc, kind=payload.kind, target_id=payload.id, position=payload.position, expires_at=payload.expires_at,
        cover_id=payload.cover_id,
    )
    for item in queries.list_headlines(acc, include_expired=True):
        if item.headline.pk == headline.pk:
            return Status(201, headline_out(item))
    raise NotFound()  # pragma: no cover - an admin sees every live item of the space


@router.delete("/spaces/{slug}/headlines/{int:headline_id}", response={204: None, **errors(401, 403, 404)})
def remove_headline(request: HttpRequest, slug: str, headline_id: int) -> Status:
    acc = access_space(request.auth, slug)
    headline = access_headline(acc, headline_id, for_write=True)
    actions.do_remove_headline(acc, headline)
    return Status(204, None)
