"""Who may call what: every route under /api/v1 × method × persona → expected status.

The routes are enumerated from Django's URL resolver, so a route added later without a row
in POLICY fails ``test_every_route_has_a_policy``. Each case runs against a freshly built
world (the ``world`` fixture is rebuilt per test), with a valid body, so the status reflects
authorization alone.

Rules the table follows (API.md, Conventions): signed-out callers get 401 on routes that
need sign-in; things the caller may not know exist (another space, a private team) are 404;
403 only where the caller can see the object but may not do this.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from plaza.accounts.actions import do_create_token
from plaza.blogs.tests import policy as blogs_policy
from plaza.chat.tests import policy as chat_policy
from plaza.core.testing import PASSWORD, World, png_bytes
from plaza.events.tests import policy as events_policy
from plaza.exports.tests import policy as exports_policy
from plaza.moderation.tests import policy as moderation_policy
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_invitation, do_create_team, do_import_members
from plaza.spaces.models import JoinRequest

PERSONAS = ["alice", "bob", "gina", "mallory", "anonymous"]
API_PREFIX = "api/v1/"


def api_routes() -> dict[str, set[str]]:
    """{route template: methods} for every URL pattern under /api/v1, from the resolver."""
    routes: dict[str, set[str]] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith(API_PREFIX):
                methods: set[str] = {"GET"}  # plain Django views (docs, openapi.json, root)
                for cell in getattr(p.callback, "__closure__", None) or ():
                    operations = getattr(cell.cell_contents, "operations", None)
                    if operations is not None:  # a ninja PathView
                        methods = {m for op in operations for m in op.methods}
                routes.setdefault(route[len(API_PREFIX):], set()).update(methods)

    walk(get_resolver().url_patterns, "")
    return routes


@dataclass
class Fixtures:
    """The objects path parameters point at, made in each fresh world."""

    world: World
    public_team: int
    private_team: int
    invitation: int
    invitation_code: str
    join_request: int
    member_import: int
    alice_token2: int


def build_fixtures(world: World) -> Fixtures:
    alice_acc = space_access_for(world.alice.user, world.acme)
    public_team = do_create_team(alice_acc, name="Sales", visibility="public")
    do_add_team_member(alice_acc, public_team, world.gina.user.pk)
    private_team = do_create_team(alice_acc, name="Board", visibility="private")
    link = do_create_invitation(alice_acc, role="member", max_uses=10)
    outsider_request = JoinRequest.objects.create(space=world.acme, user=world.mallory.user, message="hi")
    job = do_import_members(alice_acc, "email,name,role\nnew.person@example.com,New Person,member\n")
    token2, _key = do_create_token(world.alice.user, name="second")
    return Fixtures(world, public_team.pk, private_team.pk, link.pk, link.code, outsider_request.pk, job.pk, token2.pk)


A, B, G, M, N = "alice", "bob", "gina", "mallory", "anonymous"


def row(alice: int, bob: int, gina: int, mallory: int, anonymous: int) -> dict[str, int]:
    return {A: alice, B: bob, G: gina, M: mallory, N: anonymous}


def everyone(status: int) -> dict[str, int]:
    return row(status, status, status, status, status)


def signed_in(status: int) -> dict[str, int]:
    return row(status, status, status, status, 401)


# Admin-only things in acme: alice may; bob and gina are in the space but lack the role;
# mallory may not know acme exists; signed-out callers must sign in.
ADMIN = row(200, 403, 403, 404, 401)
ADMIN_201 = row(201, 403, 403, 404, 401)
ADMIN_204 = row(204, 403, 403, 404, 401)


@dataclass
class Case:
    expect: dict[str, int]
    params: Callable[[Fixtures], dict[str, Any]] = lambda f: {}
    body: Callable[[Fixtures], Any] | None = None
    multipart: bool = False
    upload: Callable[[], Any] | None = None  # the multipart file, a CSV when not given
    query: dict[str, str] | None = None  # the query string of a GET


def acme(f: Fixtures) -> dict[str, Any]:
    return {"slug": "acme"}


def sales_post(f: Fixtures) -> dict[str, Any]:
    """A post by gina (guest) in the public Sales team: alice and bob see it, mallory not."""
    from plaza.feed.actions import do_publish_post

    post = do_publish_post(space_access_for(f.world.gina.user, f.world.acme), body="From sales", team_id=f.public_team)
    return {"post_id": post.pk}


def acme_member(f: Fixtures) -> dict[str, Any]:
    """carol, one more member of acme, to follow."""
    from plaza.core.testing import make_user
    from plaza.spaces.models import Membership

    carol = make_user("carol")
    Membership.objects.create(space=f.world.acme, user=carol, role="member")
    return {"user_id": carol.pk}


def _cases() -> Any:
    from plaza.cases.tests import fixtures

    return fixtures


def _case_number(f: Fixtures) -> dict[str, Any]:
    return {"number": _cases().bobs_case(f.world)[0].number}


def _lookup_body(f: Fixtures, *, need_info: bool = False, **extra: Any) -> dict[str, Any]:
    case, code = _cases().bobs_case(f.world, need_info=need_info)
    return {"number": case.number, "code": code, **extra}


def _poll(f: Fixtures) -> dict[str, Any]:
    from plaza.polls.tests.fixtures import bobs_poll

    made = bobs_poll(f.world)
    f.poll_options = made["option_ids"][:1]  # type: ignore[attr-defined]
    return {"poll_id": made["poll_id"]}


def _showcase() -> Any:
    from plaza.showcase.tests import fixtures

    return fixtures


def _shop(f: Fixtures, key: str) -> dict[str, Any]:
    return {key: _showcase().bobs_catalogue(f.world)[key]}


def _webhook(f: Fixtures) -> dict[str, Any]:
    from plaza.webhooks.actions import do_create_webhook

    hook = do_create_webhook(space_access_for(f.world.alice.user, f.world.acme), url="https://93.184.216.34/hook",
                             events=["post.created"])
    return {"webhook_id": hook.pk}


# (method, route template as the resolver shows it) → Case
POLICY: dict[tuple[str, str], Case] = {
    # --- documentation: public -----------------------------------------------------------
    ("GET", "openapi.json"): Case(everyone(200)),
    ("GET", "docs"): Case(everyone(200)),
    ("GET", ""): Case(everyone(404)),  # ninja's root: nothing there outside DEBUG
    # --- accounts ------------------------------------------------------------------------
    ("POST", "auth/signup"): Case(everyone(201), body=lambda f: {"email": "new@example.com", "password": PASSWORD, "name": "New"}),
    ("POST", "auth/token"): Case(everyone(201), body=lambda f: {"email": "alice@example.com", "password": PASSWORD}),
    ("DELETE", "auth/token"): Case(signed_in(204)),
    ("GET", "me"): Case(signed_in(200)),
    ("PATCH", "me"): Case(signed_in(200), body=lambda f: {"name": "Renamed"}),
    ("POST", "me/deactivate"): Case(signed_in(204), body=lambda f: {"password": PASSWORD}),
    ("POST", "me/avatar"): Case(signed_in(200), multipart=True, upload=lambda: SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")),
    ("DELETE", "me/avatar"): Case(signed_in(200)),
    ("GET", "me/tokens"): Case(signed_in(200)),
    ("POST", "me/tokens"): Case(signed_in(201), body=lambda f: {"name": "laptop"}),
    # alice's second token: only alice may revoke it; to others it does not exist.
    ("DELETE", "me/tokens/<int:token_id>"): Case(row(204, 404, 404, 404, 401), params=lambda f: {"token_id": f.alice_token2}),
    # --- spaces --------------------------------------------------------------------------
    ("POST", "spaces"): Case(signed_in(201), body=lambda f: {"name": "New", "slug": "new-space", "visibility": "private", "join_policy": "invite"}),
    ("GET", "spaces"): Case(signed_in(200)),
    ("GET", "spaces/directory"): Case(everyone(200)),
    # Search answers everyone, with only what each may open (search/tests: the canary sweep).
    ("GET", "search"): Case(everyone(200), query={"q": "acme 红酒"}),
    ("GET", "spaces/<slug>"): Case(row(200, 200, 200, 404, 404), params=acme),
    ("PATCH", "spaces/<slug>"): Case(ADMIN, params=acme, body=lambda f: {"description": "Changed"}),
    ("DELETE", "spaces/<slug>"): Case(ADMIN_204, params=acme),
    ("GET", "spaces/<slug>/members"): Case(row(200, 200, 403, 404, 401), params=acme),
    ("PATCH", "spaces/<slug>/members/<int:user_id>"): Case(
        ADMIN, params=lambda f: {"slug": "acme", "user_id": f.world.bob.user.pk}, body=lambda f: {"role": "admin"}
    ),
    # Removing bob: alice (admin) may, bob himself leaves, gina may not.
    ("DELETE", "spaces/<slug>/members/<int:user_id>"): Case(
        row(204, 204, 403, 404, 401), params=lambda f: {"slug": "acme", "user_id": f.world.bob.user.pk}
    ),
    ("POST", "spaces/<slug>/transfer"): Case(ADMIN_204, params=acme, body=lambda f: {"user_id": f.world.bob.user.pk}),
    ("POST", "spaces/<slug>/members/import"): Case(ADMIN_201, params=acme, multipart=True),
    ("GET", "spaces/<slug>/imports/<int:import_id>"): Case(ADMIN, params=lambda f: {"slug": "acme", "import_id": f.member_import}),
    ("POST", "spaces/<slug>/invitations"): Case(ADMIN_201, params=acme, body=lambda f: {"role": "member", "max_uses": 5}),
    ("GET", "spaces/<slug>/invitations"): Case(ADMIN, params=acme),
    ("DELETE", "spaces/<slug>/invitations/<int:invitation_id>"): Case(
        ADMIN_204, params=lambda f: {"slug": "acme", "invitation_id": f.invitation}
    ),
    # Whoever holds an invite link may use it (that is what a link is for).
    ("POST", "invitations/<code>/accept"): Case(signed_in(200), params=lambda f: {"code": f.invitation_code}),
    # acme is invite-only: its people are already in (joined); mallory may not know it.
    ("POST", "spaces/<slug>/join"): Case(row(200, 200, 200, 404, 401), params=acme, body=lambda f: {}),
    ("GET", "spaces/<slug>/join-requests"): Case(ADMIN, params=acme),
    ("POST", "spaces/<slug>/join-requests/<int:request_id>/approve"): Case(
        ADMIN, params=lambda f: {"slug": "acme", "request_id": f.join_request}
    ),
    ("POST", "spaces/<slug>/join-requests/<int:request_id>/reject"): Case(
        ADMIN, params=lambda f: {"slug": "acme", "request_id": f.join_request}
    ),
    ("GET", "spaces/<slug>/audit-log"): Case(ADMIN, params=acme),
    # --- teams ---------------------------------------------------------------------------
    ("POST", "spaces/<slug>/teams"): Case(row(201, 201, 403, 404, 401), params=acme, body=lambda f: {"name": "Ops", "visibility": "public"}),
    ("GET", "spaces/<slug>/teams"): Case(row(200, 200, 200, 404, 401), params=acme),
    # The private team: only its members (alice) know it exists.
    ("GET", "teams/<int:team_id>"): Case(row(200, 404, 404, 404, 401), params=lambda f: {"team_id": f.private_team}),
    # The public team (alice team admin, gina member): bob sees it but may not change it.
    ("PATCH", "teams/<int:team_id>"): Case(row(200, 403, 403, 404, 401), params=lambda f: {"team_id": f.public_team}, body=lambda f: {"name": "Sales EU"}),
    ("DELETE", "teams/<int:team_id>"): Case(row(204, 403, 403, 404, 401), params=lambda f: {"team_id": f.public_team}),
    ("GET", "teams/<int:team_id>/members"): Case(row(200, 200, 200, 404, 401), params=lambda f: {"team_id": f.public_team}),
    ("POST", "teams/<int:team_id>/members"): Case(
        row(201, 403, 403, 404, 401), params=lambda f: {"team_id": f.public_team}, body=lambda f: {"user_id": f.world.bob.user.pk}
    ),
    # Removing gina from the public team: the team admin may, gina herself leaves.
    ("DELETE", "teams/<int:team_id>/members/<int:user_id>"): Case(
        row(204, 403, 204, 404, 401), params=lambda f: {"team_id": f.public_team, "user_id": f.world.gina.user.pk}
    ),
    ("POST", "teams/<int:team_id>/join"): Case(row(200, 200, 200, 404, 401), params=lambda f: {"team_id": f.public_team}),
    # --- notifications: each person's own ------------------------------------------------
    ("GET", "notifications"): Case(signed_in(200)),
    ("GET", "notifications/unread-count"): Case(signed_in(200)),
    ("POST", "notifications/read"): Case(signed_in(200), body=lambda f: {"all": True}),
    ("GET", "notifications/settings"): Case(signed_in(200)),
    ("PUT", "notifications/settings"): Case(signed_in(200), body=lambda f: {"muted_spaces": []}),
    # --- discussion groups (alice's group with bob; gina is in acme but not in it) ---------
    ("POST", "spaces/<slug>/groups"): Case(
        row(201, 201, 403, 404, 401), params=acme, body=lambda f: {"name": "Ops", "member_ids": [f.world.gina.user.pk]}
    ),
    ("GET", "spaces/<slug>/groups"): Case(row(200, 200, 200, 404, 401), params=acme),
    # The inbox (issue 14): my conversations anywhere; a direct chat with carol, a member of
    # acme (gina, a guest, shares no team with her; mallory no space); acme's people pickers.
    ("GET", "conversations"): Case(signed_in(200)),
    ("POST", "direct-chats"): Case(row(201, 201, 404, 404, 401), body=chat_policy.acme_newcomer),
    ("GET", "people"): Case(row(200, 200, 200, 404, 401), query={"space": "acme", "q": "b"}),
    ("GET", "groups/<int:group_id>"): Case(row(200, 200, 404, 404, 401), params=chat_policy.acme_group),
    ("PATCH", "groups/<int:group_id>"): Case(row(200, 403, 404, 404, 401), params=chat_policy.acme_group, body=lambda f: {"name": "New"}),
    ("POST", "groups/<int:group_id>/members"): Case(
        row(201, 403, 404, 404, 401), params=chat_policy.acme_group, body=lambda f: {"user_id": f.world.gina.user.pk}
    ),
    # Removing bob: the creator may, bob himself leaves.
    ("DELETE", "groups/<int:group_id>/members/<int:user_id>"): Case(row(204, 204, 404, 404, 401), params=chat_policy.acme_group_bob),
    ("POST", "groups/<int:group_id>/messages"): Case(row(201, 201, 404, 404, 401), params=chat_policy.acme_group, body=lambda f: {"body": "Hi"}),
    ("GET", "groups/<int:group_id>/messages"): Case(row(200, 200, 404, 404, 401), params=chat_policy.acme_group),
    # bob's message: only bob edits or deletes it.
    ("PATCH", "groups/<int:group_id>/messages/<int:message_id>"): Case(
        row(403, 200, 404, 404, 401), params=chat_policy.acme_group_message, body=lambda f: {"body": "Edited"}
    ),
    ("DELETE", "groups/<int:group_id>/messages/<int:message_id>"): Case(row(403, 204, 404, 404, 401), params=chat_policy.acme_group_message),
    ("POST", "groups/<int:group_id>/read"): Case(
        row(200, 200, 404, 404, 401), params=chat_policy.acme_group_message, body=chat_policy.latest_message
    ),
    # --- calls (alice's call with bob) ---------------------------------------------------
    ("POST", "groups/<int:group_id>/calls"): Case(row(201, 201, 404, 404, 401), params=chat_policy.acme_group, body=lambda f: {}),
    # Guests call from a group they are in, not people of the space at large.
    ("POST", "spaces/<slug>/calls"): Case(
        row(201, 201, 403, 404, 401), params=acme, body=lambda f: {"participant_ids": [f.world.alice.user.pk, f.world.bob.user.pk]}
    ),
    ("GET", "calls/<int:call_id>"): Case(row(200, 200, 404, 404, 401), params=chat_policy.acme_call),
    ("POST", "calls/<int:call_id>/join"): Case(row(200, 200, 404, 404, 401), params=chat_policy.acme_call),
    ("POST", "calls/<int:call_id>/leave"): Case(row(200, 200, 404, 404, 401), params=chat_policy.acme_call),
    # --- mail (alice's mail to bob) ------------------------------------------------------
    # gina, a guest, knows only the people of her team (alice), not bob; mallory knows neither.
    ("POST", "mail"): Case(
        row(201, 201, 404, 404, 401),
        body=lambda f: {"to": [f.world.alice.user.pk, f.world.bob.user.pk], "subject": "Hi", "body": "Hello"},
    ),
    ("GET", "mail/folders/<folder>"): Case(signed_in(200), params=lambda f: {"folder": "inbox"}),
    ("GET", "mail/messages/<int:message_id>"): Case(row(200, 200, 404, 404, 401), params=chat_policy.mail_to_bob),
    ("GET", "mail/threads/<int:thread_id>"): Case(row(200, 200, 404, 404, 401), params=chat_policy.mail_thread_to_bob),
    ("POST", "mail/messages/<int:message_id>/move"): Case(
        row(200, 200, 404, 404, 401), params=chat_policy.mail_to_bob, body=lambda f: {"folder": "archive"}
    ),
    ("POST", "mail/messages/<int:message_id>/forward"): Case(
        row(201, 201, 404, 404, 401), params=chat_policy.mail_to_bob, body=lambda f: {"to": [f.world.gina.user.pk]}
    ),
    # --- events (alice's space-wide event in acme) and the calendar (each person's own) ---
    # Guests create events only in their teams and do not see space-wide ones.
    ("POST", "spaces/<slug>/events"): Case(row(201, 201, 403, 404, 401), params=acme, body=events_policy.event_body),
    ("GET", "spaces/<slug>/events"): Case(row(200, 200, 200, 404, 401), params=acme),
    ("GET", "events/<int:event_id>"): Case(row(200, 200, 404, 404, 401), params=events_policy.acme_event),
    ("PATCH", "events/<int:event_id>"): Case(row(200, 403, 404, 404, 401), params=events_policy.acme_event, body=lambda f: {"title": "New"}),
    ("POST", "events/<int:event_id>/cancel"): Case(row(200, 403, 404, 404, 401), params=events_policy.acme_event),
    ("POST", "events/<int:event_id>/rsvp"): Case(row(200, 200, 404, 404, 401), params=events_policy.acme_event, body=lambda f: {"status": "going"}),
    ("GET", "events/<int:event_id>/attendees"): Case(row(200, 200, 404, 404, 401), params=events_policy.acme_event),
    ("POST", "events/<int:event_id>/attendees/<int:user_id>/approve"): Case(
        row(200, 403, 404, 404, 401), params=events_policy.acme_approval_event_bob_pending
    ),
    ("DELETE", "events/<int:event_id>/attendees/<int:user_id>"): Case(
        row(204, 403, 404, 404, 401), params=events_policy.acme_event_bob_going
    ),
    ("GET", "calendar"): Case(signed_in(200)),
    ("POST", "calendar/entries"): Case(signed_in(201), body=events_policy.entry_body),
    ("GET", "calendar/feed"): Case(signed_in(200)),
    ("POST", "calendar/feed/rotate"): Case(signed_in(200)),
    ("POST", "calendar/import"): Case(signed_in(200), multipart=True, upload=events_policy.ics_upload),
    # --- blogs (gina's published blog in the public Sales team) and headlines ---------------
    # Guests blog only in their teams; only the author edits; the author or an admin deletes.
    ("POST", "spaces/<slug>/blogs"): Case(row(201, 201, 403, 404, 401), params=acme, body=lambda f: {"title": "Hello", "body": "World"}),
    ("GET", "spaces/<slug>/blogs"): Case(row(200, 200, 200, 404, 404), params=acme),
    ("GET", "blogs/<int:blog_id>"): Case(row(200, 200, 200, 404, 404), params=blogs_policy.sales_blog),
    ("PATCH", "blogs/<int:blog_id>"): Case(row(403, 403, 200, 404, 401), params=blogs_policy.sales_blog, body=lambda f: {"title": "Edited"}),
    ("DELETE", "blogs/<int:blog_id>"): Case(row(204, 403, 204, 404, 401), params=blogs_policy.sales_blog),
    ("POST", "blogs/<int:blog_id>/like"): Case(row(200, 200, 200, 404, 401), params=blogs_policy.sales_blog),
    ("DELETE", "blogs/<int:blog_id>/like"): Case(row(200, 200, 200, 404, 401), params=blogs_policy.sales_blog),
    ("POST", "blogs/<int:blog_id>/comments"): Case(row(201, 201, 201, 404, 401), params=blogs_policy.sales_blog, body=lambda f: {"body": "Nice"}),
    ("GET", "blogs/<int:blog_id>/comments"): Case(row(200, 200, 200, 404, 404), params=blogs_policy.sales_blog),
    ("GET", "spaces/<slug>/headlines"): Case(row(200, 200, 200, 404, 404), params=acme),
    ("POST", "spaces/<slug>/headlines"): Case(ADMIN_201, params=acme, body=blogs_policy.headline_body),
    ("DELETE", "spaces/<slug>/headlines/<int:headline_id>"): Case(ADMIN_204, params=blogs_policy.acme_headline),
    # --- announcements (alice's, to the whole of acme: bob receives it, gina, a guest, not) ---
    ("POST", "spaces/<slug>/announcements"): Case(ADMIN_201, params=acme, body=lambda f: {"title": "Hi", "body": "All"}),
    ("GET", "spaces/<slug>/announcements"): Case(row(200, 200, 200, 404, 401), params=acme),
    ("GET", "announcements/<int:announcement_id>"): Case(row(200, 200, 404, 404, 401), params=blogs_policy.acme_announcement),
    ("PATCH", "announcements/<int:announcement_id>"): Case(
        row(200, 403, 404, 404, 401), params=blogs_policy.acme_announcement, body=lambda f: {"title": "Changed"}
    ),
    ("POST", "announcements/<int:announcement_id>/read"): Case(row(200, 200, 404, 404, 401), params=blogs_policy.acme_announcement),
    ("POST", "announcements/<int:announcement_id>/recall"): Case(row(200, 403, 404, 404, 401), params=blogs_policy.acme_announcement),
    ("GET", "announcements/<int:announcement_id>/receipts"): Case(row(200, 403, 404, 404, 401), params=blogs_policy.acme_announcement),
    ("POST", "announcements/<int:announcement_id>/remind"): Case(row(202, 403, 404, 404, 401), params=blogs_policy.acme_announcement),
    # --- feed ----------------------------------------------------------------------------
    # Guests post only in their teams; outsiders may not know acme exists.
    ("POST", "spaces/<slug>/posts"): Case(row(201, 201, 403, 404, 401), params=acme, body=lambda f: {"body": "Hello"}),
    ("GET", "spaces/<slug>/feed"): Case(row(200, 200, 200, 404, 404), params=acme),
    ("GET", "feed/following"): Case(signed_in(200)),
    ("GET", "posts/<int:post_id>"): Case(row(200, 200, 200, 404, 404), params=sales_post),
    # Only the author (gina) edits; the author or an admin deletes.
    ("PATCH", "posts/<int:post_id>"): Case(row(403, 403, 200, 404, 401), params=sales_post, body=lambda f: {"body": "Edited"}),
    ("DELETE", "posts/<int:post_id>"): Case(row(204, 403, 204, 404, 401), params=sales_post),
    ("POST", "posts/<int:post_id>/like"): Case(row(200, 200, 200, 404, 401), params=sales_post),
    ("DELETE", "posts/<int:post_id>/like"): Case(row(200, 200, 200, 404, 401), params=sales_post),
    ("POST", "posts/<int:post_id>/comments"): Case(row(201, 201, 201, 404, 401), params=sales_post, body=lambda f: {"body": "Nice"}),
    ("GET", "posts/<int:post_id>/comments"): Case(row(200, 200, 200, 404, 404), params=sales_post),
    # Sharing space-wide into acme: gina, a guest, may post only in her teams.
    ("POST", "posts/<int:post_id>/shares"): Case(row(201, 201, 403, 404, 401), params=sales_post, body=lambda f: {"space": "acme"}),
    ("POST", "posts/<int:post_id>/pin"): Case(ADMIN, params=sales_post),
    ("DELETE", "posts/<int:post_id>/pin"): Case(ADMIN_204, params=sales_post),
    # Following carol, a member of acme: mallory shares no space with her, and gina, a
    # guest, knows only the people of her teams.
    # carol is a member of acme: its members see her; gina (a guest) shares no team with her.
    ("GET", "users/<int:user_id>"): Case(row(200, 200, 404, 404, 401), params=acme_member),
    ("POST", "users/<int:user_id>/follow"): Case(row(200, 200, 404, 404, 401), params=acme_member),
    ("DELETE", "users/<int:user_id>/follow"): Case(row(204, 204, 404, 404, 401), params=acme_member),
    # Anyone signed in may upload (a CSV here); downloads are checked against the post.
    ("POST", "uploads"): Case(signed_in(201), multipart=True),
    # --- quick review (cases): bob's case in acme, reviewed by alice (admin) ----------------
    ("POST", "spaces/<slug>/case-types"): Case(ADMIN_201, params=acme, body=lambda f: {
        "name": "Complaint", "fields": [{"key": "what", "label": "What", "type": "text"}], "outcomes": ["done"]}),
    ("GET", "spaces/<slug>/case-types"): Case(row(200, 200, 200, 404, 404), params=acme),
    # Every member, guests included, may file a "members" case; acme is private.
    ("POST", "spaces/<slug>/cases"): Case(row(201, 201, 201, 404, 404), params=acme, body=lambda f: {
        "case_type_id": _cases().review_type(f.world), "values": {"what": "A bottle"}}),
    # Without a matching number and code there is nothing to see, for anyone; never 401.
    ("GET", "cases/lookup"): Case(everyone(404)),
    ("POST", "cases/lookup/reply"): Case(everyone(200), body=lambda f: _lookup_body(f, need_info=True, body="Here it is")),
    ("POST", "cases/lookup/withdraw"): Case(everyone(200), body=lambda f: _lookup_body(f)),
    ("GET", "spaces/<slug>/cases"): Case(row(200, 403, 403, 404, 401), params=acme),
    ("GET", "spaces/<slug>/cases/stats"): Case(row(200, 403, 403, 404, 401), params=acme),
    # Only reviewers know a case exists; the submitter follows it through the lookup.
    ("GET", "cases/<number>"): Case(row(200, 404, 404, 404, 401), params=lambda f: _case_number(f)),
    ("POST", "cases/<number>/transition"): Case(row(200, 404, 404, 404, 401), params=lambda f: _case_number(f),
                                               body=lambda f: {"to": "accepted"}),
    ("POST", "cases/<number>/notes"): Case(row(201, 404, 404, 404, 401), params=lambda f: _case_number(f),
                                          body=lambda f: {"body": "Checked the cork", "public": False}),
    ("POST", "cases/<number>/assign"): Case(row(200, 404, 404, 404, 401), params=lambda f: _case_number(f),
                                           body=lambda f: {"user_id": f.world.alice.user.pk}),
    # --- polls: bob's open, space-wide poll in acme (guests see their teams' polls only) --------
    ("POST", "spaces/<slug>/polls"): Case(row(201, 201, 403, 404, 401), params=acme, body=lambda f: {
        "question": "Where to?", "options": [{"text": "Beach"}, {"text": "Hills"}]}),
    ("GET", "spaces/<slug>/polls"): Case(row(200, 200, 200, 404, 404), params=acme),
    ("GET", "polls/<int:poll_id>"): Case(row(200, 200, 404, 404, 404), params=lambda f: _poll(f)),
    ("POST", "polls/<int:poll_id>/votes"): Case(row(200, 200, 404, 404, 401), params=lambda f: _poll(f),
                                                body=lambda f: {"option_ids": f.poll_options}),
    # The author (bob) or an admin closes it.
    ("POST", "polls/<int:poll_id>/close"): Case(row(200, 200, 404, 404, 401), params=lambda f: _poll(f)),
    ("GET", "polls/<int:poll_id>/voters"): Case(row(200, 200, 404, 404, 404), params=lambda f: _poll(f)),
    # The author (bob) or an admin deletes it.
    ("DELETE", "polls/<int:poll_id>"): Case(row(204, 204, 404, 404, 401), params=lambda f: _poll(f)),
    # --- showcase: an exhibitor of acme managed by bob; guests do not browse catalogues -------
    ("POST", "spaces/<slug>/exhibitors"): Case(ADMIN_201, params=acme, body=lambda f: {"name": "Winery"}),
    ("GET", "spaces/<slug>/exhibitors"): Case(row(200, 200, 403, 404, 404), params=acme),
    # Its managers (bob) and admins edit it; only admins remove it.
    ("PATCH", "exhibitors/<int:exhibitor_id>"): Case(row(200, 200, 404, 404, 401), params=lambda f: _shop(f, "exhibitor_id"),
                                                     body=lambda f: {"contact": "sales@example.com"}),
    ("DELETE", "exhibitors/<int:exhibitor_id>"): Case(row(204, 403, 404, 404, 401), params=lambda f: _shop(f, "exhibitor_id")),
    ("POST", "exhibitors/<int:exhibitor_id>/products"): Case(row(201, 201, 404, 404, 401), params=lambda f: _shop(f, "exhibitor_id"),
                                                             body=lambda f: {"name": "White", "category": "Wine"}),
    ("GET", "spaces/<slug>/products"): Case(row(200, 200, 403, 404, 404), params=acme),
    ("GET", "products/<int:product_id>"): Case(row(200, 200, 404, 404, 404), params=lambda f: _shop(f, "product_id")),
    ("PATCH", "products/<int:product_id>"): Case(row(200, 200, 404, 404, 401), params=lambda f: _shop(f, "product_id"),
                                                 body=lambda f: {"price": "9.90"}),
    ("DELETE", "products/<int:product_id>"): Case(row(204, 204, 404, 404, 401), params=lambda f: _shop(f, "product_id")),
    ("POST", "products/<int:product_id>/syndicate"): Case(row(201, 201, 404, 404, 401), params=lambda f: _shop(f, "product_id"),
                                                          body=lambda f: {"space": _showcase().public_child(f.world)}),
    # Signed-out inquiries only where the product is public; acme is private.
    ("POST", "products/<int:product_id>/inquiries"): Case(row(201, 201, 404, 404, 404), params=lambda f: _shop(f, "product_id"),
                                                          body=lambda f: {"message": "In stock?"}),
    ("GET", "exhibitors/<int:exhibitor_id>/inquiries"): Case(row(200, 200, 404, 404, 401), params=lambda f: _shop(f, "exhibitor_id")),
    ("PATCH", "inquiries/<int:inquiry_id>"): Case(row(200, 200, 404, 404, 401), params=lambda f: _shop(f, "inquiry_id"),
                                                  body=lambda f: {"status": "closed"}),
    # --- webhooks: admins of acme only (a public IP literal: nothing is resolved or called) ---
    ("POST", "spaces/<slug>/webhooks"): Case(ADMIN_201, params=acme,
                                             body=lambda f: {"url": "https://93.184.216.34/hook", "events": ["post.created"]}),
    ("GET", "spaces/<slug>/webhooks"): Case(ADMIN, params=acme),
    ("DELETE", "webhooks/<int:webhook_id>"): Case(ADMIN_204, params=lambda f: _webhook(f)),
    ("GET", "webhooks/<int:webhook_id>/deliveries"): Case(ADMIN, params=lambda f: _webhook(f)),
    # --- exports: a space's for its admins, a person's own; both read back by id ------------
    ("POST", "spaces/<slug>/export"): Case(row(202, 403, 403, 404, 401), params=acme),
    ("POST", "me/export"): Case(signed_in(202)),
    ("GET", "exports/<int:export_id>"): Case(row(200, 404, 404, 404, 401), params=exports_policy.acme_export),
    ("GET", "exports/<int:export_id>/download"): Case(row(200, 404, 404, 404, 401), params=exports_policy.acme_export),
    # --- moderation: anyone reports what they see (not their own); acme's admins decide -----
    ("POST", "reports"): Case(row(201, 201, 403, 404, 401), body=moderation_policy.report_body),
    ("GET", "spaces/<slug>/reports"): Case(ADMIN, params=acme),
    ("POST", "reports/<int:report_id>/resolve"): Case(ADMIN, params=moderation_policy.bobs_report,
                                                      body=lambda f: {"action": "dismiss"}),
}


def fill(route: str, params: dict[str, Any]) -> str:
    path = route
    for name, value in params.items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    assert "<" not in path, f"unfilled path parameter in {path}"
    return "/" + API_PREFIX + path


def call(persona: str, method: str, route: str, case: Case, fixtures: Fixtures) -> Any:
    client = Client()
    extra: dict[str, Any] = {}
    if persona != "anonymous":
        extra["HTTP_AUTHORIZATION"] = f"Bearer {getattr(fixtures.world, persona).token}"
    url = fill(route, case.params(fixtures))
    if case.multipart:
        upload = case.upload() if case.upload else SimpleUploadedFile(
            "people.csv", b"email,name,role\ncarol@example.com,Carol,member\n", content_type="text/csv"
        )
        return client.post(url, data={"file": upload}, **extra)
    body = case.body(fixtures) if case.body else None
    if body is not None:
        extra.update(data=json.dumps(body), content_type="application/json")
    elif case.query is not None:
        extra.update(data=case.query)
    return getattr(client, method.lower())(url, **extra)


def test_every_route_has_a_policy():
    routes = api_routes()
    missing = sorted(f"{m} {r}" for r, methods in routes.items() for m in methods if (m, r) not in POLICY)
    assert not missing, "routes without a row in POLICY (add one): " + ", ".join(missing)
    stale = sorted(f"{m} {r}" for (m, r) in POLICY if m not in routes.get(r, set()))
    assert not stale, "POLICY rows for routes that do not exist: " + ", ".join(stale)


CASES = [(m, r, p) for (m, r) in POLICY for p in PERSONAS]


@pytest.mark.parametrize(("method", "route", "persona"), CASES, ids=[f"{m} /{r} as {p}" for m, r, p in CASES])
def test_authorization(world, method, route, persona):
    fixtures = build_fixtures(world)
    case = POLICY[(method, route)]
    response = call(persona, method, route, case, fixtures)
    expected = case.expect[persona]
    assert response.status_code == expected, (
        f"{method} /{route} as {persona}: {response.status_code} (expected {expected}) {response.content[:300]!r}"
    )
    if expected >= 400 and route not in ("",):
        body = response.json()
        assert set(body) >= {"detail", "code"}
        assert body["code"] == {401: "not_authenticated", 403: "forbidden", 404: "not_found"}[expected]


def test_unsupported_method_is_405_with_error_body(world):
    response = Client().put("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {world.alice.token}")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# A removed member is an outsider: every read of the table answers bob, once alice removed
# him from acme, what it answers mallory (issue 18: access is what one may see now).
# Mail bob received is his, like email: it stays readable after he leaves the space.
PERSONAL_READS = {("GET", "mail/messages/<int:message_id>"), ("GET", "mail/threads/<int:thread_id>")}
READS = [(m, r) for (m, r) in POLICY if m == "GET" and (m, r) not in PERSONAL_READS]


@pytest.mark.parametrize(("method", "route"), READS, ids=[f"{m} /{r}" for m, r in READS])
def test_a_removed_member_reads_as_an_outsider(world, method, route):
    fixtures = build_fixtures(world)
    case = POLICY[(method, route)]
    url = fill(route, case.params(fixtures))  # made while bob was still a member
    removed = Client().delete(f"/api/v1/spaces/acme/members/{world.bob.user.pk}", HTTP_AUTHORIZATION=f"Bearer {world.alice.token}")
    assert removed.status_code == 204
    response = Client().get(url, data=case.query, HTTP_AUTHORIZATION=f"Bearer {world.bob.token}")
    assert response.status_code == case.expect[M], f"GET {url} as removed bob: {response.status_code} {response.content[:200]!r}"
