"""Words for the index and for queries: jieba for Chinese, case-folded words for the rest.

Both engines index the same pre-segmented text (words separated by spaces), so what is found
depends on this module only. Documents are cut in jieba's search mode (a long word and the
shorter words inside it: 品鉴会 gives 品鉴 and 品鉴会), queries in its precise mode; a query
word is found when the document has it as a word or as part of a compound.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata

import jieba

MAX_QUERY_WORDS = 12
MAX_WORD = 40  # longer "words" (hashes, URLs) are cut to this many characters

# Only letters and digits survive: everything else (punctuation, quotes, `*`, emoji) separates
# words. So no engine syntax can reach FTS5 or tsquery from a document or from a query.
_WORD = re.compile(r"[^\W_]+")
_lock = threading.Lock()
_ready = False


def _jieba() -> jieba.Tokenizer:
    """jieba's tokenizer, its dictionary loaded once (about a second, then cached on disk)."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba.dt


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _words(pieces: object) -> list[str]:
    out: list[str] = []
    for piece in pieces:  # type: ignore[attr-defined]
        out.extend(w[:MAX_WORD] for w in _WORD.findall(piece))
    return out


# Runs of Chinese characters go through jieba; everything else is split by _WORD directly
# (jieba took ~1.5 ms for a short English sentence, most of a post's indexing).
_HAN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


def _cut(text: str, *, for_index: bool) -> list[str]:
    words: list[str] = []
    for i, part in enumerate(_HAN.split(text)):
        if not part:
            continue
        if i % 2 == 0:
            words += _words([part])
            continue
        tok = _jieba()
        if for_index:
            words += _words(tok.cut_for_search(part))
        # The precise cut without HMM: a query is cut that way, so its words are always indexed.
        words += _words(tok.cut(part, HMM=False))
    return words


def index_terms(text: str) -> str:
    """The words of ``text`` for the index, each once, separated by spaces."""
    text = _normalize(text)
    if not text.strip():
        return ""
    return " ".join(dict.fromkeys(_cut(text, for_index=True)))


def query_words(q: str) -> list[str]:
    """The words of a query, in order, at most MAX_QUERY_WORDS (empty: nothing searchable)."""
    return list(dict.fromkeys(_cut(_normalize(q), for_index=False)))[:MAX_QUERY_WORDS]


def prefix_last(q: str) -> bool:
    """Whether the last word is still being typed (matched as a prefix): no space after it."""
    return bool(q) and not q[-1].isspace()
