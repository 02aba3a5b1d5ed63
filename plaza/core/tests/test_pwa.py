"""Installable Plaza (issue 14): the web app manifest, the service worker and the offline page."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from PIL import Image

from plaza.core.testing import login


def test_the_manifest_is_valid_json_with_what_installing_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Plaza" and manifest["short_name"] == "Plaza"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    icons = {(i["sizes"], i["purpose"]): i["src"] for i in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), src in icons.items():
        assert client.get(src).status_code == 200
        found = finders.find(src.removeprefix("/static/"))
        with Image.open(found) as image:
            assert f"{image.width}x{image.height}" == sizes and image.format == "PNG"
    chinese = json.loads(client.get("/manifest.webmanifest?lang=zh-hans").content)
    assert chinese["lang"] == "zh-hans" and chinese["description"] != manifest["description"]


def test_the_service_worker_is_javascript_for_the_whole_site(client):
    response = client.get("/sw.js?lang=zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert '"/offline/?lang=zh-hans"' in script
    assert '"/static/plaza.css"' in script and '"/static/plaza-live.js"' in script
    # It stores the shell and the offline page, never a page or an API answer.
    assert "/api/" not in script
    assert client.post("/sw.js").status_code == 405


def test_the_offline_page_speaks_both_languages_and_names_nobody(world):
    english = login(world.alice).get("/offline/?lang=en").content.decode()
    assert '<html lang="en">' in english and "You are offline" in english and "Try again" in english
    chinese = login(world.alice).get("/offline/?lang=zh-hans").content.decode()
    assert '<html lang="zh-hans">' in chinese and "你已离线" in chinese and "重试" in chinese
    assert "Alice" not in english and "alice" not in chinese  # kept in a cache: nobody's page


def test_every_page_links_the_manifest_and_registers_the_worker(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=' in html
    assert "/static/pwa.js" in html and '<meta name="theme-color"' in html
