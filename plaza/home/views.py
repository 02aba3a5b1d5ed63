"""The home across my spaces (``/``) and a space's home (``/s/<slug>/``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plaza.core.pages import page_errors, render_page, space_context
from plaza.home import queries
from plaza.spaces import queries as space_queries
from plaza.spaces.access import access_space
from plaza.spaces.forms import JoinForm
from plaza.spaces.models import Visibility


@page_errors
def home(request: HttpRequest) -> HttpResponse:
    """Signed in: one stream of all my spaces, what waits for my acknowledgement and my next
    events. Signed out: the welcome page with the public spaces."""
    user = request.user
    if not user.is_authenticated:
        public_spaces = space_queries.list_directory(user).filter(visibility=Visibility.PUBLIC)[:12]
        signup_open = settings.SIGNUP == "open" and not settings.SSO_REQUIRED
        return render(request, "spaces/welcome.html", {"public_spaces": public_spaces, "signup_open": signup_open})
    spaces = queries.list_my_spaces(user)
    before = queries.parse_before(request.GET.get("before"))
    stream, next_before = queries.list_home_stream(user, spaces, before=before)
    next_cursor = next_before.isoformat() if next_before is not None else None
    context = {"stream": stream, "next_cursor": next_cursor, "my_spaces": spaces}
    if before is not None:
        return render_page(request, "home/home.html", context, partial="stream")
    context.update(
        waiting=queries.list_waiting_acknowledgement(user, spaces),
        next_events=queries.list_next_events(user, spaces),
        invitations=space_queries.list_pending_invitations(user),
    )
    return render(request, "home/home.html", context)


@page_errors
def space_home(request: HttpRequest, slug: str) -> HttpResponse:
    """What is alive in the space, each section only what the caller may see; signed-out
    visitors of a public space get its landing page."""
    acc = access_space(request.user, slug)
    sees_teams = acc.joined or acc.is_admin
    context = space_context(
        acc,
        "home",
        member_count=space_queries.count_members(acc.space),
        teams=list(space_queries.list_teams(acc)[:12]) if sees_teams else [],
        children=space_queries.list_children(acc),
        pending_request=space_queries.has_pending_request(acc),
        join_form=JoinForm(),
        events=queries.list_upcoming_events(acc),
        polls=queries.list_open_polls(acc),
        posts=queries.list_latest_posts(acc),
        blogs=queries.list_latest_blogs(acc),
        new_members=queries.list_new_members(acc),
        products=queries.list_showcase_products(acc) if not acc.role else [],
        case_types=queries.list_case_desk_types(acc) if not acc.role else [],
    )
    return render(request, "home/space_home.html", context)
