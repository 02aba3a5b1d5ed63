"""Make docs/screenshot.png, the README's picture of Plaza, from the demo data.

    .venv/bin/python docs/make_screenshot.py

Seeds the demo (the wine association) into a fresh temporary data directory, serves it with
``plaza serve`` on a free port, signs in as the association's secretary-general through the
sign-in page and saves the space home at 1280x800. Drives Debian's /usr/bin/chromium through
Playwright (never ``playwright install``); Chinese text needs fonts-noto-cjk.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshot.png"
EMAIL = "wang@wine.example"
PAGE = "/s/wine-association/"
VIEWPORT = {"width": 1280, "height": 800}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(data_dir: Path) -> str:
    """Migrate and load the demo data in a child process; returns the demo password."""
    code = (
        "from plaza.cli import _setup; _setup()\n"
        "from django.core.management import call_command\n"
        "from plaza.spaces.demo import DEMO_PASSWORD, seed_demo\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "assert seed_demo(), 'the data directory was not empty'\n"
        "print(DEMO_PASSWORD)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env_for(data_dir), cwd=ROOT, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


def env_for(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL")}
    env.update(PLAZA_DATA_DIR=str(data_dir), PLAZA_RATE_LIMITS="off", LOG_LEVEL="WARNING")
    return env


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"plaza serve exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"plaza serve did not answer at {url} within {timeout:.0f} s")


def shoot(base_url: str, password: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from plaza.core.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=VIEWPORT, device_scale_factor=1)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill(EMAIL)
        page.locator("input[name=password]").fill(password)
        page.locator("form").filter(has=page.locator("input[name=login]")).locator("button[type=submit]").click()
        expect(page).to_have_url(base_url + "/")
        page.goto(PAGE)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Wine Association")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(OUTPUT))
        browser.close()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="plaza-screenshot-") as tmp:
        data_dir = Path(tmp)
        password = seed(data_dir)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "plaza.cli", "serve", "--port", str(port)],
            env=env_for(data_dir),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base_url + "/", server)
            shoot(base_url, password)
        finally:
            os.kill(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(server.pid, signal.SIGKILL)
                server.wait()
    print(f"Saved {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
