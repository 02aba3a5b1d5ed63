"""The demo data's blogs, headlines and announcements."""

from __future__ import annotations

from django.test import Client

from plaza.accounts.models import User
from plaza.announcements.models import Announcement, AnnouncementRecipient
from plaza.blogs.models import Blog, Headline


def test_demo_blogs_headlines_and_announcements(db):
    from plaza.spaces.demo import seed_demo

    assert seed_demo() is True
    assert Blog.objects.filter(space__slug="wine-association", status="published").count() == 2
    assert Headline.objects.filter(space__slug="wine-lovers").count() == 3
    front = Client().get("/s/wine-lovers/").content.decode()
    assert "新手品酒指南" in front and "Welcome to the Wine Lovers community" in front
    labels = Announcement.objects.get(require_ack=True, space__slug="member-companies")
    receipts = AnnouncementRecipient.objects.filter(announcement=labels)
    assert receipts.filter(read_at__isnull=False).count() == 1 and receipts.filter(read_at__isnull=True).exists()
    maria = Client()
    maria.force_login(User.objects.get(email="maria@bordeaux-imports.example"))
    assert "进口酒中文背标新规" in maria.get("/s/member-companies/").content.decode()
