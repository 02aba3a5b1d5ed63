"""Faces on the pages where people appear (feed, chat, mail, members, the person page) and
on the showcase (product photos, exhibitor logos): rendered, and with no query per person."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from plaza.accounts.actions import do_update_profile
from plaza.chat.actions import do_create_group, do_send_message
from plaza.chat.models import GroupMember
from plaza.core.testing import make_user, upload_file
from plaza.feed.actions import do_publish_post
from plaza.mail.actions import do_send_mail
from plaza.spaces.access import space_access_for
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (80, 80), (200, 80, 20)).save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


CHINESE = ["王小明", "李雷", "韩梅梅", "张伟", "欧阳娜娜"]


def _people(world, start: int, count: int) -> list:
    """``count`` more members of acme, every other one with a photo, half with Chinese names."""
    people = []
    for i in range(start, start + count):
        person = make_user(f"p{i}", name=CHINESE[i % len(CHINESE)] if i % 2 else f"Person Number{i}")
        Membership.objects.create(space=world.acme, user=person, role=Role.MEMBER)
        if i % 3 == 0:
            person = do_update_profile(person, avatar=_photo())
        people.append(person)
    return people


def _as(world, name: str) -> Client:
    client = Client()
    client.force_login(getattr(world, name).user)
    return client


def _count(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _faces(html: str) -> list[str]:
    return re.findall(r'<(?:span|img) class="av av-\d+[^"]*"', html)


def test_feed_shows_every_author_face_without_a_query_per_author(world):
    client = _as(world, "bob")
    counts = []
    start = 0
    for batch in (2, 9):
        for person in _people(world, start, batch):
            do_publish_post(space_access_for(person, world.acme), body=f"hello from {person.handle}")
        start += batch
        queries, html = _count(client, "/s/acme/feed/")
        counts.append(queries)
    assert counts[0] == counts[1], counts
    assert 'aria-hidden="true">小明</span>' in html  # 王小明 → 小明
    assert 'aria-hidden="true">PN</span>' in html  # Person Number2 → PN
    assert re.search(r'<img class="av av-40" src="/media/avatars/[^"]+-128\.(png|jpg)" alt=""', html)


def test_chat_shows_faces_without_a_query_per_author(world):
    alice = space_access_for(world.alice.user, world.acme)
    group = do_create_group(alice, name="Wine talk", member_ids=[world.bob.user.pk])
    client = _as(world, "bob")
    counts = []
    start = 0
    for batch in (2, 9):
        for person in _people(world, start, batch):
            member = GroupMember.objects.create(space=world.acme, group=group, user=person)
            do_send_message(space_access_for(person, world.acme), group, member, body=f"hi {person.handle}")
        start += batch
        queries, html = _count(client, f"/groups/{group.pk}/")
        counts.append(queries)
    assert counts[0] == counts[1], counts
    assert len([f for f in _faces(html) if "av-32" in f]) >= 11
    assert 'aria-hidden="true">梅梅</span>' in html


def test_mail_lists_and_messages_show_the_sender_face_without_a_query_per_sender(world):
    client = _as(world, "bob")
    counts = []
    start = 0
    for batch in (2, 9):
        for person in _people(world, start, batch):
            do_send_mail(person, to=[world.bob.user.pk], subject=f"From {person.handle}", body="Hello")
        start += batch
        queries, html = _count(client, "/mail/")
        counts.append(queries)
    assert counts[0] == counts[1], counts
    assert len(_faces(html)) >= 11 + 1  # the senders and bob's own face in the account menu
    thread = re.search(r'href="(/mail/m/\d+/)"', html)
    assert thread is not None
    assert 'class="av av-40' in client.get(thread.group(1)).content.decode()


def test_members_and_person_pages_show_faces(world):
    do_update_profile(world.alice.user, avatar=_photo())
    client = _as(world, "bob")
    members = client.get("/s/acme/members/").content.decode()
    assert re.search(r'<img class="av av-32" src="/media/avatars/[^"]+-64\.png"', members)
    assert 'aria-hidden="true">G</span>' in members  # gina, no photo
    person = client.get("/u/alice/").content.decode()
    assert re.search(r'<img class="av av-96" src="/media/avatars/[^"]+\.png" alt=""', person)
    # The space's generated logo in the header and the shared-spaces list.
    assert 'class="av av-64 av-square' in client.get("/s/acme/").content.decode()


def test_product_gallery_card_photo_and_exhibitor_logo(world):
    from plaza.showcase.tests.fixtures import bobs_catalogue

    made = bobs_catalogue(world)
    bob = Client()
    auth = world.bob.auth
    photos = [upload_file(world.bob) for _ in range(3)]
    logo = upload_file(world.bob)
    assert (
        bob.patch(
            f"/api/v1/products/{made['product_id']}", data={"image_ids": photos}, content_type="application/json", **auth
        ).status_code
        == 200
    )
    assert (
        bob.patch(
            f"/api/v1/exhibitors/{made['exhibitor_id']}", data={"logo_id": logo}, content_type="application/json", **auth
        ).status_code
        == 200
    )
    client = _as(world, "alice")
    detail = client.get(f"/products/{made['product_id']}/").content.decode()
    gallery = re.search(r'<div class="product-gallery".*?</div>', detail, re.S)
    assert gallery is not None
    assert [f"/files/{i}/" for i in photos] == re.findall(r'<img src="(/files/\d+/)"', gallery.group(0))
    assert f'<img class="av av-32 av-square" src="/files/{logo}/"' in detail
    listing = client.get("/s/acme/products/").content.decode()
    assert 'class="product-card-photo"' in listing and f'src="/files/{photos[0]}/"' in listing
    assert f'src="/files/{logo}/"' in listing
    # Photos are served only to who may see the product: mallory (another space) gets 404.
    mallory = _as(world, "mallory")
    assert mallory.get(f"/files/{photos[0]}/").status_code == 404
    assert client.get(f"/files/{photos[0]}/").status_code == 200
