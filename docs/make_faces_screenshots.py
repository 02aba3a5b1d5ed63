"""Screenshots of faces: the person page, the feed and a product page, at 375 and 1280 px,
in English and Chinese, into docs/screenshots/faces-<page>-<lang>-<width>.png.

    .venv/bin/python docs/make_faces_screenshots.py

Seeds the demo like docs/make_screenshot.py, then gives 王秘书长 a profile (title,
organisation, bio, contact details), one colleague a photo, and a product three photos and
its exhibitor a logo (generated pictures), so both kinds of face show.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_screenshot import ROOT, env_for, free_port, seed, wait_until_up  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
EMAIL = "wang@wine.example"

DRESS = r'''
from plaza.cli import _setup; _setup()
import io
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from plaza.accounts.actions import do_update_profile
from plaza.accounts.models import User
from plaza.showcase import actions
from plaza.showcase.models import Product
from plaza.spaces.access import space_access_for
from plaza.uploads.actions import do_upload_file

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
manager = product.exhibitor.managers.first() if hasattr(product.exhibitor, "managers") else None
owner = manager or wang
acc = space_access_for(owner, product.space)
ids = [do_upload_file(owner, picture(f"p{i}.png", c)).pk for i, c in enumerate(
    [("#fdf6ec", "#e7d8c0", "#6b1d2a"), ("#eef3f8", "#c9d6e2", "#2f4f2f"), ("#f6eef2", "#dcc3cf", "#4a1f3d")])]
actions.do_update_product(acc, product, image_ids=ids)
logo = do_upload_file(owner, picture("logo.png", ("#6b1d2a", "#6b1d2a", "#f5f0e6"), bottle=False, size=(300, 300))).pk
actions.do_update_exhibitor(acc, product.exhibitor, logo_id=logo)
print(product.pk)
'''


def shoot(base_url: str, password: str, product_id: int) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    from plaza.core.browser import launch_chromium

    made = []
    pages = {"person": "/u/王秘书长/", "feed": "/s/wine-association/feed/", "product": f"/products/{product_id}/"}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for lang, locale in (("en", "en-GB"), ("zh", "zh-CN")):
            for width in (375, 1280):
                context = browser.new_context(base_url=base_url, locale=locale, viewport={"width": width, "height": 900})
                page = context.new_page()
                page.goto("/accounts/login/")
                page.locator("input[name=login]").fill(EMAIL)
                page.locator("input[name=password]").fill(password)
                page.locator("form").filter(has=page.locator("input[name=login]")).locator("button[type=submit]").click()
                expect(page).to_have_url(base_url + "/")
                # The language follows the profile once signed in: set it for this run.
                page.goto("/profile/")
                want = "zh-hans" if lang == "zh" else "en"
                if page.locator("html").get_attribute("lang") != want:
                    with page.expect_navigation():
                        page.locator("#language-select").select_option(want)  # submits itself (data-autosubmit)
                expect(page.locator("html")).to_have_attribute("lang", want)
                for name, path in pages.items():
                    page.goto(path)
                    page.evaluate("document.fonts.ready")
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    target = OUT / f"faces-{name}-{lang}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(f"{target.name}: page width {wide}px")
                    made.append(target)
                context.close()
        browser.close()
    return made


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="plaza-faces-") as tmp:
        data_dir = Path(tmp)
        password = seed(data_dir)
        dressed = subprocess.run([sys.executable, "-c", DRESS], env=env_for(data_dir), cwd=ROOT, check=True,
                                 capture_output=True, text=True)
        product_id = int(dressed.stdout.strip().splitlines()[-1])
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "plaza.cli", "serve", "--port", str(port)], env=env_for(data_dir),
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(base_url + "/", server, timeout=300)  # a loaded machine starts slowly
            shoot(base_url, password, product_id)
        finally:
            os.kill(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(server.pid, signal.SIGKILL)
                server.wait()


if __name__ == "__main__":
    main()
