"""Internal entry points the harness runs in child processes (each with its own settings).

python -m bench seed PRESET [--posts N]     migrate and seed the database of the environment
python -m bench queries                     the feed page's query count on the seeded data
python -m bench search                      G9's search page: its query count, hits and the index size
python -m bench fserver PORT                the F baseline WebSocket broadcast server
python -m bench fanout JSON                 one WebSocket fan-out measurement, prints JSON

Users run ``plaza bench`` (bench.harness.main).
"""

from __future__ import annotations

import json
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.settings")
    import django

    django.setup()


def main(argv: list[str]) -> None:
    cmd = argv[0]
    if cmd == "seed":
        _django()
        from django.core.management import call_command

        from bench.presets import get_preset
        from bench.seed import seed, seeded_with

        posts = int(argv[argv.index("--posts") + 1]) if "--posts" in argv else None
        preset = get_preset(argv[1], posts=posts)
        call_command("migrate", interactive=False, verbosity=0)
        if seeded_with(preset):
            print(json.dumps({"reused": True}))
            return
        timings = seed(preset, log=lambda s: print(s, file=sys.stderr, flush=True))
        print(json.dumps({"reused": False, **timings}))
    elif cmd == "queries":
        _django()
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from bench.seed import BIG_SPACE, token_for

        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token_for(2)}")
        client.get(f"/api/v1/spaces/{BIG_SPACE}/feed")  # warm caches (translations, urlconf)
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(f"/api/v1/spaces/{BIG_SPACE}/feed")
        items = len(resp.json().get("items", []))
        print(json.dumps({"status": resp.status_code, "items": items, "queries": len(ctx.captured_queries),
                          "sql": [q["sql"][:3000] for q in ctx.captured_queries]}))
    elif cmd == "search":
        _django()
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from bench.seed import SEARCH_PATH, token_for
        from plaza.search.queries import index_size

        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token_for(2)}")
        client.get(SEARCH_PATH)  # warm caches (translations, urlconf, jieba's dictionary)
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(SEARCH_PATH)
        items = len(resp.json().get("items", []))
        print(json.dumps({"status": resp.status_code, "items": items, "queries": len(ctx.captured_queries),
                          "index": index_size(), "sql": [q["sql"][:3000] for q in ctx.captured_queries]}))
    elif cmd == "fserver":
        from bench.ws import fserver

        fserver(int(argv[1]))
    elif cmd == "fanout":
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        from bench.ws import run_fanout

        print("BENCHJSON " + json.dumps(run_fanout(**json.loads(argv[1]))), flush=True)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
