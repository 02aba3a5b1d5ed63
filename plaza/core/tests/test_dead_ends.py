"""No dead ends: public events signed out, a way back from a product, a pinned post once,
an organiser's own event in their calendar, and a plain warning before sharing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from plaza.core.testing import login
from plaza.events.actions import do_create_event
from plaza.feed.actions import do_pin_post, do_publish_post
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def lovers(world):
    space = do_create_space(world.alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    Membership.objects.create(space=space, user=world.bob.user, role=Role.MEMBER)
    return space


def _event(world, space, **kw):
    start = timezone.now() + timedelta(days=3)
    return do_create_event(
        space_access_for(world.alice.user, space),
        title=kw.pop("title", "Open tasting"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        timezone_name="Asia/Shanghai",
        **kw,
    )


def test_signed_out_visitors_see_a_public_spaces_events(world, lovers):
    event = _event(world, lovers)
    visitor = Client()
    home = visitor.get("/s/lovers/feed/").content.decode()
    assert 'href="/s/lovers/events/"' in home
    listing = visitor.get("/s/lovers/events/")
    assert listing.status_code == 200 and "Open tasting" in listing.content.decode()
    detail = visitor.get(f"/events/{event.pk}/")
    assert detail.status_code == 200
    assert "Sign in to answer." in detail.content.decode() and "data-attendees" not in detail.content.decode()
    # A private space's events still send a signed-out visitor to sign in.
    private = _event(world, world.acme, title="Board dinner")
    assert visitor.get(f"/events/{private.pk}/").status_code == 302
    assert visitor.get("/s/acme/events/").status_code == 302


def test_a_product_page_leads_back_to_its_showcase(world, lovers):
    from plaza.showcase.actions import do_create_exhibitor, do_create_product

    acc = space_access_for(world.alice.user, lovers)
    exhibitor = do_create_exhibitor(acc, name="Great Wall Winery", manager_ids=[world.alice.user.pk])
    product = do_create_product(acc, exhibitor, name="Cabernet 2019", category="Red", status="published")
    page = Client().get(f"/products/{product.pk}/").content.decode()
    assert 'class="page-head space-header"' in page and 'href="/s/lovers/products/"' in page


def test_a_pinned_post_appears_once_in_the_feed(world):
    acc = space_access_for(world.alice.user, world.acme)
    post = do_publish_post(acc, body="Pinned news")
    do_publish_post(acc, body="Later news")
    do_pin_post(acc, post)
    page = login(world.bob).get("/s/acme/feed/").content.decode()
    assert page.count(f'id="post-{post.pk}"') == 1


def test_an_organiser_sees_their_own_event_in_their_calendar(world):
    event = _event(world, world.acme, title="Alice's own tasting")
    day = timezone.localtime(event.starts_at).date().isoformat()
    page = login(world.alice).get(f"/calendar/?view=agenda&date={day}").content.decode()
    assert "Alice&#x27;s own tasting" in page or "Alice's own tasting" in page


def test_sharing_says_plainly_who_will_not_see_the_original(world, lovers):
    acme = space_access_for(world.alice.user, world.acme)
    post = do_publish_post(acme, body="Members only price list")
    Membership.objects.create(space=lovers, user=world.mallory.user, role=Role.MEMBER)
    page = login(world.alice).get(f"/p/{post.pk}/share/").content.decode()
    warning = page[page.index("data-share-warnings") :]
    warning = warning[: warning.index("</div>")]
    # In Lovers: alice and bob are in Acme and see it; mallory does not; nor do visitors.
    assert 'data-share-warning="lovers"' in warning
    assert "1 of its 3 members will not see the original." in warning
    assert "Nor will its visitors" in warning
    assert 'class="muted"' not in warning
