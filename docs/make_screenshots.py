"""Screenshots of Plaza from the demo data, at 375 and 1280 px, in Chinese and English.

    .venv/bin/python docs/make_screenshots.py [output-dir [page-name ...]]

Seeds the demo (the wine association) into a fresh temporary data directory, gives it faces
(王秘书长 a profile, a colleague a photo, a product three photos and its exhibitor a logo, all
generated pictures), serves it with ``plaza serve`` on a free port, signs in as the
secretary-general through the sign-in page, sets the profile's language, and saves every page
of ``PAGES`` as ``<name>-<width>-<zh|en>.png`` (full page) in docs/screenshots/. The README
shows ``top-*``: the first screen of the home across spaces, desktop and phone, both languages.

Drives Debian's /usr/bin/chromium through Playwright (never ``playwright install``); Chinese
text needs fonts-noto-cjk, emoji fonts-noto-color-emoji. Each page's width is printed: on a
phone it must be 375.
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
EMAIL = "wang@wine.example"
# (file name, path, signed in?); "{product}" is the dressed product's id. Whole pages, but
# "top" pictures (the README's) are what the screen shows first.
PAGES = [
    ("top", "/", True),
    ("home", "/", True),
    ("space-home", "/s/wine-association/", True),
    ("feed", "/s/wine-association/feed/", True),
    ("person", "/u/王秘书长/", True),
    ("product", "/products/{product}/", True),
    ("inbox", "/inbox/", True),
    ("apps", "/s/wine-association/settings/apps/", True),
    ("event-new", "/s/wine-association/events/new/", True),
    ("audit-table", "/s/wine-association/audit/", True),
    ("public-space-signed-out", "/s/wine-lovers/", False),
]

SEED = r"""
from plaza.cli import _setup; _setup()
import io
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, ImageDraw
from plaza.accounts.actions import do_update_profile
from plaza.accounts.models import User
from plaza.showcase import actions
from plaza.showcase.models import Product
from plaza.spaces.access import space_access_for
from plaza.spaces.demo import DEMO_PASSWORD, seed_demo
from plaza.uploads.actions import do_upload_file

call_command("migrate", interactive=False, verbosity=0)
assert seed_demo(), "the data directory was not empty"

def picture(name, colours, bottle=True, size=(640, 480)):
    img = Image.new("RGB", size, colours[0])
    d = ImageDraw.Draw(img)
    w, h = size
    d.rectangle([0, h * 2 // 3, w, h], fill=colours[1])
    if bottle:
        d.rounded_rectangle([w // 2 - 45, h // 4, w // 2 + 45, h - 40], 30, fill=colours[2])
        d.rectangle([w // 2 - 14, h // 10, w // 2 + 14, h // 4 + 10], fill=colours[2])
        d.rectangle([w // 2 - 40, h // 2, w // 2 + 40, h // 2 + 70], fill="#f5f0e6")
    else:
        d.ellipse([w // 4, h // 6, 3 * w // 4, h // 6 + w // 2], fill=colours[2])
    out = io.BytesIO(); img.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")

wang = User.objects.get(email="wang@wine.example")
do_update_profile(wang, title="秘书长 Secretary-General", organization="葡萄酒协会 Wine Association",
                  bio="负责协会日常工作。Runs the association day to day; ask me about membership and events.",
                  phone="+86 10 8888 6666", location="北京 Beijing", email_visibility="shared", phone_visibility="shared")
li = User.objects.get(email="li@wine.example")
do_update_profile(li, avatar=picture("li.png", ("#f2d0a9", "#8c5a3c", "#3b2a20"), bottle=False, size=(400, 400)),
                  title="Membership officer", organization="Wine Association")
product = Product.objects.filter(status="published").order_by("pk").first()
owner = wang
acc = space_access_for(owner, product.space)
ids = [do_upload_file(owner, picture(f"p{i}.png", c)).pk for i, c in enumerate(
    [("#fdf6ec", "#e7d8c0", "#6b1d2a"), ("#eef3f8", "#c9d6e2", "#2f4f2f"), ("#f6eef2", "#dcc3cf", "#4a1f3d")])]
actions.do_update_product(acc, product, image_ids=ids)
logo = do_upload_file(owner, picture("logo.png", ("#6b1d2a", "#6b1d2a", "#f5f0e6"), bottle=False, size=(300, 300))).pk
actions.do_update_exhibitor(acc, product.exhibitor, logo_id=logo)
print(DEMO_PASSWORD, product.pk)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_for(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL")}
    env.update(PLAZA_DATA_DIR=str(data_dir), PLAZA_RATE_LIMITS="off", LOG_LEVEL="WARNING")
    return env


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 180) -> None:
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


def shoot(base_url: str, password: str, product_id: int, out: Path, only: set[str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    from plaza.core.browser import launch_chromium

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for lang, locale, code in (("zh", "zh-CN", "zh-hans"), ("en", "en-GB", "en")):
            for width in (375, 1280):
                for signed_in in (True, False):
                    context = browser.new_context(base_url=base_url, locale=locale,
                                                  viewport={"width": width, "height": 740 if width < 600 else 800})
                    context.set_default_timeout(30_000)
                    page = context.new_page()
                    if signed_in:
                        page.goto("/accounts/login/")
                        page.locator("input[name=login]").fill(EMAIL)
                        page.locator("input[name=password]").fill(password)
                        page.locator("form").filter(has=page.locator("input[name=login]")).locator(
                            "button[type=submit]").click()
                        expect(page).to_have_url(base_url + "/")
                        # The profile's language wins over the browser's: set it for this run with
                        # the top bar's language form (hidden on a phone, still in the page).
                        if page.locator("html").get_attribute("lang") != code:
                            with page.expect_navigation():
                                page.evaluate("code => { const s = document.querySelector('#language-select');"
                                              " s.value = code; s.form.submit(); }", code)
                        expect(page.locator("html")).to_have_attribute("lang", code)
                    for name, path, needs_sign_in in PAGES:
                        if needs_sign_in != signed_in or (only and name not in only):
                            continue
                        page.goto(path.format(product=product_id))
                        page.evaluate("document.fonts.ready")
                        wide = page.evaluate("document.documentElement.scrollWidth")
                        target = out / f"{name}-{width}-{lang}.png"
                        page.screenshot(path=str(target), full_page=name != "top")
                        print(f"{target.name}: page width {wide} px{'  <-- wider than the screen' if wide > width else ''}")
                    context.close()
        browser.close()


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    only = set(sys.argv[2:])  # page names of PAGES; every page when none
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="plaza-screenshots-") as tmp:
        data_dir = Path(tmp)
        seeded = subprocess.run([sys.executable, "-c", SEED], env=env_for(data_dir), cwd=ROOT, check=True,
                                capture_output=True, text=True)
        password, product_id = seeded.stdout.strip().splitlines()[-1].split()
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "plaza.cli", "serve", "--port", str(port)],
                                  env=env_for(data_dir), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(base_url + "/", server)
            shoot(base_url, password, int(product_id), out, only)
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
