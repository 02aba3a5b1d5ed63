"""The discussion group pages through HTTP: the list, creating, the chat page and its forms."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plaza.chat.models import Group, GroupMember, Message
from plaza.core.testing import make_user
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def as_(world, name: str) -> Client:
    client = Client()
    persona = world.persona(name)
    if persona is not None:
        client.force_login(persona.user)
    return client


def make(world, members=("bob",)) -> Group:
    client = as_(world, "alice")
    ids = [getattr(world, m).user.pk for m in members]
    response = client.post("/s/acme/groups/", {"name": "Tasting", "member_ids": ids})
    assert response.status_code == 302
    return Group.objects.get(name="Tasting")


def test_space_header_links_to_groups_and_the_list_creates_one(world):
    home = as_(world, "gina").get("/s/acme/")
    assert "/s/acme/groups/" in home.content.decode()
    page = as_(world, "alice").get("/s/acme/groups/")
    assert page.status_code == 200
    assert "Start a discussion group" in page.content.decode()
    group = make(world, ("bob", "gina"))
    assert set(GroupMember.objects.filter(group=group).values_list("user__handle", flat=True)) == {"alice", "bob", "gina"}
    listed = as_(world, "gina").get("/s/acme/groups/").content.decode()
    assert "Tasting" in listed and "Start a discussion group" not in listed  # guests do not create


def test_chat_page_shows_messages_and_sends(world):
    group = make(world)
    bob = as_(world, "bob")
    response = bob.post(f"/groups/{group.pk}/", {"action": "send", "body": "Cheers **all**"})
    assert response.status_code == 302
    page = bob.get(f"/groups/{group.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<strong>all</strong>" in body
    assert "chat/chat.js" in body and "<script>" not in body  # no inline script (CSP)
    assert f'data-group-id="{group.pk}"' in body


def test_chat_page_delete_own_only(world):
    group = make(world)
    as_(world, "bob").post(f"/groups/{group.pk}/", {"action": "send", "body": "mine"})
    message = Message.objects.get(body="mine")
    as_(world, "alice").post(f"/groups/{group.pk}/", {"action": "delete", "message_id": message.pk})
    assert Message.objects.get(pk=message.pk).deleted_at is None
    as_(world, "bob").post(f"/groups/{group.pk}/", {"action": "delete", "message_id": message.pk})
    assert Message.objects.get(pk=message.pk).deleted_at is not None


def test_outsiders_and_non_members_get_404_and_anonymous_signs_in(world):
    group = make(world)
    assert as_(world, "mallory").get(f"/groups/{group.pk}/").status_code == 404
    assert as_(world, "gina").get(f"/groups/{group.pk}/").status_code == 404
    assert as_(world, "mallory").get("/s/acme/groups/").status_code == 404
    assert as_(world, "anonymous").get(f"/groups/{group.pk}/").status_code == 302
    assert as_(world, "mallory").post(f"/groups/{group.pk}/", {"action": "send", "body": "x"}).status_code == 404
    assert not Message.objects.filter(body="x").exists()


def test_manage_members_from_the_page(world):
    group = make(world)
    alice = as_(world, "alice")
    alice.post(f"/groups/{group.pk}/", {"action": "add", "user_id": world.gina.user.pk})
    assert GroupMember.objects.filter(group=group, user=world.gina.user).exists()
    alice.post(f"/groups/{group.pk}/", {"action": "remove", "user_id": world.gina.user.pk})
    assert not GroupMember.objects.filter(group=group, user=world.gina.user).exists()
    response = as_(world, "bob").post(f"/groups/{group.pk}/", {"action": "leave"})
    assert response.status_code == 302 and response["Location"] == "/s/acme/groups/"
    assert not GroupMember.objects.filter(group=group, user=world.bob.user).exists()


@pytest.mark.parametrize("n", [3, 25])
def test_page_query_counts_do_not_grow(world, n):
    group = make(world)
    for i in range(n):
        person = make_user(f"q{n}_{i}")
        Membership.objects.create(space=world.acme, user=person, role=Role.MEMBER)
        GroupMember.objects.create(space=world.acme, group=group, user=person)
        Message.objects.create(space=world.acme, group=group, author=person, body=f"m{i}", html=f"<p>m{i}</p>")
    alice = as_(world, "alice")
    counts = {}
    for name, path in (("list", "/s/acme/groups/"), ("chat", f"/groups/{group.pk}/")):
        with CaptureQueriesContext(connection) as ctx:
            assert alice.get(path).status_code == 200
        counts[name] = len(ctx.captured_queries)
    PAGES[n] = counts
    if n == 25:
        assert PAGES[25] == PAGES[3]


PAGES: dict[int, dict[str, int]] = {}
