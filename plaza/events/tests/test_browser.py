"""Events and the calendar in a real browser: an event fills up, a waitlisted member is
promoted when another declines (htmx RSVP buttons); the .ics feed downloads and parses; the
calendar fits a phone; no CSP violation on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plaza.core.browser import PHONE_VIEWPORT, BrowserSession, horizontal_overflow
from plaza.core.testing import make_persona

pytestmark = pytest.mark.browser


sign_in = BrowserSession.sign_in  # a new person signed in through the login form


def _event(world, **kwargs):
    from django.utils import timezone

    from plaza.events.actions import do_create_event
    from plaza.spaces.access import space_access_for

    start = timezone.now() + timedelta(days=2)
    return do_create_event(space_access_for(world.alice.user, world.acme), title="Tasting", starts_at=start,
                           ends_at=start + timedelta(hours=2), timezone_name="Asia/Shanghai", **kwargs)


def test_event_fills_up_and_the_waitlist_is_promoted(browser_session: BrowserSession, world) -> None:
    from playwright.sync_api import expect

    from plaza.spaces.models import Membership

    carol = make_persona("carol")
    Membership.objects.create(space=world.acme, user=carol.user, role="member")
    event = _event(world, capacity=1)

    bob = sign_in(browser_session, world.bob.user.email)
    bob.goto(f"/events/{event.pk}/")
    bob.locator("button[data-rsvp=going]").click()
    expect(bob.locator("[data-my-status]")).to_have_attribute("data-my-status", "going")
    expect(bob.locator("[data-going-count]")).to_contain_text("1 going")

    carol_page = sign_in(browser_session, carol.user.email)
    carol_page.goto(f"/events/{event.pk}/")
    carol_page.locator("button[data-rsvp=going]").click()
    expect(carol_page.locator("[data-my-status]")).to_have_attribute("data-my-status", "waitlist")

    bob.locator("button[data-rsvp=declined]").click()
    expect(bob.locator("[data-my-status]")).to_have_attribute("data-my-status", "declined")
    expect(bob.locator('[data-attendee="carol"]')).to_have_attribute("data-status", "going")

    carol_page.reload()
    expect(carol_page.locator("[data-my-status]")).to_have_attribute("data-my-status", "going")
    assert browser_session.csp_violations == []


def test_ics_feed_downloads_and_parses_and_calendar_fits_a_phone(browser_session: BrowserSession, world) -> None:
    import icalendar

    from plaza.calendars.actions import do_create_entry
    from plaza.events.actions import do_rsvp
    from plaza.spaces.access import space_access_for

    event = _event(world)
    do_rsvp(space_access_for(world.bob.user, world.acme), event, "going")
    do_create_entry(world.bob.user, title="Yoga", starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1),
                    rrule="FREQ=WEEKLY", timezone_name="Europe/Berlin")

    page = sign_in(browser_session, world.bob.user.email, viewport=PHONE_VIEWPORT)
    page.goto("/calendar/")
    assert horizontal_overflow(page) <= PHONE_VIEWPORT["width"]
    assert page.locator(".cal-month").is_hidden()  # the agenda on phones
    assert page.locator(".cal-agenda").get_by_text("Tasting").first.is_visible()
    page.locator("summary", has_text="Subscribe and import").click()
    url = page.locator("input[data-feed-url]").input_value()
    assert "/calendar/ics/" in url

    # The feed needs no session: fetch it from a fresh context.
    anonymous = browser_session.new_context()
    response = anonymous.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.body())
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert summaries == {"Tasting", "Yoga"}
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} >= {"Asia/Shanghai", "Europe/Berlin"}
    for view in ("week", "agenda"):
        page.goto(f"/calendar/?view={view}")
        assert horizontal_overflow(page) <= PHONE_VIEWPORT["width"], view
    assert browser_session.csp_violations == []
