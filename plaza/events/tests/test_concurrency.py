"""Seats under concurrency (PostgreSQL): many people answer "going" at the same moment for
the last seats, and several seat holders decline at once; the event row lock lets exactly
``capacity`` people hold a seat and promotes each waiting person once."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from plaza.core.testing import build_world, make_user
from plaza.events.actions import do_create_event, do_rsvp
from plaza.events.models import Attendee
from plaza.notifications.models import Notification
from plaza.spaces.access import space_access_for
from plaza.spaces.models import Membership

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (row locks): set DATABASE_URL=postgres://...",
    ),
]


def _race(people, event, status):
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def answer(user):
        try:
            barrier.wait()
            do_rsvp(space_access_for(user, event.space), event, status)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_last_seats_and_promotions_under_concurrency():
    assert connection.vendor == "postgresql"
    world = build_world()
    people = []
    for i in range(12):
        user = make_user(f"racer{i}")
        Membership.objects.create(space=world.acme, user=user, role="member")
        people.append(user)
    start = timezone.now() + timedelta(days=1)
    event = do_create_event(space_access_for(world.alice.user, world.acme), title="Race", starts_at=start,
                            ends_at=start + timedelta(hours=1), capacity=4)
    _race(people, event, "going")
    going = list(Attendee.objects.filter(event=event, status="going").values_list("user_id", flat=True))
    waiting = Attendee.objects.filter(event=event, status="waitlist").count()
    assert (len(going), waiting) == (4, 8)
    # Three seat holders decline at once: three waiting people are promoted, each told once.
    leavers = [u for u in people if u.pk in going][:3]
    _race(leavers, event, "declined")
    assert Attendee.objects.filter(event=event, status="going").count() == 4
    assert Attendee.objects.filter(event=event, status="waitlist").count() == 5
    promoted = Notification.objects.filter(kind="event_promoted")
    assert promoted.count() == 3 and len(set(promoted.values_list("recipient_id", flat=True))) == 3
