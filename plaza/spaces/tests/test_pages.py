"""The space pages through HTTP, as each persona: what they see, what they may do, and
that outsiders get 404 / sign-in / 403 with nothing of a private space leaking."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plaza.core.models import AuditEntry
from plaza.core.tasks import run_pending_tasks
from plaza.spaces import actions
from plaza.spaces.access import access_space
from plaza.spaces.models import Invitation, JoinRequest, Membership, Role, Space, Team, TeamMembership

pytestmark = pytest.mark.django_db


def as_(world, name: str) -> Client:
    client = Client()
    persona = world.persona(name)
    if persona is not None:
        client.force_login(persona.user)
    return client


def html(response) -> str:
    return response.content.decode()


def make_team(world, name="Engineering", visibility="public", by="alice") -> Team:
    acc = access_space(getattr(world, by).user, "acme")
    return actions.do_create_team(acc, name=name, visibility=visibility)


# --- who may see what ---------------------------------------------------------------------

SPACE_PAGES = [
    "/s/acme/",
    "/s/acme/members/",
    "/s/acme/members/import/",
    "/s/acme/leave/",
    "/s/acme/teams/",
    "/s/acme/invitations/",
    "/s/acme/requests/",
    "/s/acme/settings/",
    "/s/acme/delete/",
    "/s/acme/transfer/",
    "/s/acme/audit/",
]


@pytest.mark.parametrize("path", SPACE_PAGES)
def test_owner_sees_every_space_page(world, path):
    response = as_(world, "alice").get(path)
    assert response.status_code == 200
    assert "Acme" in html(response)


@pytest.mark.parametrize("path", SPACE_PAGES)
@pytest.mark.parametrize("who", ["mallory", "anonymous"])
def test_private_space_is_404_to_outsiders_and_never_named(world, path, who):
    response = as_(world, who).get(path)
    assert response.status_code == 404
    assert "Acme" not in html(response)


@pytest.mark.parametrize("who", ["mallory", "anonymous"])
def test_outsiders_cannot_post_to_a_private_space(world, who):
    client = as_(world, who)
    bob_id = world.bob.user.pk
    for path, data in [
        ("/s/acme/join/", {}),
        (f"/s/acme/members/{bob_id}/", {"action": "remove"}),
        ("/s/acme/settings/", {"name": "Pwned", "slug": "acme", "visibility": "public", "join_policy": "open"}),
        ("/s/acme/invitations/", {"action": "create", "role": "admin"}),
        ("/s/acme/teams/", {"name": "Sneaky", "visibility": "public"}),
        ("/s/acme/delete/", {"confirm": "acme"}),
    ]:
        response = client.post(path, data)
        assert response.status_code == 404, path
        assert "Acme" not in html(response)
    assert Membership.objects.filter(space=world.acme, user=world.bob.user).exists()
    assert Space.objects.get(slug="acme").name == "Acme"
    assert not Team.objects.filter(name="Sneaky").exists()


ADMIN_PAGES = ["/s/acme/members/import/", "/s/acme/invitations/", "/s/acme/requests/", "/s/acme/settings/", "/s/acme/audit/"]


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/s/acme/delete/", "/s/acme/transfer/"])
@pytest.mark.parametrize("who", ["bob", "gina"])
def test_admin_pages_are_403_to_members_and_guests(world, path, who):
    response = as_(world, who).get(path)
    assert response.status_code == 403


def test_admin_can_open_admin_pages_but_not_owner_pages(world):
    actions.do_change_role(access_space(world.alice.user, "acme"), Membership.objects.get(user=world.bob.user), role="admin")
    client = as_(world, "bob")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path
    assert client.get("/s/acme/delete/").status_code == 403
    assert client.get("/s/acme/transfer/").status_code == 403


def test_space_home_shows_role_and_tabs_by_role(world):
    page = html(as_(world, "alice").get("/s/acme/"))
    assert "Owner" in page and "Audit log" in page and "Invitations" in page
    page = html(as_(world, "bob").get("/s/acme/"))
    assert "Member" in page and "Members" in page and "Audit log" not in page
    page = html(as_(world, "gina").get("/s/acme/"))
    assert "Guest" in page and 'href="/s/acme/members/"' not in page


def test_guest_gets_403_on_member_directory(world):
    response = as_(world, "gina").get("/s/acme/members/")
    assert response.status_code == 403
    assert "bob@example.com" not in html(response)


def test_listed_space_visitor_sees_header_and_join_button(world):
    acc = access_space(world.alice.user, "acme")
    actions.do_update_space(acc, visibility="listed", join_policy="open")
    make_team(world, "Secret plans", visibility="private")
    page = html(as_(world, "mallory").get("/s/acme/"))
    assert "Acme" in page and "Join" in page
    assert "Secret plans" not in page
    # A visitor still may not browse members: signed in → 403, signed out → sign in.
    assert as_(world, "mallory").get("/s/acme/members/").status_code == 403
    response = as_(world, "anonymous").get("/s/acme/members/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = html(as_(world, "anonymous").get("/s/acme/"))
    assert "Sign in to join" in page


# --- home, directory, creating spaces ------------------------------------------------------


def test_home_signed_out_is_a_welcome_with_public_spaces(world):
    actions.do_update_space(access_space(world.mallory.user, "globex"), visibility="public")
    page = html(as_(world, "anonymous").get("/"))
    assert "Welcome to Plaza" in page and "/accounts/login/" in page and "/accounts/signup/" in page
    assert "Globex" in page and "Acme" not in page


def test_home_signed_in_lists_my_spaces_with_role_and_invitations(world):
    actions.do_create_invitation(access_space(world.mallory.user, "globex"), email="bob@example.com", role="member")
    page = html(as_(world, "bob").get("/"))
    assert "Acme" in page and "Member" in page and "Create a space" in page
    assert "You are invited" in page and "Globex" in page
    page = html(as_(world, "alice").get("/"))
    assert "Globex" not in page


def test_directory_lists_only_listed_and_public_spaces_and_searches(world):
    actions.do_update_space(access_space(world.mallory.user, "globex"), visibility="listed", join_policy="request")
    client = as_(world, "bob")
    page = html(client.get("/directory/"))
    assert "Globex" in page and "Request to join" in page
    assert "Acme" not in page.split('id="directory-results"')[1]
    page = html(client.get("/directory/?q=nothing-matches"))
    assert "Globex" not in page and "No space matches" in page
    partial = html(client.get("/directory/?q=glob", HTTP_HX_REQUEST="true"))
    assert "Globex" in partial and "<html" not in partial


def test_create_space_through_the_form(world):
    client = as_(world, "bob")
    response = client.post("/new/", {"name": "Initech", "slug": "Not A Slug!", "visibility": "private", "join_policy": "invite"})
    assert response.status_code == 200
    assert "lowercase letters" in html(response)
    response = client.post("/new/", {"name": "Initech", "slug": "initech", "description": "TPS reports", "visibility": "listed", "join_policy": "open"})
    assert response.status_code == 302 and response["Location"] == "/s/initech/"
    assert Membership.objects.get(space__slug="initech", user=world.bob.user).role == Role.OWNER
    page = html(client.get("/s/initech/"))
    assert "Initech" in page and "TPS reports" in page


def test_create_sub_space_only_under_spaces_i_administer(world):
    client = as_(world, "alice")
    page = html(client.get("/new/"))
    assert 'value="acme"' in page and 'value="globex"' not in page
    response = client.post("/new/", {"name": "Acme Labs", "slug": "acme-labs", "visibility": "private", "join_policy": "invite", "parent": "acme"})
    assert response.status_code == 302
    assert Space.objects.get(slug="acme-labs").parent == world.acme
    assert "Acme Labs" in html(client.get("/s/acme/"))
    # bob is no admin of acme: acme is not offered and a forged post is refused
    page = html(as_(world, "bob").get("/new/"))
    assert 'value="acme"' not in page
    response = as_(world, "bob").post("/new/", {"name": "X", "slug": "bob-x", "visibility": "private", "join_policy": "invite", "parent": "acme"})
    assert response.status_code == 200 and not Space.objects.filter(slug="bob-x").exists()
    # mallory cannot hang a space under a space she cannot see
    response = as_(world, "mallory").post("/new/", {"name": "X", "slug": "mal-x", "visibility": "private", "join_policy": "invite", "parent": "acme"})
    assert response.status_code == 200 and not Space.objects.filter(slug="mal-x").exists()
    assert "Acme" not in html(response)


def test_create_space_needs_sign_in(world):
    response = as_(world, "anonymous").get("/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- members ------------------------------------------------------------------------------


def test_members_list_search_and_pagination(world):
    from plaza.core.testing import make_user

    for i in range(25):
        Membership.objects.create(space=world.acme, user=make_user(f"extra{i}"), role=Role.MEMBER)
    client = as_(world, "bob")
    page = html(client.get("/s/acme/members/"))
    assert "Show more" in page
    cursor = re.search(r"cursor=([\w-]+)", page).group(1)
    more = html(client.get(f"/s/acme/members/?cursor={cursor}", HTTP_HX_REQUEST="true"))
    assert "<html" not in more and "Alice" in more
    found = html(client.get("/s/acme/members/?q=gina"))
    assert "Gina" in found and "Extra1" not in found
    # members see the list, but no controls to change roles
    assert 'name="action" value="role"' not in page


def test_admin_changes_a_role_with_htmx(world):
    client = as_(world, "alice")
    response = client.post(f"/s/acme/members/{world.bob.user.pk}/", {"action": "role", "role": "admin"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in html(response) and "Admin" in html(response)
    assert Membership.objects.get(space=world.acme, user=world.bob.user).role == Role.ADMIN


def test_member_cannot_change_roles(world):
    response = as_(world, "bob").post(f"/s/acme/members/{world.gina.user.pk}/", {"action": "role", "role": "admin"})
    assert response.status_code == 403
    assert Membership.objects.get(space=world.acme, user=world.gina.user).role == Role.GUEST


def test_admin_removes_a_member(world):
    client = as_(world, "alice")
    response = client.post(f"/s/acme/members/{world.gina.user.pk}/", {"action": "remove"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    assert not Membership.objects.filter(space=world.acme, user=world.gina.user).exists()
    response = client.post(f"/s/acme/members/{world.bob.user.pk}/", {"action": "remove"})
    assert response.status_code == 302
    assert not Membership.objects.filter(space=world.acme, user=world.bob.user).exists()
    # gina is gone for good: the space is a 404 to her now
    assert as_(world, "gina").get("/s/acme/").status_code == 404


def test_last_owner_cannot_be_demoted_message(world):
    # alice demoting herself is refused with a message in the row
    response = as_(world, "alice").post(f"/s/acme/members/{world.alice.user.pk}/", {"action": "role", "role": "member"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "last owner" in html(response)
    assert Membership.objects.get(space=world.acme, user=world.alice.user).role == Role.OWNER


def test_member_detail_page(world):
    assert "Bob" in html(as_(world, "alice").get(f"/s/acme/members/{world.bob.user.pk}/"))
    assert as_(world, "gina").get(f"/s/acme/members/{world.bob.user.pk}/").status_code == 403
    assert as_(world, "mallory").get(f"/s/acme/members/{world.bob.user.pk}/").status_code == 404
    assert as_(world, "alice").get(f"/s/acme/members/{world.mallory.user.pk}/").status_code == 404


def test_leave_and_last_owner_cannot_leave(world):
    client = as_(world, "bob")
    assert "Leave Acme?" in html(client.get("/s/acme/leave/"))
    response = client.post("/s/acme/leave/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Membership.objects.filter(space=world.acme, user=world.bob.user).exists()
    response = as_(world, "alice").post("/s/acme/leave/", follow=True)
    assert "The last owner cannot leave" in html(response)
    assert Membership.objects.filter(space=world.acme, user=world.alice.user).exists()


def test_transfer_ownership(world):
    client = as_(world, "alice")
    page = html(client.get("/s/acme/transfer/"))
    assert "Bob" in page and "Gina" not in page  # guests cannot become owners
    response = client.post("/s/acme/transfer/", {"user_id": world.bob.user.pk})
    assert response.status_code == 302
    assert Membership.objects.get(space=world.acme, user=world.bob.user).role == Role.OWNER
    assert Membership.objects.get(space=world.acme, user=world.alice.user).role == Role.ADMIN


# --- CSV import ---------------------------------------------------------------------------


def test_csv_import_with_one_bad_row(world):
    client = as_(world, "alice")
    csv_bytes = b"email,name,role\nmallory@example.com,Mallory,member\nnot-an-email,Broken,member\nnew.person@example.com,New,guest\nbob@example.com,Bob,member\n"
    response = client.post("/s/acme/members/import/", {"file": SimpleUploadedFile("people.csv", csv_bytes, content_type="text/csv")})
    assert response.status_code == 302
    assert 'hx-trigger="every 1s"' in html(client.get(response["Location"]))  # queued: the page polls
    run_pending_tasks()
    page = html(client.get(response["Location"]))
    assert "Finished: 4 rows." in page
    assert "Not a valid email address." in page
    assert "Invited by email" in page and "Already a member" in page and "Added" in page
    assert 'hx-trigger="every 1s"' not in page  # done: no more polling
    assert Membership.objects.filter(space=world.acme, user=world.mallory.user).exists()
    assert Invitation.objects.filter(space=world.acme, email="new.person@example.com").exists()
    # the import page is for admins only, and an empty file is an error on the form
    response = client.post("/s/acme/members/import/", {"file": SimpleUploadedFile("e.csv", b"email,name,role\n", content_type="text/csv")})
    assert response.status_code == 200 and "The file has no rows." in html(response)
    job_url = f"/s/acme/members/import/{world.acme.imports.first().pk}/"
    assert as_(world, "bob").get(job_url).status_code == 403
    assert as_(world, "gina").get(job_url).status_code == 403


def test_import_status_polls_while_running(world):
    from plaza.spaces.models import MemberImport

    job = MemberImport.objects.create(space=world.acme, created_by=world.alice.user, total=10, processed=3)
    client = as_(world, "alice")
    page = html(client.get(f"/s/acme/members/import/{job.pk}/"))
    assert 'hx-trigger="every 1s"' in page and "3 of 10" in page
    partial = html(client.get(f"/s/acme/members/import/{job.pk}/", HTTP_HX_REQUEST="true"))
    assert "<html" not in partial and 'id="import-progress"' in partial
    assert as_(world, "mallory").get(f"/s/acme/members/import/{job.pk}/").status_code == 404


# --- teams --------------------------------------------------------------------------------


def test_create_join_and_manage_a_team(world):
    bob = as_(world, "bob")
    response = bob.post("/s/acme/teams/", {"name": "Design", "description": "Pixels", "visibility": "public"})
    assert response.status_code == 302
    team = Team.objects.get(name="Design")
    assert response["Location"] == f"/s/acme/teams/{team.pk}/"
    assert TeamMembership.objects.get(team=team, user=world.bob.user).role == "admin"
    # alice joins the public team herself
    alice = as_(world, "alice")
    assert "Join the team" in html(alice.get(f"/s/acme/teams/{team.pk}/"))
    alice.post(f"/s/acme/teams/{team.pk}/", {"action": "join"})
    assert TeamMembership.objects.filter(team=team, user=world.alice.user).exists()
    # bob (team admin) adds gina, makes alice a team admin, removes gina
    page = html(bob.get(f"/s/acme/teams/{team.pk}/"))
    assert "Add a member" in page and "Gina" in page
    bob.post(f"/s/acme/teams/{team.pk}/", {"action": "add", "user_id": world.gina.user.pk, "role": "member"})
    assert TeamMembership.objects.filter(team=team, user=world.gina.user).exists()
    assert "Design" in html(as_(world, "gina").get("/s/acme/teams/"))
    bob.post(f"/s/acme/teams/{team.pk}/", {"action": "make_admin", "user_id": world.alice.user.pk})
    assert TeamMembership.objects.get(team=team, user=world.alice.user).role == "admin"
    bob.post(f"/s/acme/teams/{team.pk}/", {"action": "remove", "user_id": world.gina.user.pk})
    assert not TeamMembership.objects.filter(team=team, user=world.gina.user).exists()
    # edit and leave
    bob.post(f"/s/acme/teams/{team.pk}/", {"action": "edit", "name": "Design & UX", "description": "", "visibility": "public"})
    assert Team.objects.get(pk=team.pk).name == "Design & UX"
    alice.post(f"/s/acme/teams/{team.pk}/", {"action": "leave"})
    assert not TeamMembership.objects.filter(team=team, user=world.alice.user).exists()
    # delete
    response = bob.post(f"/s/acme/teams/{team.pk}/", {"action": "delete"})
    assert response.status_code == 302 and not Team.objects.filter(pk=team.pk).exists()


def test_team_outsiders(world):
    secret = make_team(world, "Secret plans", visibility="private")
    public = make_team(world, "Open office")
    # bob is a member: the private team is a 404, the public one he can read but not manage
    assert as_(world, "bob").get(f"/s/acme/teams/{secret.pk}/").status_code == 404
    assert "Secret plans" not in html(as_(world, "bob").get("/s/acme/teams/"))
    assert "Add a member" not in html(as_(world, "bob").get(f"/s/acme/teams/{public.pk}/"))
    response = as_(world, "bob").post(f"/s/acme/teams/{public.pk}/", {"action": "delete"})
    assert response.status_code == 403 and Team.objects.filter(pk=public.pk).exists()
    # gina (guest) sees neither team and cannot create one
    assert as_(world, "gina").get(f"/s/acme/teams/{public.pk}/").status_code == 404
    page = html(as_(world, "gina").get("/s/acme/teams/"))
    assert "Open office" not in page and "Create a team" not in page
    assert as_(world, "gina").post("/s/acme/teams/", {"name": "Guests", "visibility": "public"}).status_code == 403
    # mallory and anonymous: 404, nothing named
    for who in ("mallory", "anonymous"):
        response = as_(world, who).get(f"/s/acme/teams/{public.pk}/")
        assert response.status_code == 404 and "Open office" not in html(response)
    # a team id of another space through acme's address is a 404
    other = actions.do_create_team(access_space(world.mallory.user, "globex"), name="Globex team")
    assert as_(world, "alice").get(f"/s/acme/teams/{other.pk}/").status_code == 404


def test_team_create_form_errors(world):
    response = as_(world, "bob").post("/s/acme/teams/", {"name": "", "visibility": "public"})
    assert response.status_code == 200 and "This field is required." in html(response)


# --- invitations --------------------------------------------------------------------------


def test_invite_link_and_accept_by_another_user(world):
    alice = as_(world, "alice")
    response = alice.post("/s/acme/invitations/", {"action": "create", "email": "", "role": "member", "max_uses": "5", "expires_in": "7"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(space=world.acme, email="")
    page = html(alice.get("/s/acme/invitations/"))
    assert f"/invitations/{invitation.code}/" in page and "Copy" in page
    mallory = as_(world, "mallory")
    page = html(mallory.get(f"/invitations/{invitation.code}/"))
    assert "Join Acme" in page and "Alice" in page and "Accept the invitation" in page
    response = mallory.post(f"/invitations/{invitation.code}/")
    assert response.status_code == 302 and response["Location"] == "/s/acme/"
    assert Membership.objects.get(space=world.acme, user=world.mallory.user).role == Role.MEMBER
    assert "already a member" in html(mallory.get(f"/invitations/{invitation.code}/"))


def test_invitation_landing_signed_out_remembers_the_code(world):
    from plaza.accounts.adapter import INVITATION_SESSION_KEY

    invitation = actions.do_create_invitation(access_space(world.alice.user, "acme"))
    client = as_(world, "anonymous")
    page = html(client.get(f"/invitations/{invitation.code}/"))
    assert "Sign in" in page and "Create an account" in page and "Accept the invitation" not in page
    assert client.session[INVITATION_SESSION_KEY] == invitation.code
    # posting signed out goes to the sign-in page, nothing joins
    response = client.post(f"/invitations/{invitation.code}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_invitation_problems_are_explained(world):
    acc = access_space(world.alice.user, "acme")
    revoked = actions.do_create_invitation(acc)
    alice = as_(world, "alice")
    alice.post("/s/acme/invitations/", {"action": "revoke", "invitation_id": revoked.pk})
    assert Invitation.objects.get(pk=revoked.pk).revoked_at is not None
    page = html(as_(world, "mallory").get(f"/invitations/{revoked.code}/"))
    assert "withdrawn" in page and "Accept the invitation" not in page
    response = as_(world, "mallory").post(f"/invitations/{revoked.code}/")
    assert response.status_code == 409 and not Membership.objects.filter(space=world.acme, user=world.mallory.user).exists()
    used = actions.do_create_invitation(acc, max_uses=1)
    Invitation.objects.filter(pk=used.pk).update(uses=1)
    assert "used up" in html(as_(world, "mallory").get(f"/invitations/{used.code}/"))
    emailed = actions.do_create_invitation(acc, email="someone@example.com")
    page = html(as_(world, "mallory").get(f"/invitations/{emailed.code}/"))
    assert "another email address" in page
    assert as_(world, "mallory").post(f"/invitations/{emailed.code}/").status_code == 403
    assert as_(world, "mallory").get("/invitations/no-such-code/").status_code == 404


def test_invitation_accept_is_rate_limited(world):
    client = as_(world, "mallory")
    statuses = [client.post("/invitations/no-such-code/").status_code for _ in range(22)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_invitation_form_errors_and_outsiders(world):
    response = as_(world, "alice").post("/s/acme/invitations/", {"action": "create", "email": "not-an-email", "role": "member"})
    assert response.status_code == 200 and "valid email" in html(response)
    response = as_(world, "bob").post("/s/acme/invitations/", {"action": "create", "role": "member"})
    assert response.status_code == 403 and not Invitation.objects.exists()


# --- join requests ------------------------------------------------------------------------


def test_join_request_and_approve(world):
    actions.do_update_space(access_space(world.alice.user, "acme"), visibility="listed", join_policy="request")
    mallory = as_(world, "mallory")
    assert "Request to join" in html(mallory.get("/s/acme/"))
    response = mallory.post("/s/acme/join/", {"message": "I sell anvils"}, follow=True)
    assert "sent to the admins" in html(response)
    assert "waiting for an admin" in html(mallory.get("/s/acme/"))
    request = JoinRequest.objects.get(space=world.acme, user=world.mallory.user)
    alice = as_(world, "alice")
    page = html(alice.get("/s/acme/requests/"))
    assert "Mallory" in page and "I sell anvils" in page
    response = alice.post("/s/acme/requests/", {"request_id": request.pk, "decision": "approve"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Approved" in html(response) and "<html" not in html(response)
    assert Membership.objects.filter(space=world.acme, user=world.mallory.user).exists()
    # deciding twice is a conflict shown in the row
    response = alice.post("/s/acme/requests/", {"request_id": request.pk, "decision": "reject"}, HTTP_HX_REQUEST="true")
    assert "already decided" in html(response)


def test_join_open_space_and_invite_only_refusal(world):
    globex = access_space(world.mallory.user, "globex")
    actions.do_update_space(globex, visibility="listed", join_policy="open")
    response = as_(world, "bob").post("/s/globex/join/")
    assert response.status_code == 302
    assert Membership.objects.filter(space__slug="globex", user=world.bob.user).exists()
    actions.do_update_space(access_space(world.mallory.user, "globex"), join_policy="invite")
    response = as_(world, "alice").post("/s/globex/join/")
    assert response.status_code == 403 and "invitation only" in html(response)
    response = as_(world, "anonymous").post("/s/globex/join/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- settings, audit, deletion ------------------------------------------------------------


def test_settings_change_appears_in_audit_log(world):
    alice = as_(world, "alice")
    response = alice.post("/s/acme/settings/", {"name": "Acme Corp", "slug": "acme", "description": "Anvils", "visibility": "listed", "join_policy": "request"})
    assert response.status_code == 302
    assert Space.objects.get(slug="acme").name == "Acme Corp"
    page = html(alice.get("/s/acme/audit/"))
    assert "Changed the settings" in page and "Acme Corp" in page and "Alice" in page
    assert as_(world, "bob").get("/s/acme/audit/").status_code == 403


def test_settings_errors_and_logo_and_slug_change(world):
    alice = as_(world, "alice")
    response = alice.post("/s/acme/settings/", {"name": "Acme", "slug": "globex", "visibility": "private", "join_policy": "invite"})
    assert response.status_code == 200 and "This slug is taken." in html(response)
    assert 'href="/s/acme/"' in html(response)
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = alice.post("/s/acme/settings/", {"name": "Acme", "slug": "acme-inc", "visibility": "private", "join_policy": "invite", "logo": logo})
    assert response.status_code == 302 and response["Location"] == "/s/acme-inc/settings/"
    assert Space.objects.get(slug="acme-inc").logo
    bad = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
    response = alice.post("/s/acme-inc/settings/", {"name": "Acme", "slug": "acme-inc", "visibility": "private", "join_policy": "invite", "logo": bad})
    assert response.status_code == 200 and 'aria-invalid="true"' in html(response)


def test_audit_log_pagination(world):
    acc = access_space(world.alice.user, "acme")
    for i in range(55):
        actions.do_update_space(acc, description=f"version {i}")
    client = as_(world, "alice")
    page = html(client.get("/s/acme/audit/"))
    cursor = re.search(r"cursor=([\w-]+)", page).group(1)
    more = html(client.get(f"/s/acme/audit/?cursor={cursor}", HTTP_HX_REQUEST="true"))
    assert "Created the space" in more and "<html" not in more
    assert client.get("/s/acme/audit/?cursor=garbage!").status_code == 400


def test_delete_space_needs_the_slug(world):
    alice = as_(world, "alice")
    response = alice.post("/s/acme/delete/", {"confirm": "acm"})
    assert response.status_code == 200 and Space.objects.filter(slug="acme").exists()
    response = alice.post("/s/acme/delete/", {"confirm": "acme"})
    assert response.status_code == 302 and not Space.objects.filter(slug="acme").exists()
    assert AuditEntry.objects.filter(action="space.delete", space_slug="acme").exists()
    assert as_(world, "bob").post("/s/globex/delete/", {"confirm": "globex"}).status_code == 404


# --- security and languages ---------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.I)


def test_pages_have_no_inline_script_style_or_handlers(world):
    team = make_team(world)
    invitation = actions.do_create_invitation(access_space(world.alice.user, "acme"))
    from allauth.account.models import EmailAddress

    from plaza.core.testing import PASSWORD

    EmailAddress.objects.create(user=world.alice.user, email=world.alice.user.email, verified=True, primary=True)
    client = Client()  # a real sign-in, so allauth's pages that ask for recent authentication open
    assert client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD}).status_code == 302
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    paths = SPACE_PAGES + ["/", "/directory/", "/new/", f"/s/acme/teams/{team.pk}/", f"/invitations/{invitation.code}/",
                           f"/s/acme/members/{world.bob.user.pk}/", "/profile/", "/profile/tokens/", "/profile/deactivate/",
                           "/accounts/password/change/", "/accounts/email/", "/accounts/2fa/", "/accounts/2fa/totp/activate/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = html(response)
        assert not INLINE_SCRIPT.search(body), path
        assert not INLINE_STYLE.search(body), path
        assert not INLINE_HANDLER.search(body), path
        assert "script-src 'self'" in response["Content-Security-Policy"]
    anonymous = as_(world, "anonymous")
    for path in ["/", "/directory/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        body = html(anonymous.get(path))
        assert not INLINE_SCRIPT.search(body) and not INLINE_STYLE.search(body) and not INLINE_HANDLER.search(body), path


def test_chinese_rendering(world):
    response = as_(world, "anonymous").get("/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert '<html lang="zh-hans">' in html(response)
    response = as_(world, "anonymous").get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in html(response)


def test_base_layout_has_htmx_config_csrf_and_switchers(world):
    page = html(as_(world, "alice").get("/s/acme/"))
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert "/static/vendor/htmx.min.js" in page and "/static/plaza.js" in page
    assert 'action="/profile/language/"' in page and 'action="/accounts/logout/"' in page
    assert "My spaces" in page
    page = html(as_(world, "anonymous").get("/"))
    assert 'action="/i18n/setlang/"' in page
