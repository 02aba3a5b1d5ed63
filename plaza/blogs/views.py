"""Pages of blogs and headlines: the blog list of a space (or of one author), a blog with
its like button and comments (those of its feed post), the editor, the headlines admin, and
the headline link that counts a view.

Each view parses input, reaches blogs through ``access_space``/``access_blog``, calls one
action or query and renders the page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.blogs import actions, queries
from plaza.blogs.access import access_blog, access_headline, can_delete_blog, can_edit_blog
from plaza.blogs.models import MAX_BODY, MAX_TITLE, Blog, HeadlineKind
from plaza.core.auth import bearer_or_session
from plaza.core.errors import Forbidden, Invalid, NotFound
from plaza.core.pages import file_response, page_errors, parse_int, render_page, require_login, space_context
from plaza.feed import actions as feed_actions
from plaza.feed import queries as feed_queries
from plaza.spaces.access import SpaceAccess, access_space
from plaza.uploads import actions as upload_actions


def _optional_int(value: Any, field: str) -> int | None:
    return None if value in (None, "") else parse_int(value, field)


def _tags(value: str) -> list[str]:
    return [t for t in value.replace("，", ",").split(",") if t.strip()]


def _upload_cover(request: HttpRequest) -> int | None:
    """The cover picked in the editor, stored as an upload of the caller."""
    picked = request.FILES.get("cover")
    if not picked:
        return None
    return upload_actions.do_upload_file(request.user, picked).pk


def _parse_datetime(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Enter a valid date and time."), field=field) from exc
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _writing_teams(acc: SpaceAccess) -> list[Any]:
    from plaza.spaces.queries import list_teams

    if not getattr(acc.user, "is_authenticated", False) or not (acc.joined or acc.is_admin):
        return []
    teams = list(list_teams(acc))
    return teams if acc.is_admin else [t for t in teams if getattr(t, "is_mine", False)]


# --- blogs --------------------------------------------------------------------------------


@page_errors
def blog_list(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug)
    author_id = _optional_int(request.GET.get("author"), "author")
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_space_blogs(acc, author_id=author_id, cursor=cursor)
    context = space_context(
        acc, "blogs", blogs=rows, next_cursor=next_cursor, author_id=author_id,
        can_write=bool(_writing_teams(acc)) or acc.is_member or acc.is_admin,
    )
    return render_page(request, "blogs/blog_list.html", context, partial="items" if cursor else None)


@page_errors
def blog_new(request: HttpRequest, slug: str) -> HttpResponse:
    require_login(request)
    acc = access_space(request.user, slug)
    if request.method == "POST":
        blog = actions.do_create_blog(
            acc, title=request.POST.get("title", ""), body=request.POST.get("body", ""),
            status="published" if request.POST.get("action") == "publish" else "draft",
            team_id=_optional_int(request.POST.get("team_id"), "team_id"), tags=_tags(request.POST.get("tags", "")),
            as_space=request.POST.get("as_space") == "on", cover_id=_upload_cover(request),
        )
        messages.success(request, _("The blog is published.") if blog.status == "published" else _("The draft is saved."))
        return redirect("blog_detail", blog.pk)
    context = space_context(acc, "blogs", blog=None, teams=_writing_teams(acc), max_title=MAX_TITLE, max_body=MAX_BODY)
    return render_page(request, "blogs/blog_form.html", context)


@page_errors
def blog_edit(request: HttpRequest, blog_id: int) -> HttpResponse:
    require_login(request)
    acc, blog = access_blog(request.user, blog_id, for_write=True)
    if request.method == "POST":
        actions.do_edit_blog(
            acc, blog, title=request.POST.get("title", ""), body=request.POST.get("body", ""),
            tags=_tags(request.POST.get("tags", "")), cover_id=_upload_cover(request),
            status="published" if request.POST.get("action") == "publish" else None,
        )
        messages.success(request, _("The blog is saved."))
        return redirect("blog_detail", blog.pk)
    context = space_context(acc, "blogs", blog=blog, teams=[], max_title=MAX_TITLE, max_body=MAX_BODY)
    return render_page(request, "blogs/blog_form.html", context)


@page_errors
def blog_detail(request: HttpRequest, blog_id: int) -> HttpResponse:
    acc, blog = access_blog(request.user, blog_id)
    if request.method == "POST":
        return _blog_action(request, acc, blog)
    post = queries.get_blog_post(acc, blog)
    comments = feed_queries.list_comments(post, acc=acc, limit=50)[0] if post is not None else []
    context = space_context(
        acc, "blogs", blog=blog, post=post, comments=comments,
        can_edit=can_edit_blog(acc, blog), can_delete=can_delete_blog(acc, blog),
        can_comment=post is not None and request.user.is_authenticated and (acc.joined or acc.is_admin),
    )
    return render_page(request, "blogs/blog_detail.html", context)


def _blog_action(request: HttpRequest, acc: SpaceAccess, blog: Blog) -> HttpResponse:
    require_login(request)
    action = request.POST.get("action", "comment")
    if action == "delete":
        actions.do_delete_blog(acc, blog)
        messages.success(request, _("The blog is deleted."))
        return redirect("blog_list", acc.space.slug)
    if action == "comment":
        post = queries.get_blog_post(acc, blog)
        if post is None:
            raise Invalid(_("Publish the blog first."), field="body")
        feed_actions.do_comment(acc, post, body=request.POST.get("body", ""))
        messages.success(request, _("Your comment is posted."))
        return redirect("blog_detail", blog.pk)
    raise Invalid(_("Unknown action."), field="action")


# --- headlines ----------------------------------------------------------------------------


@page_errors
def headlines_admin(request: HttpRequest, slug: str) -> HttpResponse:
    require_login(request)
    acc = access_space(request.user, slug)
    if not acc.is_admin:
        raise Forbidden()
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            headline = access_headline(acc, parse_int(request.POST.get("headline_id"), "headline_id"), for_write=True)
            actions.do_remove_headline(acc, headline)
            messages.success(request, _("The headline is removed."))
        else:
            actions.do_add_headline(
                acc, kind=request.POST.get("kind", ""), target_id=parse_int(request.POST.get("target_id"), "id"),
                position=_optional_int(request.POST.get("position"), "position"),
                expires_at=_parse_datetime(request.POST.get("expires_at", ""), "expires_at"),
                cover_id=_upload_cover(request),
            )
            messages.success(request, _("The headline is added."))
        return redirect("headlines_admin", slug)
    context = space_context(
        acc, "headlines", items=queries.list_headlines(acc, include_expired=True), kinds=HeadlineKind.choices,
        now=timezone.now(),
    )
    return render_page(request, "blogs/headlines_admin.html", context)


@page_errors
def headline_open(request: HttpRequest, headline_id: int) -> HttpResponse:
    """Follow a headline to its item, counting one view (only of items the viewer may see)."""
    from plaza.blogs.models import Headline

    found = Headline.objects.filter(pk=headline_id).select_related("space__parent__parent").first()
    if found is None:
        raise NotFound()
    acc = access_space(request.user, found.space.slug)
    item = queries.get_visible_headline(acc, headline_id)
    actions.do_count_headline_view(item.headline)
    return redirect(queries.headline_target_url(item.headline))


@bearer_or_session
@page_errors
def headline_cover(request: HttpRequest, headline_id: int) -> HttpResponse:
    """A headline's own cover image, for exactly those who may see the headline's item."""
    from plaza.blogs.models import Headline

    found = Headline.objects.filter(pk=headline_id).select_related("space__parent__parent").first()
    if found is None:
        raise NotFound()
    acc = access_space(request.user, found.space.slug)
    item = queries.get_visible_headline(acc, headline_id)
    cover = item.headline.cover
    if cover is None or not cover.is_image:
        raise NotFound()
    return file_response(cover, inline=True)
