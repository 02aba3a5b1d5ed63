"""Light Markdown for posts and comments: CommonMark, links, ``@mentions`` and ``#topics``.

Rendering is two steps, always together: markdown-it-py with raw HTML disabled, then nh3
(ammonia) with a short list of tags, so no script, event handler or ``javascript:`` link can
survive whatever the input. ``@handle`` becomes a link only when the caller says so (the
person may see the post); otherwise it stays plain text.

Mentions end at whitespace or punctuation, like Weibo nicknames; topics are ``#topic``
(ending at whitespace or punctuation) or Weibo-style ``#话题#`` (no whitespace inside).
Nothing inside code spans, code blocks or existing links is turned into a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "code", "pre", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

MAX_HANDLE = 30
MAX_TOPIC = 50
# What one text may mention and tag: each mention is a notification (and maybe an email),
# each topic rows to write (issue 18, item 7).
MAX_MENTIONS = 50
MAX_TOPICS = 30

# One pass over each run of text. Each alternative has its own look-behind so that e-mail
# addresses (bob@example.com), URL fragments and HTML entities are not taken for mentions
# or topics. ``\w`` is Unicode-aware: it covers Chinese characters, letters, digits and _.
_SPECIAL = re.compile(
    r"(?P<url>https?://[^\s<>\"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+)"
    rf"|(?<![\w@/.])@(?P<handle>\w{{1,{MAX_HANDLE}}})"
    rf"|(?<![\w&#/])#(?P<wtopic>[^\s#/]{{1,{MAX_TOPIC}}})#"
    rf"|(?<![\w&#/])#(?P<topic>\w{{1,{MAX_TOPIC}}})"
)
_URL_TRAILING = ".,;:!?)]}'\""


def topic_key(name: str) -> str:
    """How topics are compared: case-folded, surrounding whitespace dropped."""
    return name.strip().casefold()


@dataclass
class Found:
    """What a text mentions and tags, in order of first appearance (no duplicates)."""

    handles: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    _seen_handles: set[str] = field(default_factory=set, repr=False)
    _seen_topics: set[str] = field(default_factory=set, repr=False)

    def add_handle(self, handle: str) -> None:
        if handle.lower() not in self._seen_handles:
            self._seen_handles.add(handle.lower())
            self.handles.append(handle)

    def add_topic(self, name: str) -> None:
        if topic_key(name) not in self._seen_topics:
            self._seen_topics.add(topic_key(name))
            self.topics.append(name)

    def check(self, *, field: str = "body") -> Found:
        """422 on ``field`` past MAX_MENTIONS people or MAX_TOPICS topics."""
        from django.utils.translation import gettext as _

        from plaza.core.errors import Invalid

        if len(self.handles) > MAX_MENTIONS:
            raise Invalid(_("Mention at most %(n)d people at once.") % {"n": MAX_MENTIONS}, field=field)
        if len(self.topics) > MAX_TOPICS:
            raise Invalid(_("Tag at most %(n)d topics at once.") % {"n": MAX_TOPICS}, field=field)
        return self


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link(href: str, content: str) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrSet("href", href)
    return [opening, _text(content), Token("link_close", "a", -1)]


def _split(content: str, env: MutableMapping[str, Any]) -> list[Token] | None:
    """The tokens replacing one text token, or None when it has nothing special."""
    found: Found = env["found"]
    mention_url: Callable[[str], str | None] = env["mention_url"]
    topic_url: Callable[[str], str | None] = env["topic_url"]
    out: list[Token] = []
    pos = 0
    changed = False
    for match in _SPECIAL.finditer(content):
        start, end = match.span()
        piece: list[Token] | None = None
        if match.group("url"):
            url = match.group("url").rstrip(_URL_TRAILING)
            end = start + len(url)
            if len(url) > len("https://"):
                piece = _link(url, url)
        elif match.group("handle"):
            handle = match.group("handle")
            found.add_handle(handle)
            href = mention_url(handle)
            if href:
                piece = _link(href, match.group(0))
        else:
            name = match.group("wtopic") or match.group("topic")
            if name.strip(". "):  # "#..#" is no topic (and no path segment)
                found.add_topic(name.strip())
                href = topic_url(name.strip())
                if href:
                    piece = _link(href, match.group(0))
        if piece is None:
            continue
        if start > pos:
            out.append(_text(content[pos:start]))
        out.extend(piece)
        pos = end
        changed = True
    if not changed:
        return None
    if pos < len(content):
        out.append(_text(content[pos:]))
    return out


def _special_links(state: StateCore) -> None:
    """Core rule: turn URLs, mentions and topics in plain text into links."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            elif token.type == "text" and not in_link:
                replaced = _split(token.content, state.env)
                if replaced is not None:
                    children.extend(replaced)
                    continue
            children.append(token)
        block.children = children


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    # Images are not part of light formatting: attachments carry pictures.
    md.disable("image")
    md.core.ruler.push("plaza_special_links", _special_links)
    return md


_MD = _parser()


def _no_link(_name: str) -> str | None:
    return None


def scan(text: str) -> Found:
    """The handles mentioned and the topics tagged in ``text`` (outside code and links)."""
    env: dict[str, Any] = {"found": Found(), "mention_url": _no_link, "topic_url": _no_link}
    _MD.parse(text or "", env)
    found: Found = env["found"]
    return found


def sanitize(html: str) -> str:
    """Keep only the light-formatting tags; links get ``rel="nofollow noopener"``."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(
    text: str,
    *,
    mentions: Mapping[str, str] | None = None,
    topic_url: Callable[[str], str | None] | None = None,
) -> str:
    """Safe HTML for ``text``.

    ``mentions`` maps a lower-cased handle to the URL of that person, for the people who may
    see the text; any other ``@handle`` stays plain. ``topic_url(name)`` gives the link of a
    topic (None: no topic links).
    """
    return render_scan(text, mentions=mentions, topic_url=topic_url)[0]


def render_scan(
    text: str,
    *,
    mentions: Mapping[str, str] | None = None,
    topic_url: Callable[[str], str | None] | None = None,
) -> tuple[str, Found]:
    """``render`` and ``scan`` from one parse: the HTML, and the handles and topics found
    (the same whatever ``mentions`` holds). A writer renders once without mentions and
    again only when the text names someone."""
    links = {k.lower(): v for k, v in (mentions or {}).items()}
    env: dict[str, Any] = {
        "found": Found(),
        "mention_url": lambda handle: links.get(handle.lower()),
        "topic_url": topic_url or _no_link,
    }
    html = sanitize(_MD.render(text or "", env))
    found: Found = env["found"]
    return html, found


def plain_text(text: str, limit: int | None = None) -> str:
    """``text`` as a reader sees it, without Markdown marks or tags: for excerpts, titles and
    snippets ("**看**颜色" reads "看颜色"). Cut at ``limit`` characters with an ellipsis."""
    html = _MD.render(text or "", {"found": Found(), "mention_url": _no_link, "topic_url": _no_link})
    html = re.sub(r"</(p|li|blockquote|pre|h[1-6])>|<br\s*/?>", " ", html)
    plain = " ".join(unescape(nh3.clean(html, tags=set(), strip_comments=True)).split())
    if limit is not None and len(plain) > limit:
        plain = plain[: max(limit - 1, 0)].rstrip() + "…"
    return plain
