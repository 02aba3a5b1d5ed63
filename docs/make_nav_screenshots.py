"""Screenshots of the navigation pages (issue 14) from the demo data, at 375 and 1280 px, in
English and Chinese: the home across spaces, a space home (as its owner and signed out on the
public space), the apps settings and a table page (the audit log).

    .venv/bin/python docs/make_nav_screenshots.py [output-dir]

Reuses docs/make_screenshot.py's seeding and serving. Saves PNGs to docs/screenshots/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))
sys.path.insert(0, str(ROOT))

from make_screenshot import env_for, free_port, seed, wait_until_up  # noqa: E402

EMAIL = "wang@wine.example"
PAGES = [
    ("home", "/", True),
    ("space-home", "/s/wine-association/", True),
    ("apps", "/s/wine-association/settings/apps/", True),
    ("audit-table", "/s/wine-association/audit/", True),
    ("public-space-signed-out", "/s/wine-lovers/", False),
]


def shoot(base_url: str, password: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from plaza.core.browser import launch_chromium

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for locale, lang in (("zh-CN", "zh"), ("en-US", "en")):
            for width in (375, 1280):
                for signed_in in (True, False):
                    context = browser.new_context(base_url=base_url, locale=locale, viewport={"width": width, "height": 800})
                    context.set_default_timeout(30_000)
                    page = context.new_page()
                    if signed_in:
                        page.goto("/accounts/login/")
                        page.locator("input[name=login]").fill(EMAIL)
                        page.locator("input[name=password]").fill(password)
                        page.locator("form").filter(has=page.locator("input[name=login]")).locator("button[type=submit]").click()
                        page.wait_for_url(base_url + "/")
                        # The profile's language wins over the browser's: switch it with the
                        # top bar's language form (hidden on a phone, still in the page).
                        code = "zh-hans" if lang == "zh" else "en"
                        with page.expect_navigation():
                            page.evaluate(
                                "code => { const s = document.querySelector('#language-select');"
                                " s.value = code; s.form.submit(); }", code,
                            )
                    for name, url, needs_sign_in in PAGES:
                        if needs_sign_in != signed_in:
                            continue
                        page.goto(url)
                        page.evaluate("document.fonts.ready")
                        page.screenshot(path=str(out / f"{name}-{width}-{lang}.png"), full_page=True)
                    context.close()
        browser.close()


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory(prefix="plaza-nav-shots-") as tmp:
        data_dir = Path(tmp)
        password = seed(data_dir)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "plaza.cli", "serve", "--port", str(port)],
            env=env_for(data_dir), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base_url + "/", server, timeout=180)
            shoot(base_url, password, out)
        finally:
            os.kill(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(server.pid, signal.SIGKILL)
                server.wait()
    print(f"Saved screenshots to {out}")


if __name__ == "__main__":
    main()
