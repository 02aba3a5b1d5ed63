"""The foundation story in a real browser, in English and in Chinese.

Person A signs up, creates a space, makes an invite link and copies it; person B opens the
link, signs up from there, accepts and lands on the space; A creates a team and B sees it.
Labels are looked up in the translation catalogue at test time (``label``), so the Chinese
run follows ``plaza/locale/zh_Hans`` instead of hard-coding its strings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from plaza.core.browser import PHONE_VIEWPORT, BrowserSession
from plaza.core.testing import PASSWORD

pytestmark = pytest.mark.browser

# Browser locale (Accept-Language) -> the Django language it must select.
LOCALES = {"en-US": "en", "zh-CN": "zh-hans"}

# Labels a Chinese reader relies on in this story: each must be translated in the catalogue.
KEY_LABELS = [
    "Create a space",
    "Create the space",
    "Invitations",
    "Create the invitation",
    "Copy",
    "Create an account",
    "Accept the invitation",
    "Teams",
    "Create the team",
]

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"

PEOPLE = {
    "en": {"a": ("ada@example.com", "Ada Lovelace", "ada"), "b": ("bea@example.com", "Bea Wong", "bea")},
    "zh-hans": {"a": ("zhang@example.com", "张伟", "zhangwei"), "b": ("li@example.com", "李娜", "李娜")},
}
SPACES = {"en": ("Reading Club", "reading-club", "Book reviews"), "zh-hans": ("读书会", "reading-club", "书评组")}


def label(language: str, text: str) -> str:
    """``text`` as the server renders it in ``language``, read from the same catalogue."""
    with translation.override(language):
        return translation.gettext(text)


def expect_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)


def sign_up(page: Page, *, email: str, name: str, handle: str) -> None:
    """Fill allauth's sign-up form (email, name, handle, password) and submit it."""
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    form = page.locator("form").filter(has=page.locator("input[name=email]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=handle]").fill(handle)
    form.locator("input[name=password1]").fill(PASSWORD)
    if form.locator("input[name=password2]").count():
        form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()


def expect_flash(page: Page, text: str) -> None:
    expect(page.locator("#messages")).to_contain_text(text)


@pytest.mark.parametrize("locale", list(LOCALES))
def test_foundation_story(browser_session: BrowserSession, locale: str) -> None:
    lang = LOCALES[locale]
    if lang != "en":
        assert CATALOGUE.exists(), f"{CATALOGUE} is missing: compile the catalogue (plaza compilemessages)"
        untranslated = [text for text in KEY_LABELS if label(lang, text) == text]
        assert not untranslated, f"not translated in the {lang} catalogue: {untranslated}"
    t = lambda text: label(lang, text)  # noqa: E731
    base = browser_session.base_url
    a_email, a_name, a_handle = PEOPLE[lang]["a"]
    b_email, b_name, b_handle = PEOPLE[lang]["b"]
    space_name, slug, team_name = SPACES[lang]

    # A signs up and creates a space.
    a = browser_session.new_page(locale=locale, permissions=["clipboard-read", "clipboard-write"])
    a.goto("/accounts/signup/")
    expect_language(a, lang)
    sign_up(a, email=a_email, name=a_name, handle=a_handle)
    expect(a).to_have_url(f"{base}/")
    expect(a.locator(".account-menu summary .account-name")).to_have_text(a_name)

    a.goto("/new/")
    expect_language(a, lang)
    expect(a.get_by_role("heading", level=1)).to_have_text(t("Create a space"))
    a.locator("input[name=name]").fill(space_name)
    a.locator("input[name=slug]").fill(slug)
    a.get_by_role("button", name=t("Create the space")).click()
    expect(a).to_have_url(f"{base}/s/{slug}/")
    expect_flash(a, t("The space %(name)s is ready. Invite people to it.") % {"name": space_name})
    expect(a.get_by_role("heading", level=1)).to_have_text(space_name)

    # A makes an invite link on the invitations page and copies it.
    # Invitations sit in the space bar's Manage menu.
    space_bar = a.get_by_role("navigation", name=t("Space sections"))
    space_bar.locator(".manage-menu summary").click()
    space_bar.get_by_role("link", name=t("Invitations")).click()
    expect(a).to_have_url(f"{base}/s/{slug}/invitations/")
    a.get_by_role("button", name=t("Create the invitation")).click()
    expect(a).to_have_url(f"{base}/s/{slug}/invitations/")
    expect_flash(a, t("The invite link is ready: copy it from the list below."))
    link_field = a.get_by_role("textbox", name=t("Invitation link"))
    expect(link_field).to_have_count(1)
    link = link_field.input_value()
    assert re.fullmatch(rf"{re.escape(base)}/invitations/[\w-]+/", link), link
    # Found by what it copies, not by its name: the name changes to "Copied" once clicked.
    copy = a.locator(f"button[data-copy='#{link_field.get_attribute('id')}']")
    expect(copy).to_have_text(t("Copy"))
    copy.click()
    expect(copy).to_have_text(t("Copied"))
    assert a.evaluate("navigator.clipboard.readText()") == link

    # B opens the link, signs up from there, comes back to the invitation and accepts.
    b = browser_session.new_page(locale=locale)
    b.goto(link)
    expect_language(b, lang)
    expect(b.get_by_role("heading", level=1)).to_have_text(t("Join %(name)s") % {"name": space_name})
    b.get_by_role("button", name=t("Create an account")).click()  # a link styled and announced as a button
    sign_up(b, email=b_email, name=b_name, handle=b_handle)
    expect(b).to_have_url(link)
    b.get_by_role("button", name=t("Accept the invitation")).click()
    expect(b).to_have_url(f"{base}/s/{slug}/")
    expect_flash(b, t("Welcome to %(name)s.") % {"name": space_name})
    expect(b.get_by_role("heading", level=1)).to_have_text(space_name)
    expect_language(b, lang)

    # A creates a team; B sees it on the space's teams page.
    a.get_by_role("navigation", name=t("Space sections")).get_by_role("link", name=t("Teams")).click()
    expect(a).to_have_url(f"{base}/s/{slug}/teams/")
    a.locator("input[name=name]").fill(team_name)
    a.get_by_role("button", name=t("Create the team")).click()
    expect(a).to_have_url(re.compile(rf"/s/{slug}/teams/\d+/$"))
    expect_flash(a, t("The team %(name)s was created.") % {"name": team_name})

    b.get_by_role("navigation", name=t("Space sections")).get_by_role("link", name=t("Teams")).click()
    expect(b).to_have_url(f"{base}/s/{slug}/teams/")
    expect(b.get_by_role("heading", level=2, name=t("Teams"))).to_be_visible()
    expect(b.get_by_role("link", name=team_name)).to_be_visible()
    expect_language(b, lang)

    assert browser_session.csp_violations == []
    assert browser_session.page_errors == []


@pytest.mark.parametrize("locale", list(LOCALES))
def test_space_pages_fit_a_phone(browser_session: BrowserSession, world, locale: str) -> None:
    # The profile language wins over Accept-Language once signed in.
    world.alice.user.language = LOCALES[locale]
    world.alice.user.save(update_fields=["language"])
    page = browser_session.new_page(locale=locale, viewport=PHONE_VIEWPORT)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(world.alice.user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=login]")).locator("button[type=submit]").click()
    expect(page).to_have_url(f"{browser_session.base_url}/")

    for path in ("/s/acme/", "/s/acme/members/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text("Acme")
        expect_language(page, LOCALES[locale])
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_VIEWPORT["width"], f"{path} is {width}px wide at {PHONE_VIEWPORT['width']}px: it scrolls sideways"

    assert browser_session.csp_violations == []
    assert browser_session.page_errors == []
