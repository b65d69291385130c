"""Normalise and segment Chinese voices (first version; improved below in later commits)."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"[\s\u3000\xa0]+|&nbsp;")


def normalise(text: str) -> str:
    """Return ``text`` with full-width forms folded and web padding collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACE.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Return the words of ``text`` (normalised), punctuation and spaces dropped."""
    import jieba

    return [w for w in jieba.lcut(normalise(text)) if w.strip() and not _is_punct(w)]


def _is_punct(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in word)
