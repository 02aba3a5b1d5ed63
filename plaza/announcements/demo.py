"""Announcement demo data (called from ``spaces.demo.seed_demo``): an announcement to the
member companies that requires acknowledgement, read by some of them, and a pinned notice."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from plaza.accounts.models import User
from plaza.announcements import actions
from plaza.spaces.access import space_access_for
from plaza.spaces.models import Space


def seed_announcements_demo() -> None:
    wang = User.objects.get(email="wang@wine.example")
    chen = User.objects.get(email="chen@greatwall-winery.example")
    companies = Space.objects.get(slug="member-companies")
    acc = space_access_for(wang, companies)
    labels = actions.do_publish_announcement(
        acc, title="【重要】进口酒中文背标新规 New back-label rules for imported wine", category="法规 Regulation",
        require_ack=True,
        body="自下月起，所有进口酒须加贴符合新规的中文背标。请各会员企业阅读附件要点并确认。\n\n"
             "From next month every imported wine needs a Chinese back label under the new rules. Please read and acknowledge.",
    )
    actions.do_mark_read(space_access_for(chen, companies), labels, acknowledge=True)
    actions.do_publish_announcement(
        acc, title="年费缴纳提醒 Membership fees due", category="会务 Membership",
        pinned_until=timezone.now() + timedelta(days=30),
        body="2026 年度会员费请于本月底前缴纳。Membership fees for 2026 are due by the end of the month.",
    )
