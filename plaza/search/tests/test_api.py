"""GET /api/v1/search: every kind, Chinese and English, access at query time, odd queries."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.utils import timezone

from plaza.announcements.actions import do_recall_announcement
from plaza.blogs.actions import do_create_blog
from plaza.core.testing import Api
from plaza.events.actions import do_create_event
from plaza.feed.actions import do_delete_post, do_edit_post, do_publish_post
from plaza.search.tests.content import EVERY_KIND, fill_space
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team, do_remove_member
from plaza.spaces.models import Membership


def get(client: Api, params: dict):
    return client.get("search?" + urlencode(params))


def found(client: Api, q: str, **params) -> list[dict]:
    response = get(client, {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()["items"]


def kinds(items: list[dict]) -> set[str]:
    return {i["type"] for i in items}


@pytest.fixture
def acme_content(world):
    return fill_space(world.alice.user, world.acme, "acmecanary")


def test_every_kind_is_found_by_who_may_open_it(world, api, acme_content):
    items = found(api("alice"), "acmecanary", limit=50)
    assert kinds(items) == EVERY_KIND
    post = next(i for i in items if i["type"] == "post" and i["id"] == acme_content["post"].pk)
    assert post["url"] == f"/p/{post['id']}/"
    assert post["space"] == "acme"
    assert post["author"]["handle"] == "alice"
    assert "<mark>acmecanary</mark>" in post["snippet"]
    # Every result's page opens for its searcher.
    client = api("alice").client
    client.force_login(world.alice.user)
    for item in items:
        assert client.get(item["url"].split("#")[0]).status_code == 200, item


def test_bob_finds_what_a_member_sees(world, api, acme_content):
    # Not the case (reviewers only), not the mail (not his) and not the group (not in it).
    assert kinds(found(api("bob"), "acmecanary", limit=50)) == EVERY_KIND - {"case", "mail", "message"}


def test_the_mail_recipient_finds_the_mail(world, acme_content):
    from plaza.accounts.actions import do_create_token
    from plaza.core.testing import Persona

    member = acme_content["member"]
    _t, key = do_create_token(member, name="t")
    items = found(Api(Persona(member, key)), "acmecanary mail")
    assert [i["type"] for i in items] == ["mail"]
    assert items[0]["space"] is None


CANARY_SEEKERS = ["alice", "bob", "gina", "mallory", "anonymous", "removed"]


@pytest.mark.parametrize("persona", CANARY_SEEKERS)
def test_canary_sweep_finds_no_other_spaces_content(world, api, persona):
    """Everyone searches for every other space's canaries and finds none."""
    fill_space(world.alice.user, world.acme, "acmecanary")
    fill_space(world.mallory.user, world.globex, "globexcanary")
    secret = do_create_space(world.mallory.user, name="Hidden", slug="hidden", visibility="listed")
    fill_space(world.mallory.user, secret, "hiddencanary")
    not_theirs = {
        "alice": ["globexcanary", "hiddencanary"],
        "bob": ["globexcanary", "hiddencanary"],
        "gina": ["globexcanary", "hiddencanary"],
        "mallory": ["acmecanary"],
        "anonymous": ["acmecanary", "globexcanary"],
        "removed": ["acmecanary"],
    }[persona]
    if persona == "removed":
        assert found(api("bob"), "acmecanary")  # bob sees acme's content...
        do_remove_member(
            space_access_for(world.alice.user, world.acme), Membership.objects.get(space=world.acme, user=world.bob.user)
        )
        client = api("bob")  # ...and nothing of it on the next search
    else:
        client = api(persona)
    for word in not_theirs:
        items = found(client, word, limit=100)
        # The listed space itself may be known (the directory shows it), nothing inside it.
        assert [i for i in items if not (i["type"] == "space" and i["space"] == "hidden")] == [], (persona, word, items)


def test_guest_finds_only_their_teams(world, api):
    acc = space_access_for(world.alice.user, world.acme)
    sales = do_create_team(acc, name="Sales", visibility="public")
    board = do_create_team(acc, name="Board", visibility="private")
    do_add_team_member(acc, sales, world.gina.user.pk)
    in_sales = do_publish_post(acc, body="teamword in sales", team_id=sales.pk)
    do_publish_post(acc, body="teamword space wide")
    do_publish_post(acc, body="teamword in board", team_id=board.pk)
    assert [i["id"] for i in found(api("gina"), "teamword")] == [in_sales.pk]
    assert len(found(api("bob"), "teamword")) == 2  # space-wide and the public team
    assert len(found(api("alice"), "teamword")) == 3


def test_signed_out_visitors_find_public_spaces_signed_out_content(world, api):
    lovers = do_create_space(world.alice.user, name="Wine Lovers", slug="lovers", visibility="public", join_policy="open")
    acc = space_access_for(world.alice.user, lovers)
    team = do_create_team(acc, name="Insiders", visibility="public")
    public_post = do_publish_post(acc, body="Open cellar day, everyone welcome")
    do_publish_post(acc, body="Open cellar day, insiders only", team_id=team.pk)
    do_publish_post(space_access_for(world.alice.user, world.acme), body="Open cellar day at acme")
    items = found(api("anonymous"), "cellar")
    assert [(i["type"], i["id"]) for i in items] == [("post", public_post.pk)]
    # Every kind a public space shows signed out, and only what opens signed out.
    fill_space(world.alice.user, lovers, "loverscanary")
    items = found(api("anonymous"), "loverscanary", limit=50)
    assert kinds(items) == {"post", "comment", "blog", "event", "poll", "product", "space", "topic"}
    client = Api().client
    for item in items:
        assert client.get(item["url"].split("#")[0]).status_code == 200, item


def test_public_spaces_events_are_found_as_the_event_pages_show_them(world, api):
    """A public space's space-wide events open to signed-out visitors and to people outside
    the space (events.access.can_see_event), so search finds them; its teams' events do not
    open for them, and neither do the events of a space that is only listed."""
    lovers = do_create_space(world.alice.user, name="Wine Lovers", slug="lovers", visibility="public", join_policy="open")
    acc = space_access_for(world.alice.user, lovers)
    team = do_create_team(acc, name="Insiders", visibility="public")
    starts = timezone.now() + timedelta(days=3)
    ends = starts + timedelta(hours=2)
    open_event = do_create_event(acc, title="Harvest fair", starts_at=starts, ends_at=ends)
    do_create_event(acc, title="Harvest fair for insiders", starts_at=starts, ends_at=ends, team_id=team.pk)
    listed = do_create_space(world.alice.user, name="Listed", slug="listed", visibility="listed")
    do_create_event(space_access_for(world.alice.user, listed), title="Harvest fair listed", starts_at=starts, ends_at=ends)
    do_create_event(space_access_for(world.alice.user, world.acme), title="Harvest fair at acme", starts_at=starts, ends_at=ends)
    for persona in ("anonymous", "mallory"):
        items = found(api(persona), "harvest", type="event")
        assert [(i["type"], i["id"]) for i in items] == [("event", open_event.pk)], persona
    client = Api().client
    assert client.get(items[0]["url"]).status_code == 200  # the page opens signed out too
    assert len(found(api("alice"), "harvest", type="event")) == 4


def test_chinese_words_inside_compounds_and_english_prefixes(world, api):
    acc = space_access_for(world.alice.user, world.acme)
    zh = do_publish_post(acc, body="周六的葡萄酒品鉴会在上海举行，欢迎参加法国红酒节")
    en = do_publish_post(acc, body="Wine TASTING notes for Saturday")
    mixed = do_publish_post(acc, body="Bordeaux 红酒 tasting 晚会")
    do_publish_post(acc, body="Task list: contrast the notes")  # "tas…", and "tast" inside a word only
    bob = api("bob")
    assert [i["id"] for i in found(bob, "品鉴会")] == [zh.pk]
    assert {i["id"] for i in found(bob, "红酒")} == {zh.pk, mixed.pk}  # inside 红酒节 too
    assert [i["id"] for i in found(bob, "上海")] == [zh.pk]
    assert {i["id"] for i in found(bob, "tasting")} == {en.pk, mixed.pk}
    assert {i["id"] for i in found(bob, "tast")} == {en.pk, mixed.pk}  # the last word is a prefix
    assert found(bob, "tast ") == []  # ...until a space ends it
    assert {i["id"] for i in found(bob, "Wine")} == {en.pk}
    assert [i["id"] for i in found(bob, "红酒 tasting")] == [mixed.pk]
    assert [i["id"] for i in found(bob, "bordeaux 晚会")] == [mixed.pk]
    snippet = found(bob, "品鉴会")[0]["snippet"]
    assert "<mark>品鉴会</mark>" in snippet


def test_edits_reindex_and_deletes_remove(world, api):
    acc = space_access_for(world.alice.user, world.acme)
    post = do_publish_post(acc, body="first version with oldword")
    assert found(api("bob"), "oldword")
    do_edit_post(acc, post, body="second version with newword")
    assert found(api("bob"), "oldword") == []
    assert [i["id"] for i in found(api("bob"), "newword")] == [post.pk]
    do_delete_post(acc, post)
    assert found(api("bob"), "newword") == []
    assert found(api("alice"), "newword") == []


def test_recalled_announcements_and_drafts(world, api, acme_content):
    acc = space_access_for(world.alice.user, world.acme)
    do_recall_announcement(acc, acme_content["announcement"])
    assert "announcement" not in kinds(found(api("alice"), "acmecanary", limit=50))
    do_create_blog(space_access_for(world.bob.user, world.acme), title="Draft about draftword", body="x")
    assert [i["type"] for i in found(api("bob"), "draftword")] == ["blog"]
    assert found(api("alice"), "draftword") == []  # a draft is its author's


def test_filters_by_type_space_and_date(world, api, acme_content):
    alice = api("alice")
    assert kinds(found(alice, "acmecanary", type="post")) == {"post"}
    assert kinds(found(alice, "acmecanary", type="post,blog")) == {"post", "blog"}
    assert "mail" not in kinds(found(alice, "acmecanary", space="acme", limit=50))
    assert found(alice, "acmecanary", space="globex") == []
    today = timezone.localdate()
    assert found(alice, "acmecanary", **{"from": str(today), "to": str(today)}, limit=50)
    assert found(alice, "acmecanary", **{"from": str(today + timedelta(days=1))}) == []
    assert found(alice, "acmecanary", **{"to": str(today - timedelta(days=1))}) == []
    response = get(alice, {"q": "x", "type": "nonsense"})
    assert response.status_code == 422
    assert "type" in response.content.decode()


def test_pagination_has_no_duplicates(world, api):
    acc = space_access_for(world.alice.user, world.acme)
    ids = {do_publish_post(acc, body=f"pageword number {i}").pk for i in range(25)}
    seen: list[int] = []
    cursor = None
    for _page in range(5):
        params = {"q": "pageword", "limit": 10, **({"cursor": cursor} if cursor else {})}
        body = get(api("bob"), params).json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 25
    assert set(seen) == ids


ODD_QUERIES = [
    '"',
    '""',
    '"wine',
    "*",
    "wine*",
    "AND",
    "OR",
    "NOT",
    "wine AND",
    "OR wine",
    "NEAR(wine tasting)",
    "NEAR(",
    "wine NEAR/2 tasting",
    "title:wine",
    "-wine",
    "^wine",
    "(wine",
    "wine)",
    "a:*",
    "wine & tasting | !x",
    "'; DROP TABLE search_document; --",
    "1' OR '1'='1",
    "%",
    "_",
    "\\",
    "🍷🍷🍷",
    "🍷 wine",
    "\x00wine",
    "w" * 300,
    "红酒 " * 70,
    "<script>alert(1)</script>",
    "wine:*",
    "{wine}",
    "[wine]",
    "wine''",
    "$$",
    "\u200b",
    "ﾜｲﾝ",
]


@pytest.mark.parametrize("q", ODD_QUERIES, ids=[f"q{i}" for i in range(len(ODD_QUERIES))])
def test_odd_queries_are_answered_never_5xx(world, api, q):
    do_publish_post(space_access_for(world.alice.user, world.acme), body="wine tasting")
    response = get(api("bob"), {"q": q})
    assert response.status_code in (200, 422), (q, response.status_code, response.content[:300])
    if response.status_code == 422:
        assert response.json()["code"] == "invalid"
        assert "q" in response.content.decode()


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_query_is_422_naming_q(world, api, q):
    response = get(api("bob"), {"q": q})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "q" in response.content.decode()
    assert api("bob").get("search").status_code == 422


def test_snippets_are_safe_html(world, api):
    do_publish_post(
        space_access_for(world.alice.user, world.acme), body='<img src=x onerror=alert(1)> <script>x</script> markword & "more"'
    )
    snippet = found(api("bob"), "markword")[0]["snippet"]
    assert "<mark>markword</mark>" in snippet
    assert "<img" not in snippet and "<script" not in snippet
    assert "&lt;script&gt;" in snippet


def test_query_count_is_fixed(world, api, django_assert_num_queries):
    """The token, then the page: one query on SQLite; on PostgreSQL the matches, then the
    prepared access check of those (docs/search.md). It does not grow with the results."""
    from django.db import connection

    page = 1 if connection.vendor == "sqlite" else 2
    acc = space_access_for(world.alice.user, world.acme)
    do_publish_post(acc, body="countword once")
    client = api("bob")
    get(client, {"q": "countword"})  # warm: the token check (then cached: accounts.tokencache), jieba, the prepared statement
    with django_assert_num_queries(page):
        assert len(get(client, {"q": "countword"}).json()["items"]) == 1
    for i in range(20):
        do_publish_post(acc, body=f"countword {i}")
    with django_assert_num_queries(page):
        assert len(get(client, {"q": "countword"}).json()["items"]) == 20
    lovers = do_create_space(world.alice.user, name="Wine Lovers", slug="lovers", visibility="public", join_policy="open")
    do_publish_post(space_access_for(world.alice.user, lovers), body="countword in public")
    get(api("anonymous"), {"q": "countword"})  # warm the signed-out shape
    with django_assert_num_queries(page):  # signed out: no token
        assert len(get(api("anonymous"), {"q": "countword"}).json()["items"]) == 1


def test_rate_limited(world, api, monkeypatch):
    monkeypatch.setattr("plaza.search.api.SEARCH_LIMIT", 3)
    client = api("bob")
    for _ in range(3):
        assert get(client, {"q": "x"}).status_code == 200
    response = get(client, {"q": "x"})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_reindex_rebuilds_the_same_index(world, api, acme_content):
    def key(items: list[dict]) -> list[tuple]:
        return sorted((i["type"], i["id"], i["title"], i["snippet"], i["url"], i["space"]) for i in items)

    before = found(api("alice"), "acmecanary", limit=50)
    call_command("reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = found(api("alice"), "acmecanary", limit=50)
    assert key(after) == key(before)
    # Rebuilt in creation order: newest first still.
    assert [i["created_at"] for i in after] == sorted((i["created_at"] for i in after), reverse=True)


def test_a_syndicated_product_is_found_beyond_its_space(world, api):
    from plaza.showcase.actions import do_create_exhibitor, do_create_product, do_syndicate_product
    from plaza.spaces.models import Space

    acc = space_access_for(world.alice.user, world.acme)
    fans = do_create_space(
        world.alice.user, name="Acme Fans", slug="acme-fans", visibility="public", join_policy="open", parent=acc
    )
    exhibitor = do_create_exhibitor(acc, name="Cellar")
    product = do_create_product(acc, exhibitor, name="Syndicated riesling", category="Wine", status="published")
    assert found(api("mallory"), "riesling") == []
    do_syndicate_product(acc, product, Space.objects.get(pk=fans.pk))
    assert [(i["type"], i["id"]) for i in found(api("mallory"), "riesling")] == [("product", product.pk)]
    assert [(i["type"], i["id"]) for i in found(api("anonymous"), "riesling")] == [("product", product.pk)]
