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
from plaza.spaces.models import Membership, Role, Space

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


def _statement(sql: str) -> str:
    """The text a query ran: on PostgreSQL the page is ``EXECUTE`` of a statement prepared
    on the connection (``fastsql.fetch_all_prepared``), whose text PostgreSQL keeps."""
    if not sql.startswith("EXECUTE "):
        return sql
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [sql.split()[1]])
        (text,) = cur.fetchone()
    return str(text)


def _page_statement(queries: list[dict[str, Any]]) -> tuple[str, str]:
    """(the query as sent, the text it ran) of the one query that reads likes."""
    like = connection.ops.quote_name(Like._meta.db_table)
    page = [(q["sql"], _statement(q["sql"])) for q in queries if not q["sql"].startswith("PREPARE ")]
    page = [(sent, text) for sent, text in page if like in text]
    assert len(page) == 1, "one query reads likes: the page query"
    return page[0]


def test_page_query_looks_up_likes_of_the_page_only(heavy: dict[str, Any]) -> None:
    """The page's rows are chosen by an inner query that reads no like; liked-by-me is
    computed outside it, over the chosen rows."""
    _response, queries = _page(heavy)
    like = connection.ops.quote_name(Like._meta.db_table)
    page = [_page_statement(queries)[1]]
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
@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
def test_postgresql_reads_at_most_a_page_of_likes(heavy: dict[str, Any], plan_mode: str) -> None:
    """What the database really did for the page: at most one like row per post of the page
    (the reader liked LIKES posts; a hashed subplan reads them all). The page is a prepared
    statement: PostgreSQL plans its first executions for their values (custom plans), then
    may keep one generic plan for any value; both must read only the page's likes."""
    _page(heavy)
    _response, queries = _page(heavy)
    sent, _text = _page_statement(queries)
    assert sent.startswith("EXECUTE "), "the default page is prepared on PostgreSQL"
    with connection.cursor() as cur:
        cur.execute(f"SET plan_cache_mode = {plan_mode}")
        try:
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sent)
            (plan,) = cur.fetchone()
        finally:
            cur.execute("RESET plan_cache_mode")
    plan = plan if isinstance(plan, list) else json.loads(plan)
    read = _like_rows_read(plan[0]["Plan"])
    assert read <= PAGE + 1, f"the page read {read} like rows for a page of {PAGE} ({LIKES} likes in all)"
    assert _index_scans(plan[0]["Plan"]), "the page walks the (space, created, id) index, not a sort of the space"


def _index_scans(plan: dict[str, Any]) -> bool:
    """Whether the plan picks the page from the feed index (newest first, stopping at the limit)."""
    if plan.get("Relation Name") == Post._meta.db_table and plan.get("Index Name") == "post_space_created":
        return True
    return any(_index_scans(child) for child in plan.get("Plans", []))


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PRODUCTION PROFILE ONLY: set DATABASE_URL=postgres://... to check prepared statements",
)
def test_postgresql_plans_the_default_page_once_per_connection(heavy: dict[str, Any]) -> None:
    """The default page is PREPAREd once on a connection and then only EXECUTEd (planning it
    was most of PostgreSQL's work for a page); a page of another size is planned each time,
    so no client can fill a connection with prepared statements."""
    _page(heavy)
    _response, queries = _page(heavy)
    assert not any(q["sql"].startswith("PREPARE") for q in queries), "prepared on the first page only"
    sent, text = _page_statement(queries)
    assert sent.startswith("EXECUTE ") and "LIMIT 21" in text
    # So is reaching the space (every request that names one: planning was ~0.3 ms).
    space = connection.ops.quote_name(Space._meta.db_table)
    reaching = [q["sql"] for q in queries if space in _statement(q["sql"]) and q["sql"] != sent]
    assert reaching and all(sql.startswith("EXECUTE ") for sql in reaching), reaching
    with CaptureQueriesContext(connection) as ctx:
        response = Api(heavy["reader"]).get(f"spaces/{heavy['space'].slug}/feed?limit=7")
    assert response.status_code == 200 and len(response.json_body["items"]) == 7
    sent, text = _page_statement(ctx.captured_queries)
    assert sent == text and "LIMIT 8" in text, "a page of another size is sent as it is, not prepared"
