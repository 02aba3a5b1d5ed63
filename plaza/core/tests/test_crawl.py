"""A crawler that walks the demo as three of its people would, on a desktop and a phone.

Signed in as a Chinese-speaking admin (李静), an English-speaking member-company
representative (Maria) and a consumer (刘洋), it follows every link a person can click
from the home page, breadth-first, at 1280 px and at 375 px, and fails on: an error status
behind a link, a page wider than the screen, raw Markdown in what is shown, an untranslated
state name on a Chinese page, a ``<time>`` not in the person's zone (the demo's people live
in Asia/Shanghai; their browsers claim New York, so the profile must win), and any browser
console error.
"""

from __future__ import annotations

import re
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urldefrag, urlsplit

import pytest

from plaza.core.browser import PHONE_VIEWPORT, BrowserSession, closes_connections

pytestmark = pytest.mark.browser

PEOPLE = [
    ("li@wine.example", "zh-CN"),  # 李静, admin of the association, reads Chinese
    ("maria@bordeaux-imports.example", "en-US"),  # member company representative, English
    ("liu@consumer.example", "zh-CN"),  # 刘洋, consumer in the public Wine Lovers space
]
MIN_PAGES = 60
MAX_PAGES = 64
ZONE_OFFSET = "+08:00"

# Links that leave the pages (downloads, feeds, the API, the admin) or end the session.
SKIP = re.compile(
    r"^/(static|media|files|api|admin)/|/logout/|\.ics$|/ics/|/feed\.ics|/cases/lookup/files/|/unsubscribe/"
    r"|/download/|/export"
)
MARKDOWN = [
    re.compile(r"\*\*[^*\s][^*\n]*\*\*"),
    re.compile(r"__[^_\s][^_\n]*__"),
    re.compile(r"\[[^\]\n]+\]\((?:https?://|/)[^)\s]*\)"),
    re.compile(r"(?m)^#{1,6} \S"),
    re.compile(r"```"),
]
STATES = (
    "submitted|accepted|in_review|need_info|concluded|closed|withdrawn|waitlist|going|maybe|declined|pending|"
    "invited|draft|published|owner|admin|member|guest|immediate|digest|new|replied|open"
)
STATE_ALONE = re.compile(rf"^(?:{STATES})(?:\s*[:：]\s*\d+)?$", re.I)
STATE_ANYWHERE = re.compile(r"\b(?:in_review|need_info)\b|(?:submitted|accepted): \d|Call ended|Successfully signed in")

VISIBLE_TEXT = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "TEXTAREA", "PRE", "CODE", "NOSCRIPT", "TEMPLATE", "OPTION", "SELECT"]);
  const nodes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode(n) {
    for (let e = n.parentElement; e; e = e.parentElement) {
      if (skip.has(e.tagName) || e.hidden) return NodeFilter.FILTER_REJECT;
    }
    return NodeFilter.FILTER_ACCEPT;
  }});
  while (walker.nextNode()) { const t = walker.currentNode.nodeValue.trim(); if (t) nodes.push(t); }
  return {
    nodes: nodes,
    lang: document.documentElement.lang,
    times: Array.from(document.querySelectorAll("time[datetime]")).map(t => t.getAttribute("datetime")),
    links: Array.from(document.querySelectorAll("a[href]")).filter(a => !a.hasAttribute("download")).map(a => a.href),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


def _path(url: str, origin: str) -> str | None:
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if SKIP.search(parts.path):
        return None
    return path


def _check(view: dict, *, chinese: bool, width: int) -> list[str]:
    problems = []
    if view["overflow"] > 1:
        problems.append(f"{view['overflow']} px wider than the {width} px screen")
    text = "\n".join(view["nodes"])
    for pattern in MARKDOWN:
        found = pattern.search(text)
        if found:
            problems.append(f"raw Markdown {found.group(0)!r}")
    if chinese:
        alone = [n for n in view["nodes"] if STATE_ALONE.match(n)]
        if alone:
            problems.append(f"untranslated states {alone[:5]}")
        found = STATE_ANYWHERE.search(text)
        if found:
            problems.append(f"untranslated {found.group(0)!r}")
    wrong = [t for t in view["times"] if "T" in t and not t.endswith(ZONE_OFFSET)]
    if wrong:
        problems.append(f"times not in the person's zone {wrong[:3]}")
    return problems


def crawl(browser_session: BrowserSession, email: str, locale: str) -> tuple[int, list[str]]:
    desk = browser_session.sign_in(email, "plaza-demo-2026", locale=locale, timezone_id="America/New_York")
    phone = browser_session.sign_in(
        email, "plaza-demo-2026", locale=locale, timezone_id="America/New_York", viewport=PHONE_VIEWPORT
    )
    origin = browser_session.base_url
    errors: list[str] = []
    console: list[str] = []
    for page in (desk, phone):
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console.append(str(e)))
    queue: deque[str] = deque(["/"])
    seen = {"/"}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        for page, width in ((desk, 1280), (phone, 375)):
            console.clear()
            response = page.goto(path, wait_until="domcontentloaded")
            if response is None or response.status >= 400:
                errors.append(f"{email} {width}px {path}: status {response.status if response else 'none'}")
                continue
            if "text/html" not in response.headers.get("content-type", ""):
                break
            view = page.evaluate(VISIBLE_TEXT)
            chinese = view["lang"].startswith("zh")
            errors += [f"{email} {width}px {path}: {p}" for p in _check(view, chinese=chinese, width=width)]
            if console:
                errors.append(f"{email} {width}px {path}: console {console[:3]}")
            if width == 1280:
                for link in view["links"]:
                    found = _path(link, origin)
                    if found and found not in seen:
                        seen.add(found)
                        queue.append(found)
        visited += 1
    return visited, errors


def test_three_demo_people_click_through_everything(browser_session: BrowserSession, asgi_url: str, transactional_db):
    from plaza.spaces.demo import seed_demo

    # Off this thread: Playwright's event loop runs here, and the actions publish after commit.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(closes_connections(seed_demo)).result()
    started = time.monotonic()
    problems: list[str] = []
    for email, locale in PEOPLE:
        visited, errors = crawl(browser_session, email, locale)
        assert visited >= MIN_PAGES, f"{email} reached only {visited} pages"
        problems += errors
    assert problems == [], "\n".join(problems[:60])
    assert time.monotonic() - started < 300
