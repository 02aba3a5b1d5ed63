"""Moderation through its public interfaces: reporting each kind of thing, the queue, and
what hiding, deleting and banning do to feeds, pages, search, notifications and shares."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from plaza.core.audit import AuditEntry
from plaza.core.testing import Api, World, login, make_persona
from plaza.spaces.models import Membership, Role


@pytest.fixture
def carol(world: World) -> Any:
    """One more full member of acme (bob writes, carol reports and reads)."""
    persona = make_persona("carol")
    Membership.objects.create(space=world.acme, user=persona.user, role=Role.MEMBER)
    return persona


def made(response: Any) -> int:
    assert response.status_code == 201, response.content
    return int(response.json_body["id"])


def make_things(world: World, author: str = "alice") -> dict[str, int]:
    """One thing of each reportable kind in acme, written by ``author`` (its admin by default)."""
    who = Api(getattr(world, author))
    alice = Api(world.alice)
    start = timezone.now() + timedelta(days=3)
    post = made(who.post("spaces/acme/posts", {"body": "A post to report"}))
    group = made(alice.post("spaces/acme/groups", {"name": "Chat", "member_ids": [world.bob.user.pk, world.gina.user.pk]}))
    exhibitor = made(alice.post("spaces/acme/exhibitors", {"name": "Winery", "manager_ids": [world.alice.user.pk]}))
    return {
        "post": post,
        "comment": made(who.post(f"posts/{post}/comments", {"body": "A comment to report"})),
        "blog": made(who.post("spaces/acme/blogs", {"title": "A blog", "body": "Text", "status": "published"})),
        "message": made(who.post(f"groups/{group}/messages", {"body": "A message to report"})),
        "product": made(
            alice.post(f"exhibitors/{exhibitor}/products", {"name": "Red", "category": "Wine", "status": "published"})
        ),
        "event": made(
            who.post(
                "spaces/acme/events",
                {"title": "Tasting", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()},
            )
        ),
        "poll": made(
            who.post("spaces/acme/polls", {"question": "Red or white?", "options": [{"text": "Red"}, {"text": "White"}]})
        ),
    }


def report(persona: Any, kind: str, pk: int, reason: str = "spam", **extra: Any) -> Any:
    return Api(persona).post("reports", {"type": kind, "id": pk, "reason": reason, **extra})


def resolve(persona: Any, report_id: int, action: str, **extra: Any) -> Any:
    return Api(persona).post(f"reports/{report_id}/resolve", {"action": action, **extra})


# --- reporting ---------------------------------------------------------------------------


def test_every_kind_is_reported_by_who_sees_it_and_is_404_to_others(world):
    things = make_things(world)
    for kind, pk in things.items():
        response = report(world.bob, kind, pk, details="looks like spam")
        assert response.status_code == 201, (kind, response.content)
        assert report(world.mallory, kind, pk).status_code == 404, kind  # another space
        assert report(world.alice, kind, pk).status_code == 403, kind  # her own
        again = report(world.bob, kind, pk, reason="other")
        assert again.status_code == 409 and again.json_body["code"] == "conflict", kind  # one open report each
    assert Api().post("reports", {"type": "post", "id": things["post"], "reason": "spam"}).status_code == 401
    listed = Api(world.alice).get("spaces/acme/reports").json_body["items"]
    assert {(i["type"], i["target_id"]) for i in listed} == set(things.items())
    assert all(i["reporter"]["handle"] == "bob" and i["status"] == "open" and i["reason"] == "spam" for i in listed)


def test_bad_reports_name_the_field(world):
    post = made(Api(world.alice).post("spaces/acme/posts", {"body": "hello"}))
    bad_type = report(world.bob, "tweet", post)
    assert bad_type.status_code == 422 and "type" in str(bad_type.json_body["detail"])
    bad_reason = report(world.bob, "post", post, reason="boring")
    assert bad_reason.status_code == 422 and "reason" in str(bad_reason.json_body["detail"])
    assert report(world.bob, "post", 10**9).status_code == 404
    from plaza.moderation.models import Report

    assert not Report.objects.exists()  # nothing half-written


def test_a_thing_in_a_private_team_is_404_to_members_outside_it(world, carol):
    from plaza.spaces.access import space_access_for
    from plaza.spaces.actions import do_add_team_member, do_create_team

    team = do_create_team(space_access_for(world.alice.user, world.acme), name="Board", visibility="private")
    do_add_team_member(space_access_for(world.alice.user, world.acme), team, world.bob.user.pk)
    post = made(Api(world.bob).post("spaces/acme/posts", {"body": "board only", "team_id": team.pk}))
    assert report(carol, "post", post).status_code == 404
    assert report(world.alice, "post", post).status_code == 201  # admins see every team


def test_reports_are_rate_limited(world, settings):
    from plaza.moderation import actions

    posts = [made(Api(world.alice).post("spaces/acme/posts", {"body": f"post {i}"})) for i in range(3)]
    original = actions.REPORTS_PER_HOUR
    actions.REPORTS_PER_HOUR = 2
    try:
        assert report(world.bob, "post", posts[0]).status_code == 201
        assert report(world.bob, "post", posts[1]).status_code == 201
        limited = report(world.bob, "post", posts[2])
        assert limited.status_code == 429 and limited.has_header("Retry-After")
    finally:
        actions.REPORTS_PER_HOUR = original


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_groups_reports_of_one_thing_and_resolving_one_resolves_all(world, carol):
    post = made(Api(world.bob).post("spaces/acme/posts", {"body": "Buy watches"}))
    first = made(report(carol, "post", post, reason="spam"))
    made(report(world.alice, "post", post, reason="misinformation", details="not true"))
    page = login(world.alice).get("/s/acme/moderation/").content.decode()
    assert page.count('class="moderation-entry"') == 1
    assert "Buy watches" in page and "carol" in page.lower() and "not true" in page
    assert "Spam or advertising × 1" in page and "False or misleading information × 1" in page
    assert "Member since" in page  # the author's history
    done = resolve(world.alice, first, "dismiss", note="fine")
    assert done.status_code == 200 and len(done.json_body["resolved"]) == 2
    assert Api(world.alice).get("spaces/acme/reports").json_body["items"] == []
    resolved = Api(world.alice).get("spaces/acme/reports?status=resolved").json_body["items"]
    assert {i["outcome"] for i in resolved} == {"dismiss"}
    assert resolve(world.alice, first, "hide").status_code == 409  # already decided
    assert Api(world.alice).get("spaces/acme/reports?status=closed").status_code == 422
    assert resolve(world.alice, first, "explode").status_code in (409, 422)


def test_only_admins_see_the_queue(world, carol):
    post = made(Api(world.bob).post("spaces/acme/posts", {"body": "x"}))
    rid = made(report(carol, "post", post))
    for persona, status in (("bob", 403), ("gina", 403), ("mallory", 404)):
        client = login(getattr(world, persona))
        assert client.get("/s/acme/moderation/").status_code == status
        assert client.get("/s/acme/moderation/banned/").status_code == status
        assert client.post("/s/acme/moderation/", {"report_id": rid, "action": "hide"}).status_code == status
        assert Api(getattr(world, persona)).get("spaces/acme/reports").status_code == status
    assert resolve(carol, rid, "hide").status_code == 403  # the reporter does not decide
    assert Client().get("/s/acme/moderation/").status_code == 404  # a private space is unknown to visitors
    assert Api().get("spaces/acme/reports").status_code == 401


def test_the_reports_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(12):
        post = made(Api(world.alice).post("spaces/acme/posts", {"body": f"post {i}"}))
        made(report(world.bob, "post", post))
    client = Api(world.alice)
    with django_assert_max_num_queries(8):
        response = client.get("spaces/acme/reports?limit=50")
    assert len(response.json_body["items"]) == 12


def test_an_admin_of_the_parent_space_moderates_a_sub_space(world, carol):
    from plaza.spaces.access import space_access_for
    from plaza.spaces.actions import do_create_space

    do_create_space(
        world.alice.user,
        name="Acme Lab",
        slug="lab",
        visibility="private",
        join_policy="invite",
        parent=space_access_for(world.alice.user, world.acme),
    )
    lab = world.acme.__class__.objects.get(slug="lab")
    Membership.objects.filter(space=lab, user=world.alice.user).delete()  # admin only from above
    Membership.objects.create(space=lab, user=world.bob.user, role=Role.MEMBER)
    Membership.objects.create(space=lab, user=carol.user, role=Role.MEMBER)
    post = made(Api(world.bob).post("spaces/lab/posts", {"body": "lab post"}))
    rid = made(report(carol, "post", post))
    assert Api(world.alice).get("spaces/lab/reports").json_body["items"][0]["id"] == rid
    assert resolve(world.alice, rid, "hide").status_code == 200


# --- hiding ------------------------------------------------------------------------------


def search(persona: Any, q: str) -> list[dict]:
    response = Api(persona).get(f"search?q={q}")
    assert response.status_code == 200, response.content
    return response.json_body["items"]


def test_a_hidden_post_is_gone_for_others_and_marked_for_its_author_and_admins(world, carol):
    bob = Api(world.bob)
    post = made(bob.post("spaces/acme/posts", {"body": "zebracorn offers #deals"}))
    made(bob.post(f"posts/{post}/comments", {"body": "zebracorn comment"}))
    share = made(Api(carol).post(f"posts/{post}/shares", {"space": "acme", "body": "look at this"}))
    Api(carol).post(f"users/{world.bob.user.pk}/follow")
    assert any(i["id"] == post for i in Api(carol).get("spaces/acme/feed").json_body["items"])
    assert {i["type"] for i in search(carol, "zebracorn")} >= {"post", "comment"}

    rid = made(report(carol, "post", post, reason="spam"))
    assert resolve(world.alice, rid, "hide").status_code == 200

    # carol (another member): not in the API feed, following feed, person page, the post's
    # page, its comments, the topic, search, or the share of it.
    feed = Api(carol).get("spaces/acme/feed").json_body["items"]
    assert post not in [i["id"] for i in feed]
    shared = next(i for i in feed if i["id"] == share)
    assert shared["shared_post"] is None
    assert post not in [i["id"] for i in Api(carol).get("feed/following").json_body["items"]]
    assert Api(carol).get(f"posts/{post}").status_code == 404
    assert Api(carol).get(f"posts/{post}/comments").status_code == 404
    assert search(carol, "zebracorn") == []
    assert search(carol, "deals") == [] or all(i["type"] != "post" for i in search(carol, "deals"))
    page = login(carol).get("/s/acme/feed/").content.decode()
    assert "zebracorn offers" not in page and "The original post is not available." in page
    assert "zebracorn" not in login(carol).get(f"/u/{world.bob.user.handle}/").content.decode()
    assert login(carol).get(f"/p/{post}/").status_code == 404
    assert "zebracorn" not in login(carol).get("/s/acme/topics/deals/").content.decode()
    # Signed-in guests and outsiders see nothing either (they never did); the reporter too.
    assert search(world.mallory, "zebracorn") == []

    # bob (its author) and alice (admin): still there, marked.
    for persona in (world.bob, world.alice):
        items = Api(persona).get("spaces/acme/feed").json_body["items"]
        mine = next(i for i in items if i["id"] == post)
        assert mine["hidden"] is True
        assert Api(persona).get(f"posts/{post}").json_body["hidden"] is True
        assert [i["type"] for i in search(persona, "zebracorn") if i["type"] == "post"] == ["post"]
        page = login(persona).get("/s/acme/feed/").content.decode()
        assert "zebracorn offers" in page and "Hidden by moderators" in page
    assert "zebracorn offers" in login(world.alice).get(f"/u/{world.bob.user.handle}/").content.decode()

    # Unhidden from the queue: back for everyone.
    client = login(world.alice)
    assert client.post("/s/acme/moderation/", {"report_id": rid, "action": "unhide"}).status_code == 302
    assert any(i["id"] == post for i in Api(carol).get("spaces/acme/feed").json_body["items"])
    assert {i["type"] for i in search(carol, "zebracorn")} >= {"post", "comment"}
    actions = set(AuditEntry.objects.filter(space=world.acme).values_list("action", flat=True))
    assert {"report.create", "report.resolve", "moderation.hide", "moderation.unhide"} <= actions


def test_no_notification_about_a_hidden_post_reaches_others(world, carol):
    bob = Api(world.bob)
    post = made(bob.post("spaces/acme/posts", {"body": "first"}))
    rid = made(report(carol, "post", post))
    assert resolve(world.alice, rid, "hide").status_code == 200
    before = Api(carol).get("notifications").json_body["items"]
    made(bob.post(f"posts/{post}/comments", {"body": f"hey @{carol.user.handle} and @{world.alice.user.handle}"}))
    after = Api(carol).get("notifications").json_body["items"]
    assert [n for n in after if n["kind"] == "post_mention"] == [n for n in before if n["kind"] == "post_mention"]
    assert any(n["kind"] == "post_mention" for n in Api(world.alice).get("notifications").json_body["items"])


def test_a_hidden_comment_leaves_the_list_and_the_count_for_others(world, carol):
    post = made(Api(world.alice).post("spaces/acme/posts", {"body": "a post"}))
    comment = made(Api(world.bob).post(f"posts/{post}/comments", {"body": "rude words"}))
    made(Api(carol).post(f"posts/{post}/comments", {"body": "kind words"}))
    rid = made(report(carol, "comment", comment, reason="harassment"))
    assert resolve(world.alice, rid, "hide").status_code == 200
    carol_view = Api(carol).get(f"posts/{post}/comments").json_body["items"]
    assert [c["body"] for c in carol_view] == ["kind words"]
    assert Api(carol).get(f"posts/{post}").json_body["comment_count"] == 1
    bob_view = Api(world.bob).get(f"posts/{post}/comments").json_body["items"]
    assert {(c["body"], c["hidden"]) for c in bob_view} == {("rude words", True), ("kind words", False)}
    assert "rude words" not in login(carol).get(f"/p/{post}/").content.decode()
    assert "Hidden by moderators" in login(world.bob).get(f"/p/{post}/").content.decode()
    assert search(carol, "rude") == []


@pytest.mark.parametrize("kind", ["blog", "event", "poll", "product", "message"])
def test_hiding_other_kinds(world, kind):
    things = make_things(world)
    rid = made(report(world.bob, kind, things[kind]))
    assert resolve(world.alice, rid, "hide").status_code == 200
    reads = {
        "blog": f"blogs/{things['blog']}",
        "event": f"events/{things['event']}",
        "poll": f"polls/{things['poll']}",
        "product": f"products/{things['product']}",
    }
    if kind == "message":
        group = Api(world.alice).get("spaces/acme/groups").json_body["items"][0]["id"]
        bodies = [m["body"] for m in Api(world.bob).get(f"groups/{group}/messages").json_body["items"]]
        assert "A message to report" not in bodies
        mine = Api(world.alice).get(f"groups/{group}/messages").json_body["items"]
        assert [m["hidden"] for m in mine if m["body"] == "A message to report"] == [True]
    else:
        assert Api(world.bob).get(reads[kind]).status_code == 404
        assert Api(world.alice).get(reads[kind]).status_code == 200
        lists = {
            "blog": "spaces/acme/blogs",
            "event": "spaces/acme/events",
            "poll": "spaces/acme/polls",
            "product": "spaces/acme/products",
        }
        ids = [i["id"] for i in Api(world.bob).get(lists[kind]).json_body["items"]]
        assert things[kind] not in ids
    assert report(world.bob, kind, things[kind]).status_code == 404  # bob no longer sees it


# --- deleting, banning, telling the reporters -------------------------------------------


def test_delete_goes_through_the_owning_app_and_reporters_are_told(world, carol):
    post = made(Api(world.bob).post("spaces/acme/posts", {"body": "delete me"}))
    rid = made(report(carol, "post", post))
    assert resolve(world.alice, rid, "delete").status_code == 200
    assert Api(world.bob).get(f"posts/{post}").status_code == 404
    told = [n for n in Api(carol).get("notifications").json_body["items"] if n["kind"] == "report_outcome"]
    assert len(told) == 1 and "deleted the post you reported" in told[0]["text"]
    actions = set(AuditEntry.objects.filter(space=world.acme).values_list("action", flat=True))
    assert {"report.resolve", "moderation.delete", "post.delete"} <= actions
    page = login(world.alice).get("/s/acme/moderation/?status=resolved").content.decode()
    assert "delete me" in page and "Deleted" in page


@pytest.mark.parametrize("kind", ["comment", "blog", "message", "product", "event", "poll"])
def test_delete_of_each_kind(world, kind):
    things = make_things(world)
    rid = made(report(world.bob, kind, things[kind]))
    assert resolve(world.alice, rid, "delete").status_code == 200
    assert report(world.bob, kind, things[kind]).status_code == 404


def test_a_banned_author_cannot_come_back_until_unbanned(world, carol):
    post = made(Api(world.bob).post("spaces/acme/posts", {"body": "spam spam"}))
    rid = made(report(carol, "post", post))
    invitation = Api(world.alice).post("spaces/acme/invitations", {"role": "member"}).json_body
    client = login(world.alice)
    assert client.post("/s/acme/moderation/", {"report_id": rid, "action": "ban_author"}).status_code == 302
    assert not Membership.objects.filter(space=world.acme, user=world.bob.user).exists()
    assert Api(world.bob).get("spaces/acme/feed").status_code == 404
    accepted = Api(world.bob).post(f"invitations/{invitation['code']}/accept")
    assert accepted.status_code == 403
    page = client.get("/s/acme/moderation/banned/").content.decode()
    assert world.bob.user.name in page
    from plaza.spaces.models import SpaceBan

    ban = SpaceBan.objects.get(space=world.acme, user=world.bob.user)
    assert client.post("/s/acme/moderation/banned/", {"ban_id": ban.pk}).status_code == 302
    assert Api(world.bob).post(f"invitations/{invitation['code']}/accept").status_code == 200
    actions = set(AuditEntry.objects.filter(space=world.acme).values_list("action", flat=True))
    assert {"member.ban", "member.remove", "member.unban"} <= actions


def test_a_banned_person_cannot_join_an_open_space_or_ask_to_join(world):
    from plaza.spaces.access import space_access_for
    from plaza.spaces.actions import do_ban_member

    for policy in ("open", "request"):
        world.acme.visibility, world.acme.join_policy = "listed", policy
        world.acme.save(update_fields=["visibility", "join_policy"])
        do_ban_member(space_access_for(world.alice.user, world.acme), world.mallory.user.pk)
        assert Api(world.mallory).post("spaces/acme/join").status_code == 403
    assert not Membership.objects.filter(space=world.acme, user=world.mallory.user).exists()


def test_remove_the_author_from_the_queue(world, carol):
    post = made(Api(world.bob).post("spaces/acme/posts", {"body": "off topic"}))
    rid = made(report(carol, "post", post))
    assert login(world.alice).post("/s/acme/moderation/", {"report_id": rid, "action": "remove_author"}).status_code == 302
    assert not Membership.objects.filter(space=world.acme, user=world.bob.user).exists()


# --- pages in both languages -------------------------------------------------------------


def test_report_form_and_queue_pages_in_english_and_chinese(world, carol):
    post = made(Api(world.bob).post("spaces/acme/posts", {"body": "a post"}))
    page = login(carol).get(f"/report/post/{post}/")
    assert page.status_code == 200 and "Spam or advertising" in page.content.decode()
    sent = login(carol).post(f"/report/post/{post}/", {"reason": "spam", "details": "ads"})
    assert sent.status_code == 302
    assert login(world.mallory).get(f"/report/post/{post}/").status_code == 404
    assert login(carol).post(f"/report/post/{post}/", {"reason": "nonsense"}).status_code in (409, 422)
    assert "Report" in login(carol).get("/s/acme/feed/").content.decode()
    english = login(world.alice).get("/s/acme/moderation/").content.decode()
    assert "Moderation" in english and "Hide" in english and "Dismiss" in english
    world.alice.user.language = "zh-hans"
    world.alice.user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans")
    client.force_login(world.alice.user)
    chinese = client.get("/s/acme/moderation/").content.decode()
    assert "内容审核" in chinese and "隐藏" in chinese and "忽略" in chinese and "垃圾信息或广告 × 1" in chinese
    carol.user.language = "zh-hans"
    carol.user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-Hans")
    client.force_login(carol.user)
    other = made(Api(world.bob).post("spaces/acme/posts", {"body": "another"}))
    assert "举报" in client.get(f"/report/post/{other}/").content.decode()
