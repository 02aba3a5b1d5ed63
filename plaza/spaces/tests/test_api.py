"""Spaces and teams API (API.md, "Spaces and teams"), through HTTP as the personas."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.core.models import AuditEntry
from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import Api, make_persona, make_user
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_invitation, do_create_space, do_create_team
from plaza.spaces.models import Invitation, JoinRequest, Membership, Space, Team, TeamMembership


def fields(response) -> list[str]:
    return [item["loc"][-1] for item in response.json_body["detail"]]


def audit_actions(space) -> list[str]:
    return list(AuditEntry.objects.filter(space=space).order_by("pk").values_list("action", flat=True))


# --- creating spaces ------------------------------------------------------------------------


def test_create_space(api, world):
    response = api("bob").post("spaces", {"name": "Bob's", "slug": "Bobs-Place", "visibility": "listed", "join_policy": "request"})
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert body["slug"] == "bobs-place" and body["my_role"] == "owner" and body["parent"] is None
    assert set(body) >= {"id", "slug", "name", "description", "visibility", "join_policy", "parent", "my_role"}
    space = Space.objects.get(slug="bobs-place")
    entry = AuditEntry.objects.get(space=space, action="space.create")
    assert entry.after["visibility"] == "listed"


@pytest.mark.parametrize("slug", ["acme", "ACME", "has space", "-dash", "dash-", "x" * 65, "directory", "new", "", "ünï"])
def test_bad_or_taken_slug_is_422(api, world, slug):
    response = api("bob").post("spaces", {"name": "X", "slug": slug})
    assert response.status_code == 422
    assert fields(response) == ["slug"]


@pytest.mark.parametrize(("field", "value"), [("visibility", "secret"), ("join_policy", "anyone"), ("name", "  ")])
def test_bad_choices_are_422(api, world, field, value):
    response = api("bob").post("spaces", {"name": "X", "slug": "x", field: value})
    assert response.status_code == 422
    assert fields(response) == [field]


def test_sub_spaces_nest_at_most_three_deep(api, world):
    alice = api("alice")
    assert alice.post("spaces", {"name": "L2", "slug": "l2", "parent": "acme"}).json_body["parent"] == "acme"
    assert alice.post("spaces", {"name": "L3", "slug": "l3", "parent": "l2"}).status_code == 201
    response = alice.post("spaces", {"name": "L4", "slug": "l4", "parent": "l3"})
    assert response.status_code == 422
    assert fields(response) == ["parent"]
    by_id = alice.post("spaces", {"name": "L2b", "slug": "l2b", "parent": world.acme.pk})
    assert by_id.status_code == 201 and by_id.json_body["parent_id"] == world.acme.pk


def test_only_parent_admins_create_sub_spaces(api, world):
    assert api("bob").post("spaces", {"name": "S", "slug": "s", "parent": "acme"}).status_code == 403
    assert api("gina").post("spaces", {"name": "S", "slug": "s", "parent": "acme"}).status_code == 403
    # mallory may not know acme exists: it is "no such parent", like a slug that does not exist
    outsider = api("mallory").post("spaces", {"name": "S", "slug": "s", "parent": "acme"})
    assert outsider.status_code == 422 and fields(outsider) == ["parent"]
    assert api("mallory").post("spaces", {"name": "S", "slug": "s", "parent": "nope"}).status_code == 422
    assert not Space.objects.filter(slug="s").exists()


# --- reading spaces -------------------------------------------------------------------------


def test_my_spaces(api, world):
    body = api("bob").get("spaces").json_body
    assert [(s["slug"], s["my_role"]) for s in body["items"]] == [("acme", "member")]
    assert body["next_cursor"] is None


def test_directory_lists_listed_and_public_never_private(api, world):
    do_create_space(world.mallory.user, name="Wine Lovers", slug="wine", visibility="public", join_policy="open")
    do_create_space(world.mallory.user, name="Wine Makers", slug="makers", visibility="listed", description="Vintners")
    do_create_space(world.mallory.user, name="Wine Secret", slug="secret", visibility="private")
    slugs = {s["slug"] for s in api("anonymous").get("spaces/directory").json_body["items"]}
    assert slugs == {"wine", "makers"}
    assert {s["slug"] for s in api("bob").get("spaces/directory?q=vintner").json_body["items"]} == {"makers"}
    assert {s["slug"] for s in api("bob").get("spaces/directory?q=wine").json_body["items"]} == {"wine", "makers"}


def test_get_space_shows_my_role(api, world):
    assert api("gina").get("spaces/acme").json_body["my_role"] == "guest"
    do_create_space(world.mallory.user, name="Pub", slug="pub", visibility="public")
    assert api("anonymous").get("spaces/pub").json_body["my_role"] is None


def test_patch_space_is_audited_with_before_and_after(api, world):
    response = api("alice").patch("spaces/acme", {"name": "Acme Corp", "visibility": "listed"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(space=world.acme, action="space.update")
    assert entry.before["name"] == "Acme" and entry.after["name"] == "Acme Corp"
    assert entry.before["visibility"] == "private" and entry.after["visibility"] == "listed"
    assert entry.actor_id == world.alice.user.pk


def test_patch_space_invalid_is_422(api, world):
    response = api("alice").patch("spaces/acme", {"slug": "globex"})
    assert response.status_code == 422 and fields(response) == ["slug"]


def test_admin_may_patch_but_only_owner_deletes(api, world):
    Membership.objects.filter(user=world.bob.user).update(role="admin")
    assert api("bob").patch("spaces/acme", {"description": "hi"}).status_code == 200
    assert api("bob").delete("spaces/acme").status_code == 403
    assert api("alice").delete("spaces/acme").status_code == 204
    assert not Space.objects.filter(slug="acme").exists()
    entry = AuditEntry.objects.get(space_slug="acme", action="space.delete")
    assert entry.before["slug"] == "acme"


# --- members and roles ----------------------------------------------------------------------


def test_members_list(api, world):
    items = api("bob").get("spaces/acme/members").json_body["items"]
    assert {(m["user"]["handle"], m["role"]) for m in items} == {("alice", "owner"), ("bob", "member"), ("gina", "guest")}
    assert set(items[0]["user"]) >= {"id", "name", "handle", "avatar_url"}
    assert "email" not in items[0]["user"]


def test_role_changes(api, world):
    alice, bob = api("alice"), api("bob")
    assert alice.patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "admin"}).json_body["role"] == "admin"
    # an admin cannot make owners nor touch an owner
    assert bob.patch(f"spaces/acme/members/{world.gina.user.pk}", {"role": "owner"}).status_code == 403
    assert bob.patch(f"spaces/acme/members/{world.alice.user.pk}", {"role": "member"}).status_code == 403
    assert bob.patch(f"spaces/acme/members/{world.gina.user.pk}", {"role": "member"}).status_code == 200
    # bad role, non-member
    response = alice.patch(f"spaces/acme/members/{world.gina.user.pk}", {"role": "king"})
    assert response.status_code == 422 and fields(response) == ["role"]
    assert alice.patch(f"spaces/acme/members/{world.mallory.user.pk}", {"role": "member"}).status_code == 404
    entries = AuditEntry.objects.filter(space=world.acme, action="member.role").order_by("pk")
    assert [(e.before, e.after) for e in entries] == [({"role": "member"}, {"role": "admin"}), ({"role": "guest"}, {"role": "member"})]


def test_last_owner_cannot_be_demoted(api, world):
    alice = api("alice")
    response = alice.patch(f"spaces/acme/members/{world.alice.user.pk}", {"role": "admin"})
    assert response.status_code == 409 and response.json_body["code"] == "conflict"
    assert alice.patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "owner"}).status_code == 200
    assert alice.patch(f"spaces/acme/members/{world.alice.user.pk}", {"role": "admin"}).status_code == 200


def test_last_owner_cannot_leave(api, world):
    response = api("alice").delete(f"spaces/acme/members/{world.alice.user.pk}")
    assert response.status_code == 409
    assert Membership.objects.filter(space=world.acme, user=world.alice.user).exists()


def test_leaving_removes_team_memberships(api, world):
    acc = space_access_for(world.alice.user, world.acme)
    team = do_create_team(acc, name="Sales")
    do_add_team_member(acc, team, world.bob.user.pk)
    assert api("bob").delete(f"spaces/acme/members/{world.bob.user.pk}").status_code == 204
    assert not TeamMembership.objects.filter(user=world.bob.user).exists()
    assert api("bob").get("spaces/acme").status_code == 404
    assert "member.leave" in audit_actions(world.acme)


def test_admin_removes_member(api, world):
    assert api("alice").delete(f"spaces/acme/members/{world.gina.user.pk}").status_code == 204
    assert api("gina").get("spaces/acme").status_code == 404
    assert "member.remove" in audit_actions(world.acme)
    assert api("alice").delete(f"spaces/acme/members/{world.gina.user.pk}").status_code == 404


def test_non_admin_cannot_probe_membership(api, world):
    assert api("bob").delete(f"spaces/acme/members/{world.gina.user.pk}").status_code == 403
    assert api("bob").delete(f"spaces/acme/members/{world.mallory.user.pk}").status_code == 403


def test_transfer_ownership(api, world):
    assert api("alice").post("spaces/acme/transfer", {"user_id": world.gina.user.pk}).status_code == 422
    assert api("alice").post("spaces/acme/transfer", {"user_id": world.bob.user.pk}).status_code == 204
    roles = dict(Membership.objects.filter(space=world.acme).values_list("user__handle", "role"))
    assert roles == {"alice": "admin", "bob": "owner", "gina": "guest"}
    assert api("alice").delete("spaces/acme").status_code == 403
    assert "space.transfer" in audit_actions(world.acme)


# --- invitations ----------------------------------------------------------------------------


def test_email_invitation_sends_an_email(api, world, mailoutbox):
    response = api("alice").post("spaces/acme/invitations", {"email": "Carol@Example.com", "role": "guest"})
    assert response.status_code == 201
    assert mailoutbox == []  # queued in the transaction, sent by the worker
    run_pending_tasks()
    body = response.json_body
    assert body["code"] and body["url"].endswith(f"/invitations/{body['code']}/")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["carol@example.com"]
    assert body["code"] in mailoutbox[0].body


def test_email_invitation_is_refused_for_another_email(api, world):
    code = api("alice").post("spaces/acme/invitations", {"email": "carol@example.com"}).json_body["code"]
    assert api("mallory").post(f"invitations/{code}/accept").status_code == 403
    carol = make_persona("carol")
    response = Api(carol).post(f"invitations/{code}/accept")
    assert response.status_code == 200 and response.json_body["my_role"] == "member"


def test_invite_link_with_max_uses(api, world):
    code = api("alice").post("spaces/acme/invitations", {"role": "guest", "max_uses": 1}).json_body["code"]
    response = api("mallory").post(f"invitations/{code}/accept")
    assert response.status_code == 200
    assert response.json_body["slug"] == "acme" and response.json_body["my_role"] == "guest"
    # accepting twice changes nothing
    assert api("mallory").post(f"invitations/{code}/accept").status_code == 200
    assert Invitation.objects.get(code=code).uses == 1
    other = Api(make_persona("carol"))
    used_up = other.post(f"invitations/{code}/accept")
    assert used_up.status_code == 409 and used_up.json_body["code"] == "conflict"


def test_expired_and_revoked_invitations_are_409(api, world):
    alice = api("alice")
    soon = (timezone.now() + timedelta(days=1)).isoformat()
    expiring = alice.post("spaces/acme/invitations", {"expires_at": soon}).json_body
    Invitation.objects.filter(pk=expiring["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api("mallory").post(f"invitations/{expiring['code']}/accept").status_code == 409
    revoked = alice.post("spaces/acme/invitations", {}).json_body
    assert alice.delete(f"spaces/acme/invitations/{revoked['id']}").status_code == 204
    assert api("mallory").post(f"invitations/{revoked['code']}/accept").status_code == 409
    assert api("mallory").post("invitations/no-such-code/accept").status_code == 404
    assert not Membership.objects.filter(space=world.acme, user=world.mallory.user).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"role": "owner"}, "role"), ({"role": "boss"}, "role"), ({"email": "nope"}, "email"), ({"max_uses": 0}, "max_uses"),
     ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at")],
)
def test_invalid_invitations_are_422(api, world, body, field):
    response = api("alice").post("spaces/acme/invitations", body)
    assert response.status_code == 422 and fields(response) == [field]


def test_list_invitations(api, world):
    api("alice").post("spaces/acme/invitations", {"role": "member"})
    body = api("alice").get("spaces/acme/invitations").json_body
    assert len(body["items"]) == 1 and body["items"][0]["role"] == "member"


# --- joining --------------------------------------------------------------------------------


def test_join_open_request_invite(api, world):
    do_create_space(world.alice.user, name="Open", slug="open", visibility="public", join_policy="open")
    do_create_space(world.alice.user, name="Ask", slug="ask", visibility="listed", join_policy="request")
    do_create_space(world.alice.user, name="Closed", slug="closed", visibility="listed", join_policy="invite")
    mallory = api("mallory")
    assert mallory.post("spaces/open/join").json_body == {"status": "joined"}
    assert Membership.objects.get(space__slug="open", user=world.mallory.user).role == "member"
    assert mallory.post("spaces/ask/join", {"message": "Let me in"}).json_body == {"status": "requested"}
    assert mallory.post("spaces/ask/join").json_body == {"status": "requested"}
    assert JoinRequest.objects.filter(space__slug="ask", user=world.mallory.user).count() == 1
    assert mallory.post("spaces/closed/join").status_code == 403
    assert mallory.post("spaces/acme/join").status_code == 404  # private
    too_long = mallory.post("spaces/ask/join", {"message": "x" * 501})
    assert too_long.status_code == 422 and fields(too_long) == ["message"]


def test_join_needs_no_body(world):
    do_create_space(world.alice.user, name="Open", slug="open", visibility="public", join_policy="open")
    response = Client().post("/api/v1/spaces/open/join", **world.mallory.auth)
    assert response.status_code == 200 and response.json() == {"status": "joined"}


def test_join_requests_approve_and_reject(api, world):
    Space.objects.filter(pk=world.acme.pk).update(visibility="listed", join_policy="request")
    carol = Api(make_persona("carol"))
    api("mallory").post("spaces/acme/join", {"message": "hello"})
    carol.post("spaces/acme/join")
    listed = api("alice").get("spaces/acme/join-requests").json_body["items"]
    assert {r["user"]["handle"] for r in listed} == {"mallory", "carol"}
    by_handle = {r["user"]["handle"]: r["id"] for r in listed}
    approved = api("alice").post(f"spaces/acme/join-requests/{by_handle['mallory']}/approve")
    assert approved.status_code == 200 and approved.json_body["status"] == "approved"
    assert api("mallory").get("spaces/acme").json_body["my_role"] == "member"
    assert api("alice").post(f"spaces/acme/join-requests/{by_handle['mallory']}/reject").status_code == 409
    assert api("alice").post(f"spaces/acme/join-requests/{by_handle['carol']}/reject").json_body["status"] == "rejected"
    assert api("alice").post(f"spaces/acme/join-requests/{by_handle['carol']}/approve").status_code == 409
    assert carol.get("spaces/acme/members").status_code == 403  # still a visitor
    assert api("alice").get("spaces/acme/join-requests").json_body["items"] == []
    assert {"join_request.approved", "join_request.rejected", "member.join_approved"} <= set(audit_actions(world.acme))


# --- teams ----------------------------------------------------------------------------------


def test_member_creates_team_and_becomes_its_admin(api, world):
    response = api("bob").post("spaces/acme/teams", {"name": "Ops", "visibility": "private"})
    assert response.status_code == 201
    assert response.json_body["visibility"] == "private" and response.json_body["is_member"] is True
    team = Team.objects.get(name="Ops")
    assert TeamMembership.objects.get(team=team, user=world.bob.user).role == "admin"
    assert api("gina").post("spaces/acme/teams", {"name": "G"}).status_code == 403
    bad = api("bob").post("spaces/acme/teams", {"name": "X", "visibility": "secret"})
    assert bad.status_code == 422 and fields(bad) == ["visibility"]


def test_team_admin_adds_guests_and_manages_the_team(api, world):
    team_id = api("bob").post("spaces/acme/teams", {"name": "Project", "visibility": "private"}).json_body["id"]
    bob = api("bob")
    assert bob.post(f"teams/{team_id}/members", {"user_id": world.gina.user.pk}).status_code == 201
    assert api("gina").get(f"teams/{team_id}").status_code == 200
    assert {m["user"]["handle"] for m in api("gina").get(f"teams/{team_id}/members").json_body["items"]} == {"bob", "gina"}
    # people outside the space cannot be added
    outsider = bob.post(f"teams/{team_id}/members", {"user_id": world.mallory.user.pk})
    assert outsider.status_code == 422 and fields(outsider) == ["user_id"]
    assert bob.patch(f"teams/{team_id}", {"name": "Project X"}).json_body["name"] == "Project X"
    # gina is a plain team member: may not manage
    assert api("gina").patch(f"teams/{team_id}", {"name": "Mine"}).status_code == 403
    assert api("gina").delete(f"teams/{team_id}/members/{world.bob.user.pk}").status_code == 403
    update = AuditEntry.objects.get(space=world.acme, action="team.update")
    assert update.before["name"] == "Project" and update.after["name"] == "Project X"
    assert bob.delete(f"teams/{team_id}").status_code == 204
    assert "team.delete" in audit_actions(world.acme)


def test_join_public_team_not_private(api, world):
    acc = space_access_for(world.alice.user, world.acme)
    public = do_create_team(acc, name="Sales", visibility="public")
    private = do_create_team(acc, name="Board", visibility="private")
    joined = api("bob").post(f"teams/{public.pk}/join")
    assert joined.status_code == 200 and joined.json_body["role"] == "member"
    assert api("bob").post(f"teams/{private.pk}/join").status_code == 404
    assert api("gina").post(f"teams/{public.pk}/join").status_code == 404  # guests do not discover teams
    assert api("alice").post(f"teams/{private.pk}/join").status_code == 200  # already its admin


def test_last_team_admin_cannot_leave(api, world):
    team_id = api("bob").post("spaces/acme/teams", {"name": "Ops"}).json_body["id"]
    response = api("bob").delete(f"teams/{team_id}/members/{world.bob.user.pk}")
    assert response.status_code == 409
    api("bob").post(f"teams/{team_id}/members", {"user_id": world.alice.user.pk, "role": "admin"})
    assert api("bob").delete(f"teams/{team_id}/members/{world.bob.user.pk}").status_code == 204
    assert api("bob").get(f"teams/{team_id}").status_code == 200  # public team: still visible


# --- member import --------------------------------------------------------------------------


def test_csv_import_reports_bad_rows_and_invites_unknown_people(api, world, mailoutbox):
    make_user("known")
    csv = "email,name,role\nknown@example.com,Known,member\nnot-an-email,Bad,member\nnew@example.com,New,guest\nbob@example.com,Bob,member\nx@example.com,X,emperor\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post(
        "/api/v1/spaces/acme/members/import",
        data={"file": SimpleUploadedFile("m.csv", csv.encode(), content_type="text/csv")},
        **world.alice.auth,
    )
    assert response.status_code == 201, response.content
    queued = response.json()
    assert (queued["status"], queued["total"], queued["processed"]) == ("running", 5, 0)
    run_pending_tasks()  # the import runs in the background
    body = api("alice").get(f"spaces/acme/imports/{queued['id']}").json_body
    assert body["status"] == "done" and body["total"] == body["processed"] == 5
    results = {r["email"]: (r["result"], bool(r["error"])) for r in body["results"]}
    assert results == {
        "known@example.com": ("added", False),
        "not-an-email": ("error", True),
        "new@example.com": ("invited", False),
        "bob@example.com": ("already_member", False),
        "x@example.com": ("error", True),
    }
    assert Membership.objects.filter(space=world.acme, user__handle="known").exists()
    assert Invitation.objects.filter(space=world.acme, email="new@example.com", role="guest").exists()
    assert [m.to for m in mailoutbox] == [["new@example.com"]]
    assert api("alice").get(f"spaces/acme/imports/{body['id']}").json_body["total"] == 5


# --- audit log ------------------------------------------------------------------------------


def test_audit_log_records_changes_for_admins_only(api, world):
    alice = api("alice")
    alice.patch("spaces/acme", {"description": "New"})
    alice.patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "admin"})
    team_id = alice.post("spaces/acme/teams", {"name": "Ops"}).json_body["id"]
    alice.post(f"teams/{team_id}/members", {"user_id": world.gina.user.pk})
    alice.delete(f"spaces/acme/members/{world.gina.user.pk}")
    items = alice.get("spaces/acme/audit-log?limit=100").json_body["items"]
    actions = [e["action"] for e in items]
    assert actions[:5] == ["member.remove", "team.member_add", "team.create", "member.role", "space.update"]
    assert items[0]["actor"]["handle"] == "alice" and items[0]["before"] == {"role": "guest"}
    assert api("bob").get("spaces/acme/audit-log").status_code == 200  # bob is admin now
    assert api("gina").get("spaces/acme/audit-log").status_code == 404  # removed


def test_audit_entries_are_append_only(world):
    entry = AuditEntry.objects.filter(space=world.acme).first()
    entry.action = "tampered"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


# --- query counts ---------------------------------------------------------------------------


def grow(world, n: int) -> dict[str, int]:
    """Make ``n`` of every listed thing in acme (and for alice) and return ids to list."""
    acc = space_access_for(world.alice.user, world.acme)
    team = do_create_team(acc, name="Big", visibility="public")
    for i in range(n):
        user = make_user(f"u{n}x{i}")
        Membership.objects.create(space=world.acme, user=user, role="member")
        TeamMembership.objects.create(space=world.acme, team=team, user=user)
        JoinRequest.objects.create(space=world.acme, user=make_user(f"r{n}x{i}"))
        do_create_team(acc, name=f"T{i}", visibility="private" if i % 2 else "public")
        do_create_invitation(acc, role="member")
        do_create_space(world.alice.user, name=f"S{i}", slug=f"s{n}x{i}", visibility="listed")
        from plaza.accounts.actions import do_create_token

        do_create_token(world.alice.user, name=f"t{i}")
    return {"team": team.pk}


LISTS = [
    "spaces?limit=100",
    "spaces/directory?limit=100",
    "spaces/acme/members?limit=100",
    "spaces/acme/join-requests?limit=100",
    "spaces/acme/teams?limit=100",
    "teams/{team}/members?limit=100",
    "spaces/acme/audit-log?limit=100",
    "spaces/acme/invitations?limit=100",
    "me/tokens?limit=100",
]
MAX_QUERIES = 6  # auth (token) + access (space, membership) + the page, with room to spare


def count_queries(world, path: str) -> tuple[int, int]:
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/" + path, **world.alice.auth)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["items"])


@pytest.mark.parametrize("path", LISTS)
def test_list_query_count_does_not_grow(world, path, django_assert_max_num_queries):
    ids = grow(world, 3)
    url = path.format(**ids)
    count_queries(world, url)  # warm: the token's last_used is written once an hour
    small, small_items = count_queries(world, url)
    ids = grow(world, 27)
    url = path.format(**ids) if "{team}" not in path else path.format(team=ids["team"])
    large, large_items = count_queries(world, url)
    if "{team}" not in path:
        assert large_items > small_items >= 3
    assert large == small, f"{path}: {small} queries with 3 items, {large} with 30"
    with django_assert_max_num_queries(MAX_QUERIES):
        Client().get("/api/v1/" + url, **world.alice.auth)


def test_queued_import_runs_with_the_admins_current_rights(api, world):
    """An admin demoted before the import runs imports nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    api("alice").patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "admin"})
    response = Client().post(
        "/api/v1/spaces/acme/members/import",
        data={"file": SimpleUploadedFile("m.csv", b"someone@example.com,Someone,member\n", content_type="text/csv")},
        **world.bob.auth,
    )
    assert response.status_code == 201
    api("alice").patch(f"spaces/acme/members/{world.bob.user.pk}", {"role": "member"})
    run_pending_tasks()
    job = api("alice").get(f"spaces/acme/imports/{response.json()['id']}").json_body
    assert job["status"] == "failed" and job["results"] == []
    assert not Invitation.objects.filter(email="someone@example.com").exists()
