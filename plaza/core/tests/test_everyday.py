"""Everyday correctness through the pages: times in the person's zone, one date format per
language, plain-text excerpts, SVG icons with labels, translated states, ``plaza --help``."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from plaza.core.markdown import plain_text
from plaza.core.templatetags.plaza import ago, when
from plaza.core.testing import PASSWORD
from plaza.feed.actions import do_publish_post
from plaza.spaces.access import access_space

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def signed_in(persona, *, zone: str = "", language: str = "") -> Client:
    user = persona.user
    if zone or language:
        user.timezone = zone or user.timezone
        user.language = language or user.language
        user.save(update_fields=["timezone", "language"])
    client = Client()
    client.force_login(user)
    return client


def test_dates_are_written_the_locales_way():
    moment = datetime(2026, 12, 14, 12, 0, tzinfo=ZoneInfo("UTC"))
    with timezone.override(SHANGHAI):
        with translation.override("zh-hans"):
            assert when(moment) == "2026年12月14日 星期一 20:00"
            assert when(moment, "date") == "2026年12月14日 星期一"
            assert ago(timezone.now()) == "刚刚"
            assert ago(timezone.now() - timedelta(minutes=3)) == "3 分钟前"
        with translation.override("en"):
            assert when(moment) == "Mon 14 Dec 2026, 20:00"
            assert ago(timezone.now()) == "just now"
            assert ago(timezone.now() - timedelta(minutes=3)) == "3 minutes ago"
            assert ago(moment - timedelta(days=30)) == "Sat 14 Nov 2026, 20:00"


def test_a_post_shows_its_time_in_the_readers_zone(world):
    post = do_publish_post(access_space(world.alice.user, "acme"), body="Hello")
    local = timezone.localtime(post.created, SHANGHAI)
    page = signed_in(world.bob, zone="Asia/Shanghai", language="zh-hans").get(f"/p/{post.pk}/").content.decode()
    assert f"{local:%H:%M}" in page and f'datetime="{local.isoformat(timespec="seconds")}' in page
    assert f"{local.year}年{local.month}月{local.day}日" in page
    utc = timezone.localtime(post.created, ZoneInfo("UTC"))
    if utc.hour != local.hour:
        assert f"{utc:%H:%M}</time>" not in page


def test_signed_out_visitors_get_the_zone_of_their_browser_cookie(world):
    world.acme.visibility = "public"
    world.acme.save(update_fields=["visibility"])
    post = do_publish_post(access_space(world.alice.user, "acme"), body="Open to all")
    client = Client()
    client.cookies["tz"] = "America/New_York"
    page = client.get(f"/p/{post.pk}/").content.decode()
    assert timezone.localtime(post.created, ZoneInfo("America/New_York")).isoformat(timespec="seconds") in page
    client.cookies["tz"] = "Not/AZone"
    page = client.get(f"/p/{post.pk}/").content.decode()
    assert timezone.localtime(post.created, ZoneInfo("UTC")).isoformat(timespec="seconds") in page


def test_a_time_on_a_whole_minute_keeps_its_seconds_in_the_machine_readable_form(world):
    from plaza.feed.models import Post

    post = do_publish_post(access_space(world.alice.user, "acme"), body="On the minute")
    Post.objects.filter(pk=post.pk).update(created=datetime(2026, 12, 5, 8, 36, tzinfo=ZoneInfo("UTC")))
    page = signed_in(world.alice, zone="America/New_York").get(f"/p/{post.pk}/").content.decode()
    assert 'datetime="2026-12-05T03:36:00-05:00"' in page


def test_an_event_form_reads_times_in_the_persons_zone_and_names_it(world):
    client = signed_in(world.bob, zone="Asia/Shanghai")
    form = client.get("/s/acme/events/new/").content.decode()
    assert "Asia/Shanghai" in form
    response = client.post(
        "/s/acme/events/new/",
        {
            "title": "Tasting",
            "starts_at": "2026-12-21T19:00",
            "ends_at": "2026-12-21T21:00",
            "registration_deadline": "2026-12-18T20:00",
            "timezone": "Asia/Shanghai",
            "enrollment": "open",
        },
    )
    assert response.status_code == 302
    from plaza.events.models import Event

    event = Event.objects.get(title="Tasting")
    assert event.registration_deadline == datetime(2026, 12, 18, 12, 0, tzinfo=ZoneInfo("UTC"))
    page = client.get(response["Location"]).content.decode()
    assert "Fri 18 Dec 2026, 20:00" in page and "Mon 21 Dec 2026, 19:00" in page


def test_digest_is_written_in_the_recipients_zone_and_language(world):
    from plaza.notifications import tasks
    from plaza.notifications.actions import notify
    from plaza.notifications.models import Notification

    bob = world.bob.user
    bob.timezone, bob.language = "Asia/Shanghai", "zh-hans"
    bob.save()
    notify(
        recipients=[bob],
        kind="role_changed",
        actor=world.alice.user,
        space=world.acme,
        target_type="space",
        target_id=world.acme.pk,
        data={"role": "admin"},
    )
    Notification.objects.update(created=datetime(2026, 12, 14, 12, 0, tzinfo=ZoneInfo("UTC")))
    assert tasks.send_digests.call(datetime(2026, 12, 15, 8, 5, tzinfo=SHANGHAI).isoformat()) == 1
    [message] = mail.outbox
    assert "2026年12月14日 星期一 20:00" in message.body
    assert re.search(r"http://\S+/notifications/\d+/open/", message.body)


def test_sign_in_message_is_in_the_profiles_language_whatever_the_browser(world):
    world.bob.user.language = "zh-hans"
    world.bob.user.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"login": world.bob.user.email, "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "Successfully signed in" not in page
    assert "登录" in page or "成功" in page


def test_excerpts_are_plain_text_without_markdown():
    assert plain_text("**看**颜色，*闻*香气 [链接](https://example.com)") == "看颜色，闻香气 链接"
    assert plain_text("a " * 200, 20).endswith("…")


def test_blog_list_shows_plain_text_excerpts(world):
    from plaza.blogs.actions import do_create_blog

    do_create_blog(access_space(world.alice.user, "acme"), title="Wine", body="**看**颜色 and *smell*", status="published")
    page = signed_in(world.bob).get("/s/acme/blogs/").content.decode()
    assert "看颜色 and smell" in page and "**看**" not in page


def test_top_bar_icons_are_svg_with_labels_not_emoji(world):
    page = signed_in(world.bob).get("/s/acme/").content.decode()
    bar = page[page.index('class="topbar"') : page.index("</header>")]
    assert "🔔" not in bar and "✉️" not in bar
    assert re.search(r'<svg[^>]*aria-hidden="true"[^>]*>.*?</svg><span class="visually-hidden">Notifications</span>', bar, re.S)


def test_plaza_help_lists_plazas_own_commands():
    out = subprocess.run([sys.executable, "-m", "plaza.cli", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("serve", "demo", "worker", "createadmin", "bench"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command


def test_serve_sets_the_base_url_of_links_from_its_address(monkeypatch):
    from plaza.cli import default_base_url

    monkeypatch.delenv("PLAZA_BASE_URL", raising=False)
    default_base_url("10.1.2.3", 9000)
    import os

    assert os.environ["PLAZA_BASE_URL"] == "http://10.1.2.3:9000"
    monkeypatch.setenv("PLAZA_BASE_URL", "https://plaza.example.com")
    default_base_url("10.1.2.3", 9000)
    assert os.environ["PLAZA_BASE_URL"] == "https://plaza.example.com"


def test_date_time_inputs_say_which_zone_they_are_read_in(world):
    page = signed_in(world.bob, zone="Asia/Shanghai").get("/s/acme/polls/").content.decode()
    assert 'type="datetime-local"' in page and "Times are in Asia/Shanghai." in page
