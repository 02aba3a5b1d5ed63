"""An inquiry is a small conversation: the asker reads the replies on the product page, in
"My inquiries" and in its thread, writes again; a signed-out asker gets the reply by email
with a signed link to the thread."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import login
from plaza.notifications.models import Notification
from plaza.showcase.actions import do_create_exhibitor, do_create_product
from plaza.showcase.models import Inquiry
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(world):
    lovers = do_create_space(world.alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    Membership.objects.create(space=lovers, user=world.bob.user, role=Role.MEMBER)
    acc = space_access_for(world.alice.user, lovers)
    exhibitor = do_create_exhibitor(acc, name="Great Wall Winery", manager_ids=[world.bob.user.pk])
    return do_create_product(acc, exhibitor, name="Cabernet 2019", category="Red", status="published")


def test_a_signed_in_asker_follows_the_conversation(world, product):
    mallory, bob = login(world.mallory), login(world.bob)
    assert mallory.post(f"/products/{product.pk}/", {"message": "Do you ship to Shanghai?"}).status_code == 302
    inquiry = Inquiry.objects.get()
    bob.post(f"/exhibitors/{product.exhibitor_id}/", {"inquiry_id": inquiry.pk, "status": "replied", "reply": "Yes, SF Express."})
    # The notification leads to the conversation, not to a product page without it.
    note = Notification.objects.get(recipient=world.mallory.user, kind="inquiry_replied")
    opened = mallory.get(f"/notifications/{note.pk}/open/")
    assert opened["Location"] == f"/inquiries/{inquiry.pk}/"
    thread = mallory.get(opened["Location"]).content.decode()
    assert "Do you ship to Shanghai?" in thread and "Yes, SF Express." in thread
    page = mallory.get(f"/products/{product.pk}/").content.decode()
    assert 'id="my-product-inquiries"' in page and "Yes, SF Express." in page
    listing = mallory.get("/inquiries/").content.decode()
    assert "Cabernet 2019" in listing and "Yes, SF Express." in listing
    # The asker writes again: the inquiry is new again, the managers are told and read it.
    assert mallory.post(f"/inquiries/{inquiry.pk}/", {"body": "How long does it take?"}).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert Notification.objects.filter(recipient=world.bob.user, kind="inquiry_received").count() == 2
    assert "How long does it take?" in bob.get(f"/exhibitors/{product.exhibitor_id}/").content.decode()


def test_nobody_else_reads_an_inquiry(world, product):
    login(world.mallory).post(f"/products/{product.pk}/", {"message": "Private question"})
    inquiry = Inquiry.objects.get()
    assert login(world.gina).get(f"/inquiries/{inquiry.pk}/").status_code == 404
    assert login(world.gina).post(f"/inquiries/{inquiry.pk}/", {"body": "sneaky"}).status_code == 404
    assert Client().get(f"/inquiries/{inquiry.pk}/").status_code == 302
    assert "Private question" not in login(world.gina).get("/inquiries/").content.decode()
    assert login(world.bob).get(f"/inquiries/{inquiry.pk}/").status_code == 302  # the manager's page


def test_a_signed_out_asker_gets_the_reply_by_email_with_a_link(world, product):
    visitor = Client()
    visitor.post(f"/products/{product.pk}/", {"message": "Still available?", "contact": "fan@example.com"})
    inquiry = Inquiry.objects.get()
    login(world.bob).post(
        f"/exhibitors/{product.exhibitor_id}/", {"inquiry_id": inquiry.pk, "status": "replied", "reply": "Yes, 12 left."}
    )
    run_pending_tasks()
    [message] = [m for m in mail.outbox if m.to == ["fan@example.com"]]
    assert "Yes, 12 left." in message.body
    link = re.search(r"http://\S+(/inquiries/t/\S+/)", message.body).group(1)
    thread = Client().get(link)
    assert (
        thread.status_code == 200 and "Still available?" in thread.content.decode() and "Yes, 12 left." in thread.content.decode()
    )
    assert Client().post(link, {"body": "I'll take two."}).status_code == 302
    assert inquiry.messages.filter(by_exhibitor=False, body="I'll take two.").exists()
    assert Client().get(link[:-3] + "xx/").status_code == 404  # a tampered link


def test_a_phone_number_contact_gets_no_email(world, product):
    Client().post(f"/products/{product.pk}/", {"message": "Call me", "contact": "+86 138 0000 0000"})
    inquiry = Inquiry.objects.get()
    login(world.bob).post(
        f"/exhibitors/{product.exhibitor_id}/", {"inquiry_id": inquiry.pk, "status": "replied", "reply": "Will do."}
    )
    run_pending_tasks()
    assert [m.to for m in mail.outbox if m.to != [world.bob.user.email]] == []
