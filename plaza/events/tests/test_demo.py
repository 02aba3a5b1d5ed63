"""The demo data: a full tasting with a waiting list, the members' meeting, a weekly team entry."""

from __future__ import annotations

import pytest

from plaza.events.models import Attendee, Event

pytestmark = pytest.mark.django_db


def test_demo_events_and_calendar():
    from plaza.calendars.queries import list_calendar
    from plaza.spaces.demo import seed_demo

    assert seed_demo()
    tasting = Event.objects.get(space__slug="wine-lovers")
    statuses = sorted(Attendee.objects.filter(event=tasting).values_list("status", flat=True))
    assert statuses == ["going", "going", "going", "waitlist", "waitlist"]
    meeting = Event.objects.get(space__slug="wine-association")
    assert meeting.enrollment == "approval"
    from plaza.accounts.models import User

    li = User.objects.get(email="li@wine.example")
    titles = [i.title for i in list_calendar(li)]
    assert titles.count("秘书处周会 Secretariat weekly") >= 4
    assert meeting.title in titles
