"""Real-browser tests: Playwright's sync API driving Debian's Chromium, as a pytest plugin.

Registered from the root ``conftest.py`` (``pytest_plugins``). It provides:

- ``browser``: one headless Chromium for the whole session, launched from
  ``/usr/bin/chromium`` (never ``playwright install``). Without it the browser tests are
  skipped with a loud reason and a warning in the summary, or fail when
  ``PLAZA_REQUIRE_BROWSER=1`` (CI sets it so a missing browser cannot pass silently).
- ``browser_session``: a factory of fresh browser contexts (one per person) on pytest-django's
  ``live_server``. It records Content-Security-Policy reports from the console and saves a
  screenshot of every open page into ``test-artifacts/`` when the test fails.
- ``asgi_url``: the whole ASGI application (pages and /ws/) served by uvicorn in a thread of
  the test process, on the same test database and in-memory channel layer; it points
  ``browser_session`` at itself. pytest-django's ``live_server`` speaks only HTTP.

Playwright's sync API keeps an asyncio loop "running" in the test thread for as long as it
lives. Django then refuses ORM calls from that thread and asgiref refuses ``async_to_sync``,
so the browser tests run last in the session (see ``pytest_collection_modifyitems``) and
``DJANGO_ALLOW_ASYNC_UNSAFE`` is set only while the browser is up.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

T = TypeVar("T")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_PREFIX = "BROWSER TESTS SKIPPED"
MISSING_REASON = f"{SKIP_PREFIX}: {CHROMIUM} not found; apt-get install -y chromium"
DEFAULT_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 375, "height": 800}


def browser_required() -> bool:
    return os.environ.get("PLAZA_REQUIRE_BROWSER") == "1"


def missing_browser_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return MISSING_REASON
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"{SKIP_PREFIX}: the playwright package is not installed; pip install -e '.[dev]'"
    return None


def launch_chromium(playwright: Any, *, headless: bool = True) -> Browser:
    """Launch Debian's Chromium with the flags that keep it quiet and offline."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=headless, args=CHROMIUM_ARGS)


def is_csp_report(text: str) -> bool:
    return "Content Security Policy" in text


@dataclass
class BrowserSession:
    """Fresh contexts on one browser for one test, and what their consoles reported."""

    browser: Browser
    base_url: str
    contexts: list[BrowserContext] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    # Requests the browser started and has not finished (pages' and service workers'):
    # written beside the screenshots when a test fails, to show what a page that never
    # loaded was waiting for.
    pending: dict[Any, str] = field(default_factory=dict)

    def new_context(
        self, *, locale: str = "en-US", viewport: dict[str, int] | None = None, service_workers: str = "block", **kwargs: Any
    ) -> BrowserContext:
        """A new person: own cookies, ``locale`` sets Accept-Language (zh-CN becomes zh-hans).

        Service workers are blocked unless a test asks for them (``service_workers="allow"``,
        as the offline-page test does): each new context registered and installed Plaza's
        worker, and once in about fifty browser tests a navigation through the worker while it
        was starting hung for good in Chromium (its fetch never reached the server; the
        requests it left unfinished are printed on failure)."""
        context = self.browser.new_context(
            base_url=self.base_url,
            locale=locale,
            viewport=viewport or DEFAULT_VIEWPORT,
            service_workers=service_workers,
            **kwargs,
        )
        context.set_default_timeout(10_000)
        context.on("page", self._watch)
        context.on("request", self._started)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)
        self.contexts.append(context)
        return context

    def new_page(self, **kwargs: Any) -> Page:
        """A page in a new context (a new person)."""
        return self.new_context(**kwargs).new_page()

    def sign_in(self, email: str, password: str | None = None, **kwargs: Any) -> Page:
        """A new person's page, signed in through the login form (``kwargs`` as for
        :meth:`new_context`), on the home page."""
        from playwright.sync_api import expect

        from plaza.core.testing import PASSWORD

        page = self.new_page(**kwargs)
        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(password or PASSWORD)
        page.locator("form").filter(has=page.locator("input[name=login]")).locator("button[type=submit]").click()
        expect(page).to_have_url(f"{self.base_url}/")
        return page

    def _watch(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if is_csp_report(message.text):
                self.csp_violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))

    def _started(self, request: Any) -> None:
        worker = ", from the service worker" if request.service_worker else ""
        self.pending[request] = f"{time.strftime('%H:%M:%S')} {request.method} {request.url} ({request.resource_type}{worker})"

    def _ended(self, request: Any) -> None:
        self.pending.pop(request, None)

    def unfinished(self) -> list[str]:
        """What the browser was still waiting for: unfinished requests and service workers."""
        lines = [f"unfinished request: {line}" for line in self.pending.values()]
        for context in self.contexts:
            try:
                lines += [f"service worker: {worker.url}" for worker in context.service_workers]
                lines += [f"page: {page.url}" for page in context.pages]
            except Exception:  # a closed context
                continue
        return lines

    def save_screenshots(self, directory: Path, name: str) -> list[Path]:
        """Save every open page as ``<name>-<context>-<page>.png``; never raises."""
        directory.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:150]
        saved = []
        for c, context in enumerate(self.contexts):
            for p, page in enumerate(context.pages):
                path = directory / f"{safe}-{c}-{p}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                except Exception:  # a page that crashed or closed must not hide the real failure
                    continue
                saved.append(path)
        return saved

    def close(self) -> None:
        for context in self.contexts:
            try:
                context.close()
            except Exception:
                pass
        self.contexts.clear()


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def closes_connections(fn: Callable[[], T]) -> Callable[[], T]:
    """``fn`` for a worker thread (Playwright's event loop runs in the test's own thread),
    closing the thread's database connections when it is done.

    Django's test client keeps a request's connection open after the response (so a test's
    transaction survives), and a pooled connection still held by a thread that ends is never
    returned: in the production profile every seeding thread of a browser test leaked one,
    until the test process's pool (20) ran dry near the end of the suite (PoolTimeout).
    """

    def run() -> T:
        try:
            return fn()
        finally:
            from django.db import connections

            connections.close_all()

    return run


# --- pytest plugin ------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Stable sort: browser tests last, everything else in its usual order (see the docstring).
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    # The browser_session fixture reads this at teardown to know whether to save screenshots.
    setattr(item, f"_plaza_report_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and SKIP_PREFIX in str(report.longrepr[2])
    ]
    if skipped:
        reason = str(skipped[0].longrepr[2]).removeprefix("Skipped: ")
        terminalreporter.write_sep("!", "WARNING", yellow=True, bold=True)
        terminalreporter.write_line(
            f"WARNING: {len(skipped)} browser test(s) were SKIPPED, not run. {reason}. "
            "Set PLAZA_REQUIRE_BROWSER=1 to make this an error.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    reason = missing_browser_reason()
    if reason:
        if browser_required():
            pytest.fail(
                f"PLAZA_REQUIRE_BROWSER=1 but the browser cannot run: {reason.removeprefix(SKIP_PREFIX + ': ')}", pytrace=False
            )
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to
    # run here (the fixtures and the test's own queries) without this.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def _dump_threads(folder: Path, nodeid: str) -> None:
    """Every thread's stack (the live server's request threads among them) into
    ``test-artifacts/``, and printed: where a page that never loaded was stuck."""
    import faulthandler

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid) + "-threads.txt")
    with target.open("w") as out:
        faulthandler.dump_traceback(file=out, all_threads=True)
    print(f"threads on failure: {target}\n{target.read_text()[-6000:]}")


@pytest.fixture
def browser_session(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[BrowserSession]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    session = BrowserSession(browser=browser, base_url=live_server.url)
    try:
        yield session
    finally:
        call = getattr(request.node, "_plaza_report_call", None)
        if call is not None and call.failed:
            _dump_threads(request.config.rootpath / "test-artifacts", request.node.nodeid)
            print("browser on failure:\n" + "\n".join(session.unfinished()))
            saved = session.save_screenshots(request.config.rootpath / "test-artifacts", request.node.nodeid)
            for path in saved:
                print(f"screenshot on failure: {path}")
        session.close()


@pytest.fixture
def asgi_url(browser_session: BrowserSession) -> Iterator[str]:
    import uvicorn

    from plaza.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=2
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    url = f"http://127.0.0.1:{port}"
    browser_session.base_url = url
    yield url
    server.should_exit = True
    thread.join(timeout=5)
    # The sockets' channels, groups and serving loop would outlive this server in the
    # process-wide in-memory layer, and later tests' requests would hand sends to a dead loop.
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if hasattr(layer, "reset"):
        layer.reset()
