"""Baseline views measured in the same run as Plaza's endpoints (mounted only when PLAZA_BENCH=1).

- B_json: a bare Django JSON view (no query, no auth).
- B_q: one indexed 20-row query on the same data (the big space's newest posts).
- B_w: one row inserted in its own transaction.

They pass through the same middleware stack and server as the API, so a ratio to them
measures what Plaza's own code adds.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bench.seed import WRITE_TABLE


@require_GET
def b_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "count": 0})


@require_GET
def b_q(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute(
            # The space by a scalar subquery, so the planner walks the (space, created, id) index;
            # joined by slug, PostgreSQL sorted the space's 12,300 posts (73 ms) for each call.
            "SELECT p.id, p.body, p.created FROM feed_post p "
            "WHERE p.space_id = (SELECT s.id FROM spaces_space s WHERE s.slug = %s) AND p.deleted = %s "
            "ORDER BY p.created DESC, p.id DESC LIMIT 20",
            [request.GET.get("space", "bench-1"), False],
        )
        rows = [{"id": r[0], "body": r[1], "created": str(r[2])} for r in cur.fetchall()]
    return JsonResponse({"items": rows})


@csrf_exempt
@require_POST
def b_w(request: HttpRequest) -> JsonResponse:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"INSERT INTO {WRITE_TABLE} (body, created) VALUES (%s, %s)", [request.body.decode()[:500], timezone.now()])
    return JsonResponse({"ok": True}, status=201)
