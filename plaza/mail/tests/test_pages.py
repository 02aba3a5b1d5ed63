"""Micro-mail pages: folders, reading a thread, composing, replying, forwarding, moving."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from plaza.mail.actions import do_send_mail
from plaza.mail.models import Delivery, Message

pytestmark = pytest.mark.django_db


def as_(world, name: str) -> Client:
    client = Client()
    persona = world.persona(name)
    if persona is not None:
        client.force_login(persona.user)
    return client


def test_compose_send_and_read(world):
    alice = as_(world, "alice")
    form = alice.get("/mail/compose/")
    assert form.status_code == 200 and "Bob" in form.content.decode()
    assert "Mallory" not in form.content.decode()  # only people who share a space
    response = alice.post("/mail/compose/", {"to": [world.bob.user.pk], "subject": "Wine fair", "body": "See *you*"})
    assert response.status_code == 302
    message = Message.objects.get(subject="Wine fair")
    inbox = as_(world, "bob").get("/mail/").content.decode()
    assert "Wine fair" in inbox and 'class="unread"' in inbox
    page = as_(world, "bob").get(f"/mail/m/{message.pk}/")
    assert page.status_code == 200 and "<em>you</em>" in page.content.decode()
    assert Delivery.objects.get(message=message, user=world.bob.user).unread is False
    assert "Wine fair" in alice.get("/mail/sent/").content.decode()


def test_outsiders_cannot_read_or_reach(world):
    message = do_send_mail(world.alice.user, to=[world.bob.user.pk], subject="S", body="B")
    assert as_(world, "mallory").get(f"/mail/m/{message.pk}/").status_code == 404
    assert as_(world, "gina").get(f"/mail/m/{message.pk}/").status_code == 404
    assert as_(world, "anonymous").get("/mail/").status_code == 302
    refused = as_(world, "alice").post("/mail/compose/", {"to": [world.mallory.user.pk], "subject": "x", "body": "y"})
    assert refused.status_code == 422
    assert not Message.objects.filter(subject="x").exists()


def test_reply_all_and_forward_prefill(world):
    message = do_send_mail(world.alice.user, to=[world.bob.user.pk], cc=[world.gina.user.pk], subject="Plan", body="B")
    bob = as_(world, "bob")
    reply_all = bob.get(f"/mail/compose/?reply={message.pk}&all=1").content.decode()
    assert "Re: Plan" in reply_all
    selected = set(re.findall(r'<option value="(\d+)"[^>]*\bselected\b', reply_all))
    assert {str(world.alice.user.pk), str(world.gina.user.pk)} <= selected
    assert str(world.bob.user.pk) not in selected  # never to oneself
    bob.post(f"/mail/compose/?reply={message.pk}&all=1", {"to": [world.alice.user.pk], "cc": [world.gina.user.pk],
                                                          "subject": "Re: Plan", "body": "Yes"})
    reply = Message.objects.get(subject="Re: Plan")
    assert reply.thread_id == message.pk
    thread = as_(world, "alice").get(f"/mail/m/{message.pk}/").content.decode()
    assert "Yes" in thread and "Reply all" in thread and "Forward" in thread
    bob.post(f"/mail/compose/?forward={message.pk}", {"to": [world.alice.user.pk], "body": "FYI"})
    assert Message.objects.filter(subject="Fwd: Plan").exists()


def test_private_mail_has_no_forward(world):
    message = do_send_mail(world.alice.user, to=[world.bob.user.pk], subject="Secret", body="B", private=True)
    page = as_(world, "bob").get(f"/mail/m/{message.pk}/").content.decode()
    assert "?forward=" not in page
    response = as_(world, "bob").post(f"/mail/compose/?forward={message.pk}", {"to": [world.gina.user.pk], "body": ""})
    assert response.status_code == 302  # the conflict becomes a message on the page
    assert not Message.objects.filter(subject="Fwd: Secret").exists()


def test_move_to_archive(world):
    message = do_send_mail(world.alice.user, to=[world.bob.user.pk], subject="Old", body="B")
    response = as_(world, "bob").post(f"/mail/m/{message.pk}/", {"folder": "archive"})
    assert response.status_code == 302
    assert Delivery.objects.get(message=message, user=world.bob.user).folder == "archive"
    assert "Old" in as_(world, "bob").get("/mail/archive/").content.decode()
    assert as_(world, "bob").get("/mail/spam/").status_code == 404
