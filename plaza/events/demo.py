"""Events and calendar demo data (called from ``spaces.demo.seed_demo``).

A consumer tasting in wine-lovers with a few seats, full, and a waiting list; the members'
meeting in the association's calendar; the Secretariat's weekly meeting as a recurring
team schedule entry.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from plaza.accounts.models import User
from plaza.calendars.actions import do_create_entry
from plaza.events import actions
from plaza.spaces.access import space_access_for
from plaza.spaces.models import Space, Team

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.now().astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def seed_events_demo() -> None:
    people = {u.email: u for u in User.objects.all()}
    wang, li, zhao = people["wang@wine.example"], people["li@wine.example"], people["zhao@wine.example"]
    liu, sam, chen = people["liu@consumer.example"], people["sam@consumer.example"], people["chen@greatwall-winery.example"]
    maria = people["maria@bordeaux-imports.example"]

    lovers = Space.objects.get(slug="wine-lovers")
    tasting = actions.do_create_event(
        space_access_for(li, lovers),
        title="宁夏干红品鉴会 Ningxia Red Tasting",
        description="六款宁夏贺兰山东麓干红盲品，由长城酒庄陈总讲解。\n\nSix Ningxia reds tasted blind, "
                    "presented by **Chen** of Great Wall Winery. Seats are limited: *first come, first served*.",
        starts_at=_at(10, 19), ends_at=_at(10, 21, 30), timezone_name="Asia/Shanghai",
        location="上海市静安区 南京西路 1266 号 品鉴室 / Tasting room, 1266 West Nanjing Road",
        capacity=3, enrollment="open", registration_deadline=_at(9, 18),
    )
    # Three seats: liu, sam and chen take them; maria and li wait.
    for person in (liu, sam, chen, maria, li):
        actions.do_rsvp(space_access_for(person, lovers), tasting, "going")

    association = Space.objects.get(slug="wine-association")
    assoc = space_access_for(wang, association)
    meeting = actions.do_create_event(
        assoc,
        title="会员大会 Members' Meeting",
        description="年度会员大会：工作报告、财务报告、理事会选举。\n\nAnnual members' meeting: reports, accounts "
                    "and the election of the board.",
        starts_at=_at(21, 14), ends_at=_at(21, 17), timezone_name="Asia/Shanghai",
        location="协会会议室 Association meeting room", online_url="https://meet.example/wine-agm",
        enrollment="approval", registration_deadline=_at(19, 18),
    )
    actions.do_rsvp(space_access_for(li, association), meeting, "going")
    actions.do_approve_attendee(assoc, meeting, li.pk)
    actions.do_rsvp(space_access_for(zhao, association), meeting, "going")  # awaits approval

    secretariat = Team.objects.get(space=association, name="秘书处 Secretariat")
    start = _at(1, 10)
    do_create_entry(li, title="秘书处周会 Secretariat weekly", starts_at=start, ends_at=start + timedelta(hours=1),
                    rrule="FREQ=WEEKLY;BYDAY=TU", team_id=secretariat.pk, timezone_name="Asia/Shanghai")
    do_create_entry(wang, title="理事长午餐 Lunch with the chair", starts_at=_at(3, 12), ends_at=_at(3, 13, 30),
                    timezone_name="Asia/Shanghai")
