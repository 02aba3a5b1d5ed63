"""The search page and the top bar's search box."""

from __future__ import annotations

from django.test import Client

from plaza.feed.actions import do_publish_post
from plaza.search.tests.content import fill_space
from plaza.spaces.access import space_access_for


def client_for(user=None, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def test_every_page_has_the_search_box(world):
    for client in (client_for(), client_for(world.bob.user)):
        html = client.get("/").content.decode()
        assert 'role="search"' in html and 'id="topbar-q"' in html and 'aria-keyshortcuts="/"' in html
        assert "search/search.js" in html


def test_results_are_highlighted_and_filtered(world):
    content = fill_space(world.alice.user, world.acme, "acmecanary")
    client = client_for(world.alice.user)
    html = client.get("/search/", {"q": "acmecanary"}).content.decode()
    assert "<mark>acmecanary</mark>" in html
    assert f'href="/p/{content["post"].pk}/"' in html
    only_polls = client.get("/search/", {"q": "acmecanary", "type": "poll"}).content.decode()
    assert f'href="/polls/{content["poll"].pk}/"' in only_polls
    assert f'href="/p/{content["post"].pk}/"' not in only_polls


def test_outsiders_find_nothing_on_the_page(world):
    fill_space(world.alice.user, world.acme, "acmecanary")
    for client in (client_for(), client_for(world.mallory.user)):
        html = client.get("/search/", {"q": "acmecanary"}).content.decode()
        assert "acmecanary</mark>" not in html
        assert "Nothing found" in html


def test_the_page_speaks_chinese(world):
    do_publish_post(space_access_for(world.alice.user, world.acme), body="周六的红酒品鉴会")
    world.bob.user.language = "zh-hans"
    world.bob.user.save(update_fields=["language"])
    client = client_for(world.bob.user, language="zh-hans")
    html = client.get("/search/", {"q": "品鉴会"}).content.decode()
    assert "<mark>品鉴会</mark>" in html
    assert "全部类型" in html  # "All types"
    empty = client.get("/search/", {"q": "没有这个词"}).content.decode()
    assert "没有找到" in empty


def test_bad_input_on_the_page_is_a_message_not_an_error(world):
    client = client_for(world.bob.user)
    assert client.get("/search/").status_code == 200
    response = client.get("/search/", {"q": "x" * 300})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert client.get("/search/", {"q": "wine", "from": "not-a-date"}).status_code == 200
    assert client.get("/search/", {"q": 'NEAR( "*'}).status_code == 200


def test_more_results_by_cursor_without_duplicates(world):
    acc = space_access_for(world.alice.user, world.acme)
    for i in range(25):
        do_publish_post(acc, body=f"pageword {i}")
    client = client_for(world.bob.user)
    first = client.get("/search/", {"q": "pageword"}).content.decode()
    assert first.count('class="search-hit"') == 20
    import re

    cursor = re.search(r"cursor=([^\"&]+)", first).group(1)
    more = client.get(f"/search/?q=pageword&cursor={cursor}", HTTP_HX_REQUEST="true").content.decode()
    assert more.count('class="search-hit"') == 5
    assert "<html" not in more
