"""Account pages through HTTP: profile, language, tokens, deactivation and allauth's
pages in Plaza's layout, with their signed-out and cross-user checks."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from plaza.accounts.adapter import INVITATION_SESSION_KEY
from plaza.accounts.models import ApiToken, User
from plaza.core.testing import PASSWORD
from plaza.spaces import actions
from plaza.spaces.access import access_space
from plaza.spaces.models import Membership

pytestmark = pytest.mark.django_db


def as_(world, name: str) -> Client:
    client = Client()
    persona = world.persona(name)
    if persona is not None:
        client.force_login(persona.user)
    return client


def html(response) -> str:
    return response.content.decode()


def png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (16, 16), "orange").save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("path", ["/profile/", "/profile/tokens/", "/profile/deactivate/", "/accounts/password/change/", "/accounts/2fa/"])
def test_account_pages_need_sign_in(world, path):
    response = as_(world, "anonymous").get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_profile_shows_and_edits(world):
    client = as_(world, "bob")
    page = html(client.get("/profile/"))
    assert "bob@example.com" in page and 'value="bob"' in page
    for link in ("/accounts/password/change/", "/accounts/email/", "/accounts/2fa/", "/profile/tokens/", "/profile/deactivate/"):
        assert f'href="{link}"' in page
    response = client.post("/profile/", {"name": "Robert", "handle": "robert", "language": "zh-hans", "timezone": "Asia/Shanghai", "avatar": png()})
    assert response.status_code == 302
    user = User.objects.get(pk=world.bob.user.pk)
    assert (user.name, user.handle, user.language, user.timezone) == ("Robert", "robert", "zh-hans", "Asia/Shanghai")
    assert user.avatar
    # the profile language now wins
    assert '<html lang="zh-hans">' in html(client.get("/profile/"))


def test_profile_errors_stay_on_the_field(world):
    client = as_(world, "bob")
    response = client.post("/profile/", {"name": "Bob", "handle": "alice", "language": "en", "timezone": "UTC"})
    assert response.status_code == 200 and "This handle is taken." in html(response)
    assert User.objects.get(pk=world.bob.user.pk).handle == "bob"
    response = client.post("/profile/", {"name": "Bob", "handle": "has space", "language": "en", "timezone": "UTC"})
    assert response.status_code == 200 and 'aria-invalid="true"' in html(response)


def test_language_switcher(world):
    client = as_(world, "gina")
    response = client.post("/profile/language/", {"language": "zh-hans", "next": "/directory/"})
    assert response.status_code == 302 and response["Location"] == "/directory/"
    assert User.objects.get(pk=world.gina.user.pk).language == "zh-hans"
    # no open redirects, unknown languages change nothing
    response = client.post("/profile/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/" and User.objects.get(pk=world.gina.user.pk).language == "zh-hans"
    # signed out: Django's own set_language with the cookie
    anonymous = as_(world, "anonymous")
    anonymous.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in html(anonymous.get("/"))


def test_token_is_shown_once_and_revoked(world):
    client = as_(world, "alice")
    response = client.post("/profile/tokens/", {"name": "Laptop script"})
    assert response.status_code == 200
    key = re.search(r'id="new-token-key" value="(plz_[^"]+)"', html(response)).group(1)
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=world.alice.user, name="Laptop script")
    page = html(client.get("/profile/tokens/"))
    assert "Laptop script" in page and key not in page and token.prefix in page
    # the key works against the API until revoked
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    response = client.post(f"/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert "<td>Laptop script</td>" not in html(client.get("/profile/tokens/"))
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_tokens_of_others_cannot_be_revoked(world):
    token = ApiToken.objects.filter(user=world.bob.user).first()
    response = as_(world, "mallory").post(f"/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    response = as_(world, "anonymous").post(f"/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert as_(world, "bob").get(f"/profile/tokens/{token.pk}/revoke/").status_code == 405


def test_token_needs_a_name(world):
    response = as_(world, "alice").post("/profile/tokens/", {"name": ""})
    assert response.status_code == 200 and "new-token-key" not in html(response)


def test_deactivate_checks_password_then_signs_out(world):
    client = as_(world, "bob")
    response = client.post("/profile/deactivate/", {"password": "wrong"})
    assert response.status_code == 200 and "The password is not right." in html(response)
    assert User.objects.get(pk=world.bob.user.pk).is_active
    response = client.post("/profile/deactivate/", {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Welcome to Plaza" in html(response)  # signed out
    assert not User.objects.get(pk=world.bob.user.pk).is_active
    assert client.get("/profile/").status_code == 302
    again = Client()
    again.post("/accounts/login/", {"login": "bob@example.com", "password": PASSWORD})
    assert again.get("/profile/").status_code == 302  # an inactive account cannot sign in
    assert not ApiToken.objects.filter(user=world.bob.user, revoked_at__isnull=True).exists()


def test_allauth_pages_use_our_layout(world):
    anonymous = as_(world, "anonymous")
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        page = html(anonymous.get(path))
        assert 'class="brand"' in page and "/static/plaza.css" in page and 'class="auth-card"' in page, path
    page = html(as_(world, "alice").get("/accounts/password/change/"))
    assert 'class="side-nav"' in page and "/static/plaza.css" in page
    assert 'class="side-nav"' in html(as_(world, "alice").get("/accounts/email/"))


def test_sign_out_is_a_post(world):
    client = as_(world, "alice")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "Welcome to Plaza" in html(client.get("/"))


def test_totp_activation_page_shows_the_qr_code(world):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=world.alice.user, email="alice@example.com", verified=True, primary=True)
    client = Client()
    client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = html(client.get("/accounts/2fa/totp/activate/"))
    assert '<img src="data:image/svg+xml;base64,' in page and 'class="totp-qr"' in page


def test_signup_from_an_invitation_comes_back_to_it(world):
    invitation = actions.do_create_invitation(access_space(world.alice.user, "acme"), role="guest")
    client = Client()
    client.get(f"/invitations/{invitation.code}/")
    assert client.session[INVITATION_SESSION_KEY] == invitation.code
    response = client.post("/accounts/signup/", {
        "email": "newbie@example.com", "name": "Newbie", "handle": "", "password1": "a-Very-good-pass-42", "password2": "a-Very-good-pass-42",
    })
    assert response.status_code == 302 and response["Location"] == f"/invitations/{invitation.code}/"
    page = html(client.get(response["Location"]))
    assert "Accept the invitation" in page
    response = client.post(f"/invitations/{invitation.code}/")
    assert response.status_code == 302 and response["Location"] == "/s/acme/"
    assert Membership.objects.get(space=world.acme, user__email="newbie@example.com").role == "guest"
    assert INVITATION_SESSION_KEY not in client.session


def test_login_from_an_invitation_comes_back_to_it(world):
    invitation = actions.do_create_invitation(access_space(world.alice.user, "acme"))
    client = Client()
    client.get(f"/invitations/{invitation.code}/")
    response = client.post("/accounts/login/", {"login": "mallory@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == f"/invitations/{invitation.code}/"
