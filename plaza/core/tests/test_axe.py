"""Accessibility: axe-core over every page three demo people reach from the home page.

The crawler of ``test_crawl.py`` signs in as 李静 (admin, Chinese), Maria (member company,
English) and 刘洋 (consumer, Chinese), follows every link from the home page breadth-first
and runs axe-core (the ``axe-playwright-python`` package, which ships axe's script) on each
page at 1280 px, then on the phone at 375 px. The test fails on any serious or critical
violation, with a report grouped by rule: what is wrong, how to fix it, and where.
"""

from __future__ import annotations

from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from plaza.core.browser import PHONE_VIEWPORT, BrowserSession, closes_connections
from plaza.core.tests.test_crawl import MAX_PAGES, PEOPLE, _path

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
LINKS = "() => Array.from(document.querySelectorAll('a[href]')).filter(a => !a.hasAttribute('download')).map(a => a.href)"


def audit(axe: Any, page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on the page as it is now."""
    results = axe.run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def crawl_with_axe(browser_session: BrowserSession, email: str, locale: str) -> tuple[int, dict[str, dict[str, Any]]]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    desk = browser_session.sign_in(email, "plaza-demo-2026", locale=locale, timezone_id="Asia/Shanghai")
    phone = browser_session.sign_in(email, "plaza-demo-2026", locale=locale, timezone_id="Asia/Shanghai", viewport=PHONE_VIEWPORT)
    for page in (desk, phone):
        # Hundreds of page views in a row: one slow page on a loaded machine must not end the audit.
        page.set_default_timeout(60_000)
    origin = browser_session.base_url
    found: dict[str, dict[str, Any]] = {}
    queue: deque[str] = deque(["/"])
    seen = {"/"}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        for page, width in ((desk, 1280), (phone, 375)):
            response = page.goto(path, wait_until="domcontentloaded")
            if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
                break
            for violation in audit(axe, page):
                entry = found.setdefault(
                    violation["id"],
                    {
                        "impact": violation["impact"],
                        "help": violation["help"],
                        "url": violation["helpUrl"],
                        "where": defaultdict(list),
                    },
                )
                targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
                entry["where"][f"{path} @{width}px"].extend(targets)
            if width == 1280:
                for link in page.evaluate(LINKS):
                    nxt = _path(link, origin)
                    if nxt and nxt not in seen:
                        seen.add(nxt)
                        queue.append(nxt)
        visited += 1
        here = {
            rule: targets for rule, e in found.items() for where, targets in e["where"].items() if where.startswith(f"{path} @")
        }
        print(f"axe: {email} {visited} {path} violations={here}", flush=True)
    return visited, found


def report(email: str, found: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    for rule, entry in sorted(found.items()):
        lines.append(f"{email}: [{entry['impact']}] {rule}: {entry['help']} ({entry['url']})")
        for where, targets in list(entry["where"].items())[:6]:
            lines.append(f"    {where}: {' | '.join(targets[:3])}")
        if len(entry["where"]) > 6:
            lines.append(f"    … and {len(entry['where']) - 6} more pages")
    return lines


@pytest.mark.timeout(2400)  # some 380 page views with axe each; a loaded 2-core machine is slow
def test_every_page_three_demo_people_reach_passes_axe(browser_session: BrowserSession, asgi_url: str, transactional_db) -> None:
    from plaza.spaces.demo import seed_demo

    with ThreadPoolExecutor(1) as pool:  # off this thread: Playwright's event loop runs here
        assert pool.submit(closes_connections(seed_demo)).result()
    # The first page of a fresh server and browser took over 10 s on a loaded machine.
    browser_session.new_page().goto("/accounts/login/", timeout=120_000)
    problems: list[str] = []
    for email, locale in PEOPLE:
        visited, found = crawl_with_axe(browser_session, email, locale)
        assert visited >= 30, f"{email} reached only {visited} pages"
        problems += report(email, found)
    assert problems == [], "serious or critical axe-core violations:\n" + "\n".join(problems)
