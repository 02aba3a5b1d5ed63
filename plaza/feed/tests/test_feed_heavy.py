"""The feed page for a heavy reader: someone who liked many posts (issue 17, finding 1).

"Liked by me" must be looked up for the posts of the page only. With the ``EXISTS`` beside
the page's filters, PostgreSQL planned it for every row the scan might pass and read *all*
the reader's likes, in every space, into a hash on every page (3,001 rows, ~7 ms a page at 1M
posts). These tests pin the page's shape and, on PostgreSQL, what it reads.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.core.testing import Api, make_persona
from plaza.feed.models import Like, Post
from plaza.spaces.actions import do_create_space
from plaza.spaces.models import Membership, Role

PAGE = 20
LIKES = 400  # the reader's likes, in two spaces; the page holds PAGE posts


@pytest.fixture
def heavy(db: Any) -> dict[str, Any]:
    """Two spaces of 300 posts; the reader liked 400 of them (200 in each), the newest
    posts of the feed among them."""
    owner, reader = make_persona("owner"), make_persona("reader")
    spaces = [do_create_space(owner.user, name=f"Space {k}", slug=f"space-{k}") for k in (1, 2)]
    for space in spaces:
        Membership.objects.create(space=space, user=reader.user, role=Role.MEMBER)
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            space=space,
            author=owner.user,
            body=f"post {i}",
            html=f"<p>post {i}</p>",
            created=now - timedelta(minutes=i),
            like_count=1 if i % 3 != 1 else 0,
        )
        for space in spaces
        for i in range(300)
    )
    liked = [p for p in posts if int(p.body.split()[1]) % 3 != 1][:LIKES]
    Like.objects.bulk_create(Like(space_id=p.space_id, post=p, user=reader.user) for p in liked)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # the planner sees the reader's likes as they are
    return {"reader": reader, "space": spaces[0], "liked": {p.pk for p in liked}}


def _page(heavy: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
    with CaptureQueriesContext(connection) as ctx:
        response = Api(heavy["reader"]).get(f"spaces/{heavy['space'].slug}/feed?limit={PAGE}")
    assert response.status_code == 200, response.content
    return response, ctx.captured_queries


def test_liked_by_me_is_right_for_a_heavy_reader(heavy: dict[str, Any]) -> None:
    response, _queries = _page(heavy)
    items = response.json_body["items"]
    assert len(items) == PAGE
    assert [item["liked_by_me"] for item in items] == [item["id"] in heavy["liked"] for item in items]
    assert any(item["liked_by_me"] for item in items) and not all(item["liked_by_me"] for item in items)


def test_heavy_reader_page_is_three_queries(heavy: dict[str, Any]) -> None:
    """Token, space with membership, the page: as for anyone (G2), whatever the reader liked."""
    _page(heavy)  # warm the once-built SQL and the token check's cache
    _response, queries = _page(heavy)
    assert len(queries) <= 3, [q["sql"][:200] for q in queries]


def test_page_query_looks_up_likes_of_the_page_only(heavy: dict[str, Any]) -> None:
    """The page's rows are chosen by an inner query that reads no like; liked-by-me is
    computed outside it, over the chosen rows."""
    _response, queries = _page(heavy)
    like = connection.ops.quote_name(Like._meta.db_table)
    page = [q["sql"] for q in queries if like in q["sql"]]
    assert len(page) == 1, "one query reads likes: the page query"
    inner = page[0].split(") page ", 1)
    assert len(inner) == 2, "the page is picked by a subquery named page"
    assert like not in inner[0].split("FROM (", 1)[1], "the subquery picking the page must not read likes"


def _like_rows_read(plan: dict[str, Any]) -> int:
    """Rows the plan read from the like table (every node on it: actual rows × loops)."""
    total = 0
    if plan.get("Relation Name") == Like._meta.db_table:
        total += int(plan.get("Actual Rows", 0)) * int(plan.get("Actual Loops", 1))
    for child in plan.get("Plans", []):
        total += _like_rows_read(child)
    return total


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PRODUCTION PROFILE ONLY: set DATABASE_URL=postgres://... to check PostgreSQL's plan",
)
def test_postgresql_reads_at_most_a_page_of_likes(heavy: dict[str, Any]) -> None:
    """What the database really did for the page: at most one like row per post of the page
    (the reader liked LIKES posts; a hashed subplan reads them all)."""
    _page(heavy)
    _response, queries = _page(heavy)
    like = connection.ops.quote_name(Like._meta.db_table)
    (sql,) = [q["sql"] for q in queries if like in q["sql"]]
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (plan,) = cur.fetchone()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    read = _like_rows_read(plan[0]["Plan"])
    assert read <= PAGE + 1, f"the page read {read} like rows for a page of {PAGE} ({LIKES} likes in all)"
