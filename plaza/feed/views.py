"""Pages of the microblog: space, team, topic, person and following feeds, a post with its
comments, the like button and the share form.

Each view parses input, reaches posts through ``access_space``/``access_post``, calls one
action or query and renders the page, or one named partial of the same template for htmx.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from plaza.core.errors import Invalid, NotFound

# The error handling and partial rendering every app's pages share.
from plaza.core.pages import page_errors, parse_int, render_page, require_login
from plaza.feed import actions, queries
from plaza.feed.access import access_post, can_delete_post
from plaza.feed.models import MAX_BODY, MAX_COMMENT, Post
from plaza.spaces.access import SpaceAccess, access_space
from plaza.spaces.queries import list_my_memberships, list_teams
from plaza.uploads import actions as upload_actions
from plaza.uploads.models import MAX_ATTACHMENTS


def _posting_teams(acc: SpaceAccess) -> list[Any]:
    """Teams the caller may post in: all for admins, else their own."""
    if not getattr(acc.user, "is_authenticated", False) or not (acc.joined or acc.is_admin):
        return []
    teams = list(list_teams(acc))
    return teams if acc.is_admin else [t for t in teams if getattr(t, "is_mine", False)]


def _optional_int(value: Any, field: str) -> int | None:
    return None if value in (None, "") else parse_int(value, field)


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _feed_context(acc: SpaceAccess | None, rows: list[Post], next_cursor: str | None, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"posts": rows, "next_cursor": next_cursor, "acc": acc, **extra}
    if acc is not None:
        context.update(space=acc.space, tab="feed")
    return context


# --- feeds --------------------------------------------------------------------------------


@page_errors
def space_feed(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug)
    if request.method == "POST":
        return _publish(request, acc)
    team_id = _optional_int(request.GET.get("team"), "team")
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_space_feed(acc, team_id=team_id, cursor=cursor)
    pinned = queries.list_pinned(acc, team_id=team_id)
    # A pinned post stands at the top of the feed, once: not again further down.
    pinned_ids = {p.pk for p in pinned}
    rows = [r for r in rows if r.pk not in pinned_ids]
    teams = _posting_teams(acc)
    context = _feed_context(
        acc, rows, next_cursor,
        pinned=[] if cursor else pinned,
        team_id=team_id,
        teams=teams,
        can_post_space_wide=acc.is_member or acc.is_admin,
        can_post=bool(teams) or acc.is_member or acc.is_admin,
        max_body=MAX_BODY,
        live=True,
    )
    return render_page(request, "feed/post_list.html", context, partial="items" if cursor else None)


def _publish(request: HttpRequest, acc: SpaceAccess) -> HttpResponse:
    require_login(request)
    files = request.FILES.getlist("files")
    if len(files) > MAX_ATTACHMENTS:
        raise Invalid(_("At most %(n)d images and files.") % {"n": MAX_ATTACHMENTS}, field="files")
    uploaded = [upload_actions.do_upload_file(request.user, f) for f in files]
    post = actions.do_publish_post(
        acc, body=request.POST.get("body", ""), team_id=_optional_int(request.POST.get("team_id"), "team_id"),
        attachment_ids=[a.pk for a in uploaded],
    )
    if request.htmx:
        _acc, fresh = queries.get_post(acc, post.pk)
        return render(request, "feed/_post.html", {"post": fresh, "acc": acc, "fresh": True})
    messages.success(request, _("Your post is published."))
    return redirect(request.get_full_path())


@page_errors
def topic_feed(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    acc = access_space(request.user, slug)
    topic = queries.get_topic(acc, name)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_topic_feed(acc, topic.name, cursor=cursor)
    context = _feed_context(acc, rows, next_cursor, topic=topic)
    return render_page(request, "feed/topic.html", context, partial="items" if cursor else None)


@page_errors
def following_feed(request: HttpRequest) -> HttpResponse:
    require_login(request)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_following_feed(request.user, cursor=cursor)
    context = _feed_context(None, rows, next_cursor)
    return render_page(request, "feed/following.html", context, partial="items" if cursor else None)


@page_errors
def person(request: HttpRequest, handle: str) -> HttpResponse:
    someone = queries.get_person(request.user, handle)
    if request.method == "POST":
        if request.POST.get("action") == "unfollow":
            actions.do_unfollow(request.user, someone.pk)
            messages.success(request, _("You no longer follow %(name)s.") % {"name": someone.name})
        else:
            actions.do_follow(request.user, someone.pk)
            messages.success(request, _("You now follow %(name)s.") % {"name": someone.name})
        return redirect("person", someone.handle)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_person_feed(request.user, someone, cursor=cursor)
    context = _feed_context(None, rows, next_cursor, person=someone, profile=queries.get_profile(request.user, someone))
    context["following"] = context["profile"]["following"]
    return render_page(request, "feed/person.html", context, partial="items" if cursor else None)


# --- one post -----------------------------------------------------------------------------


@page_errors
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    acc, post = access_post(request.user, post_id)
    if request.method == "POST":
        return _post_action(request, acc, post)
    cursor = request.GET.get("cursor") or None
    comments, next_cursor = queries.list_comments(post, acc=acc, cursor=cursor)
    _acc, shown = queries.get_post(acc, post.pk)
    user_pk = getattr(request.user, "pk", None)
    context = {
        "acc": acc, "space": acc.space, "tab": "feed", "post": shown, "detail": True,
        "comments": comments, "next_cursor": next_cursor,
        "can_edit": user_pk is not None and post.author_id == user_pk,
        "can_delete": can_delete_post(acc, post),
        "can_comment": request.user.is_authenticated and (acc.joined or acc.is_admin),
        "reply_to": _optional_int(request.GET.get("reply_to"), "reply_to"),
        "max_comment": MAX_COMMENT, "max_body": MAX_BODY,
    }
    return render_page(request, "feed/post_detail.html", context, partial="comments" if cursor else None)


def _post_action(request: HttpRequest, acc: SpaceAccess, post: Post) -> HttpResponse:
    require_login(request)
    action = request.POST.get("action", "comment")
    here = reverse("post_detail", args=[post.pk])
    if action == "comment":
        actions.do_comment(
            acc, post, body=request.POST.get("body", ""), reply_to=_optional_int(request.POST.get("reply_to"), "reply_to")
        )
        messages.success(request, _("Your comment is posted."))
    elif action == "edit":
        actions.do_edit_post(acc, post, body=request.POST.get("body", ""))
        messages.success(request, _("The post is updated."))
    elif action == "delete":
        actions.do_delete_post(acc, post)
        messages.success(request, _("The post is deleted."))
        return redirect("space_feed", acc.space.slug)
    elif action == "pin":
        actions.do_pin_post(acc, post)
        messages.success(request, _("The post is pinned."))
    elif action == "unpin":
        actions.do_unpin_post(acc, post)
        messages.success(request, _("The post is unpinned."))
    else:
        raise Invalid(_("Unknown action."), field="action")
    return redirect(here)


@page_errors
def like(request: HttpRequest, post_id: int) -> HttpResponse:
    """Toggle the caller's like; htmx swaps the button, otherwise back to where they were."""
    if request.method != "POST":
        return redirect("post_detail", post_id)
    require_login(request)
    acc, post = access_post(request.user, post_id)
    if request.POST.get("action") == "unlike":
        count, liked = actions.do_unlike(acc, post)
    else:
        count, liked = actions.do_like(acc, post)
    if request.htmx:
        post.like_count, post.liked_by_me = count, liked
        return render(request, "feed/_like.html", {"post": post})
    return redirect(_next_url(request, reverse("post_detail", args=[post.pk])))


@page_errors
def share(request: HttpRequest, post_id: int) -> HttpResponse:
    require_login(request)
    acc, post = access_post(request.user, post_id)
    spaces = [m.space for m in list_my_memberships(request.user)]
    if request.method == "POST":
        try:
            into = access_space(request.user, request.POST.get("space", ""))
        except NotFound as exc:
            raise Invalid(_("Share into a space you belong to."), field="space") from exc
        shared = actions.do_share_post(
            acc, post, into=into, body=request.POST.get("body", ""),
            team_id=_optional_int(request.POST.get("team_id"), "team_id"),
        )
        messages.success(request, _("Shared to %(space)s.") % {"space": into.space.name})
        return redirect("post_detail", shared.pk)
    _acc, shown = queries.get_post(acc, post.pk)
    context = {"acc": acc, "space": acc.space, "tab": "feed", "post": shown, "spaces": spaces, "max_body": MAX_BODY,
               "blind_spots": queries.list_share_blind_spots(post, spaces)}
    return render(request, "feed/share.html", context)


@page_errors
def mention_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """The composer's ``@`` suggestions: a small partial of people who could see the post."""
    require_login(request)
    acc = access_space(request.user, slug)
    people = queries.list_mention_candidates(
        acc, q=request.GET.get("q", ""), team_id=_optional_int(request.GET.get("team_id"), "team_id")
    )
    return render(request, "feed/_mention_suggestions.html", {"people": people})
