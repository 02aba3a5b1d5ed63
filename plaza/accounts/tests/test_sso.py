"""Single sign-on end to end against a real OpenID Connect provider started by the test.

``oidc-provider-mock`` serves discovery, the authorization form, the token endpoint, JWKS
and userinfo on 127.0.0.1. Django's test client plays the browser on Plaza's side; the
provider's authorization form is submitted with ``requests``, as a browser would, and its
redirect back to Plaza is followed by the test client.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import oidc_provider_mock
import pytest
import requests
import werkzeug.serving
from django.test import Client

from plaza.accounts.models import User
from plaza.core.testing import PASSWORD, make_user
from plaza.settings import oidc_apps


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A running OpenID provider; its issuer URL."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def sso(settings: Any, provider: str) -> str:
    """Plaza configured with the test provider (and a second one, for the buttons)."""
    settings.SOCIALACCOUNT_PROVIDERS = oidc_apps(
        [
            {"id": "corp", "name": "Corp ID", "server_url": provider, "client_id": "plaza", "secret": "s3cret"},
            {"id": "partner", "name": "Partner SSO", "server_url": provider, "client_id": "plaza-2", "secret": "other"},
        ]
    )
    return provider


def _claims(provider: str, sub: str, **claims: Any) -> None:
    response = requests.put(f"{provider}/users/{quote(sub)}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


def _sign_in(client: Client, sub: str, provider_id: str = "corp") -> Any:
    """Press the provider's button, authorize on the provider as ``sub``, come back."""
    start = client.post(f"/accounts/oidc/{provider_id}/login/")
    assert start.status_code == 302, start.content[:300]
    authorize_url = start["Location"]
    assert authorize_url.startswith("http://127.0.0.1:")
    assert requests.get(authorize_url, timeout=10).status_code == 200  # the provider's form
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303), answer.text[:300]
    back = urlsplit(answer.headers["Location"])
    assert back.path == f"/accounts/oidc/{provider_id}/login/callback/"
    return client.get(f"{back.path}?{back.query}", follow=True)


def _signed_in_as(client: Client) -> str | None:
    response = client.get("/api/v1/me")
    return response.json()["email"] if response.status_code == 200 else None


@pytest.mark.django_db
def test_sign_in_page_shows_a_button_per_provider(sso: str) -> None:
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"Sign in with Corp ID" in page.content and b"Sign in with Partner SSO" in page.content
    assert b'name="password"' in page.content  # passwords still work
    zh = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "通过 Corp ID 登录".encode() in zh.content


@pytest.mark.django_db
def test_a_new_person_gets_an_account(sso: str) -> None:
    _claims(sso, "new-sub-1", email="li.na@corp.example", email_verified=True, name="李娜")
    client = Client()
    final = _sign_in(client, "new-sub-1")
    assert final.status_code == 200
    assert _signed_in_as(client) == "li.na@corp.example"
    user = User.objects.get(email="li.na@corp.example")
    assert user.name == "李娜" and user.handle and not user.has_usable_password()
    # Signing in again reuses the account.
    again = Client()
    _sign_in(again, "new-sub-1")
    assert _signed_in_as(again) == "li.na@corp.example"
    assert User.objects.filter(email="li.na@corp.example").count() == 1


@pytest.mark.django_db
def test_an_existing_account_is_linked_by_verified_email(sso: str) -> None:
    from allauth.account.models import EmailAddress

    alice = make_user("alice")
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    _claims(sso, "alice-at-corp", email="alice@example.com", email_verified=True, name="Alice Corp")
    client = Client()
    _sign_in(client, "alice-at-corp")
    assert _signed_in_as(client) == "alice@example.com"
    assert User.objects.filter(email="alice@example.com").count() == 1
    alice.refresh_from_db()
    assert alice.socialaccount_set.get().uid == "alice-at-corp"
    assert alice.check_password(PASSWORD)  # her own verified address: her password stays


@pytest.mark.django_db
def test_an_unverified_provider_email_does_not_take_over_an_account(sso: str) -> None:
    make_user("bob")
    _claims(sso, "mallory-sub", email="bob@example.com", email_verified=False, name="Not Bob")
    client = Client()
    _sign_in(client, "mallory-sub")
    assert _signed_in_as(client) != "bob@example.com"
    assert not User.objects.get(email="bob@example.com").socialaccount_set.exists()


@pytest.mark.django_db
def test_with_sso_required_passwords_are_refused(sso: str, settings: Any) -> None:
    settings.SSO_REQUIRED = True
    make_user("carol")
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"Sign in with Corp ID" in page.content and b'name="password"' not in page.content
    client = Client()
    refused = client.post("/accounts/login/", {"login": "carol@example.com", "password": PASSWORD})
    assert refused.status_code == 200 and b"single sign-on" in refused.content
    assert _signed_in_as(client) is None
    signup = Client().post("/accounts/signup/", {"email": "x@example.com", "password1": PASSWORD, "name": "X"})
    assert b'name="password1"' not in signup.content and _signed_in_as(Client()) is None
    assert not User.objects.filter(email="x@example.com").exists()
    token = Client().post(
        "/api/v1/auth/token", {"email": "carol@example.com", "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 403 and "single sign-on" in token.json()["detail"]
    api_signup = Client().post(
        "/api/v1/auth/signup", {"email": "y@example.com", "password": PASSWORD, "name": "Y"}, content_type="application/json"
    )
    assert api_signup.status_code == 403
    reset = Client().post("/accounts/password/reset/", {"email": "carol@example.com"})
    assert reset.status_code == 200 and b"single sign-on" in reset.content
    # Single sign-on still works, and links carol's account by her verified address.
    from allauth.account.models import EmailAddress

    carol = User.objects.get(email="carol@example.com")
    EmailAddress.objects.create(user=carol, email=carol.email, verified=True, primary=True)
    _claims(sso, "carol-sub", email="carol@example.com", email_verified=True, name="Carol")
    client = Client()
    _sign_in(client, "carol-sub")
    assert _signed_in_as(client) == "carol@example.com"
