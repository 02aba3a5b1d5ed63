"""core.markdown: formatting, links, mentions, topics, and that nothing unsafe survives."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plaza.core.markdown import render, scan

DANGEROUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<iframe src=//evil>",
    "javascript:alert(1)",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>`",
    "```\n<script>alert(1)</script>\n```",
    "<div style=\"x\" onclick=\"y\">z</div>",
    "[a](<javascript:alert(1)>)",
    "<p onmouseover=alert(1)>hi</p>",
]

PIECES = st.sampled_from([
    "<", ">", "\"", "'", "=", "on", "onerror", "onclick", "script", "javascript:", "JaVaScRiPt:", "&#", "x", ";",
    "(", ")", "[", "]", "`", "*", "_", "#", "@", "bob", "话题", "\n", " ", "/", "http://", "https://", ":", "\t",
    "<a href=", "<img src=", "<svg", "![", "](", "data:", "vbscript:", "&", "%0a", "\\",
])
ALLOWED = {"p", "br", "strong", "em", "a", "code", "pre", "ul", "ol", "li", "blockquote"}
MIXED = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_safe(html: str) -> None:
    """Checks the elements a browser would build, not the escaped text around them."""
    assert "<script" not in html.lower(), html
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED, html
        for name, value in attrs:
            assert not name.lower().startswith("on"), html
            if name == "href":
                scheme = re.sub(r"[\x00-\x20]", "", value or "").lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:")), html


def test_known_attacks_are_neutralised():
    for text in DANGEROUS:
        assert_safe(render(text, mentions={"bob": "/u/bob/"}, topic_url=lambda n: f"/t/{n}/"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED)
def test_nothing_unsafe_survives_mixed_input(text):
    assert_safe(render(text, mentions={"bob": "/u/bob/"}, topic_url=lambda n: f"/t/{n}/"))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_nothing_unsafe_survives_any_text(text):
    assert_safe(render(text, mentions={"bob": "/u/bob/"}, topic_url=lambda n: f"/t/{n}/"))


def test_light_formatting_and_links():
    html = render("**bold** _em_ `code`\n\n> quote\n\n- a\n- b\n\nsee https://example.com/x.")
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html and "<code>code</code>" in html
    assert "<blockquote>" in html and "<ul>" in html
    assert '<a href="https://example.com/x" rel="nofollow noopener">https://example.com/x</a>.' in html


def test_headings_and_images_are_not_light_formatting():
    html = render("# Title\n\n![alt](https://example.com/a.png)")
    assert "<h1" not in html and "<img" not in html


def test_mentions_link_only_people_given():
    html = render("hi @bob and @carol, mail bob@example.com", mentions={"bob": "/u/bob/"})
    assert '<a href="/u/bob/" rel="nofollow noopener">@bob</a>' in html
    assert "@carol" in html and "/u/carol/" not in html
    assert "bob@example.com" in html and html.count("<a ") == 1


def test_mentions_are_case_insensitive_and_chinese():
    html = render("@Bob 你好 @王秘书长，早", mentions={"bob": "/u/bob/", "王秘书长": "/u/w/"})
    assert 'href="/u/bob/"' in html and 'href="/u/w/"' in html


def test_topics_hash_and_weibo_style():
    found = scan("Loving #Wine, and #葡萄酒文化# today; also #tasting\n`#notatopic` http://x.example/#frag")
    assert found.topics == ["Wine", "葡萄酒文化", "tasting"]
    html = render("#话题# and #wine!", topic_url=lambda n: f"/t/{n}/")
    assert '<a href="/t/话题/" rel="nofollow noopener">#话题#</a>' in html
    assert '<a href="/t/wine/" rel="nofollow noopener">#wine</a>!' in html


def test_scan_skips_code_and_deduplicates():
    found = scan("@bob @Bob `@alice` \n\n    @carol in code block\n\n#a #A")
    assert found.handles == ["bob"]
    assert found.topics == ["a"]


def test_weibo_topic_has_no_whitespace_inside():
    assert scan("#two words# here").topics == ["two"]
