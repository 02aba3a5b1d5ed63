"""Accounts API: sign-up, tokens (with two-factor), the caller's profile, deactivation."""

from __future__ import annotations

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client

from plaza.accounts.models import ApiToken, User
from plaza.core.testing import PASSWORD, Api, Persona
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_invitation
from plaza.spaces.models import Membership


def signup(api, **body):
    payload = {"email": "new@example.com", "password": PASSWORD, "name": "New Person", **body}
    return api("anonymous").post("auth/signup", payload)


def field_of(response) -> list[str]:
    return [item["loc"][-1] for item in response.json_body["detail"]]


# --- sign-up --------------------------------------------------------------------------------


def test_signup_returns_user_and_a_working_token(api):
    response = signup(api, handle="newbie")
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert body["user"]["handle"] == "newbie"
    assert set(body["user"]) >= {"id", "name", "handle", "avatar_url"}
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}").json()
    assert me["email"] == "new@example.com"


@pytest.mark.parametrize(
    ("name", "handle"),
    [("New Person", "New_Person"), ("张三", "张三"), ("李 小龙", "李_小龙"), ("!!!", "user")],
)
def test_signup_makes_a_handle_from_the_name(api, name, handle):
    response = signup(api, name=name)
    assert response.status_code == 201
    assert response.json_body["user"]["handle"] == handle


def test_made_handle_avoids_taken_ones_case_insensitively(api, world):
    response = signup(api, name="ALICE")
    assert response.json_body["user"]["handle"] == "ALICE2"


def test_duplicate_email_is_422_naming_email(api, world):
    response = signup(api, email="Alice@Example.com")
    assert response.status_code == 422
    assert field_of(response) == ["email"]


def test_duplicate_handle_is_422_naming_handle(api, world):
    response = signup(api, handle="BOB")
    assert response.status_code == 422
    assert field_of(response) == ["handle"]


@pytest.mark.parametrize("password", ["short", "12345678901", "password123"])
def test_weak_password_is_422(api, password):
    response = signup(api, password=password)
    assert response.status_code == 422
    assert field_of(response) == ["password"]
    assert not User.objects.filter(email="new@example.com").exists()


def test_signup_closed_is_403(api, settings):
    settings.SIGNUP = "closed"
    response = signup(api)
    assert response.status_code == 403
    assert response.json_body["code"] == "forbidden"


def test_signup_by_invitation_needs_a_valid_code_and_joins_the_space(api, world, settings):
    settings.SIGNUP = "invite"
    assert signup(api).status_code == 403
    assert signup(api, invitation="nope").status_code == 403
    invitation = do_create_invitation(space_access_for(world.alice.user, world.acme), role="member", max_uses=1)
    response = signup(api, invitation=invitation.code)
    assert response.status_code == 201
    user = User.objects.get(email="new@example.com")
    assert Membership.objects.get(space=world.acme, user=user).role == "member"
    # used up now
    assert signup(api, email="other@example.com", invitation=invitation.code).status_code == 403


def test_signup_by_email_invitation_is_for_that_email_only(api, world, settings):
    settings.SIGNUP = "invite"
    invitation = do_create_invitation(space_access_for(world.alice.user, world.acme), email="carol@example.com", role="guest")
    assert signup(api, email="eve@example.com", invitation=invitation.code).status_code == 403
    assert signup(api, email="carol@example.com", invitation=invitation.code).status_code == 201


# --- tokens ---------------------------------------------------------------------------------


def test_token_with_good_credentials(api, world):
    response = api("anonymous").post("auth/token", {"email": "ALICE@example.com", "password": PASSWORD})
    assert response.status_code == 201
    token = response.json_body["token"]
    assert Api(Persona(world.alice.user, token)).get("me").json_body["handle"] == "alice"


@pytest.mark.parametrize(("email", "password"), [("alice@example.com", "wrong"), ("nobody@example.com", PASSWORD)])
def test_token_with_bad_credentials_is_401(api, world, email, password):
    response = api("anonymous").post("auth/token", {"email": email, "password": password})
    assert response.status_code == 401
    assert response.json_body["code"] == "not_authenticated"


def current_totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_totp_is_required_when_activated(api, world):
    secret = generate_totp_secret()
    TOTP.activate(world.alice.user, secret)
    anonymous = api("anonymous")
    creds = {"email": "alice@example.com", "password": PASSWORD}
    assert anonymous.post("auth/token", creds).status_code == 401
    assert anonymous.post("auth/token", {**creds, "otp": "000000" if current_totp(secret) != "000000" else "111111"}).status_code == 401
    assert anonymous.post("auth/token", {**creds, "otp": current_totp(secret)}).status_code == 201


def test_recovery_code_works_once(api, world):
    TOTP.activate(world.alice.user, generate_totp_secret())
    code = RecoveryCodes.activate(world.alice.user).get_unused_codes()[0]
    anonymous = api("anonymous")
    creds = {"email": "alice@example.com", "password": PASSWORD, "otp": code}
    assert anonymous.post("auth/token", creds).status_code == 201
    assert anonymous.post("auth/token", creds).status_code == 401


def test_delete_auth_token_revokes_the_token_used(api, world):
    bob = api("bob")
    assert bob.delete("auth/token").status_code == 204
    assert bob.get("me").status_code == 401
    assert api("alice").get("me").status_code == 200


def test_delete_auth_token_with_a_session_is_401(world):
    client = Client()
    client.force_login(world.alice.user)
    assert client.delete("/api/v1/auth/token").status_code == 401


def test_my_tokens_list_create_revoke(api, world):
    alice = api("alice")
    created = alice.post("me/tokens", {"name": "laptop"})
    assert created.status_code == 201
    key = created.json_body["token"]
    listed = alice.get("me/tokens").json_body
    assert {t["name"] for t in listed["items"]} == {"tests", "laptop"}
    assert all("token" not in t and key not in str(t) for t in listed["items"])
    assert listed["next_cursor"] is None
    laptop = Api(Persona(world.alice.user, key))
    assert laptop.get("me").status_code == 200
    assert alice.delete(f"me/tokens/{created.json_body['id']}").status_code == 204
    assert laptop.get("me").status_code == 401
    assert alice.delete(f"me/tokens/{created.json_body['id']}").status_code == 404
    assert {t["name"] for t in alice.get("me/tokens").json_body["items"]} == {"tests"}


def test_token_name_is_required(api):
    response = api("alice").post("me/tokens", {"name": "  "})
    assert response.status_code == 422
    assert field_of(response) == ["name"]


def test_cannot_revoke_someone_elses_token(api, world):
    bobs = ApiToken.objects.get(user=world.bob.user)
    assert api("alice").delete(f"me/tokens/{bobs.pk}").status_code == 404
    assert api("bob").get("me").status_code == 200


# --- me -------------------------------------------------------------------------------------


def test_get_me(api, world):
    body = api("gina").get("me").json_body
    assert body == {
        "id": world.gina.user.pk, "email": "gina@example.com", "name": "Gina", "handle": "gina",
        "language": "en", "timezone": "UTC", "avatar_url": None,
        "title": "", "organization": "", "bio": "", "phone": "", "location": "",
        "visibility": {"email": "private", "phone": "private", "location": "shared"},
    }


def test_patch_me(api):
    response = api("bob").patch("me", {"name": "Robert", "handle": "罗伯特", "language": "zh-hans", "timezone": "Asia/Shanghai"})
    assert response.status_code == 200, response.json_body
    assert response.json_body["handle"] == "罗伯特"
    assert api("bob").get("me").json_body["timezone"] == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"language": "fr"}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"handle": "has space"}, "handle"),
        ({"handle": "x" * 31}, "handle"),
        ({"handle": "ALICE"}, "handle"),
        ({"name": ""}, "name"),
    ],
)
def test_patch_me_invalid_is_422_naming_the_field(api, world, body, field):
    response = api("bob").patch("me", body)
    assert response.status_code == 422
    assert field_of(response) == [field]
    assert User.objects.get(pk=world.bob.user.pk).handle == "bob"


def test_own_handle_in_another_case_is_allowed(api):
    assert api("bob").patch("me", {"handle": "Bob"}).json_body["handle"] == "Bob"


# --- deactivation ---------------------------------------------------------------------------


def test_deactivation_stops_sessions_and_tokens_at_once(api, world):
    session = Client()
    session.force_login(world.bob.user)
    second = api("bob").post("me/tokens", {"name": "phone"}).json_body["token"]
    assert api("bob").post("me/deactivate", {"password": "wrong"}).status_code == 403
    assert api("bob").post("me/deactivate", {"password": PASSWORD}).status_code == 204
    assert api("bob").get("me").status_code == 401
    assert Api(Persona(world.bob.user, second)).get("me").status_code == 401
    assert session.get("/api/v1/me").status_code == 401
    assert api("anonymous").post("auth/token", {"email": "bob@example.com", "password": PASSWORD}).status_code == 401
