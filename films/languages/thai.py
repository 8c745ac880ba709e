"""Thai: written without spaces between words, in a script used for Thai alone.

The search cuts Thai into words with pythainlp's dictionary (offline) and the names below,
which the dictionary lacks: without them "ร็อคกี้" becomes "ร็อค|กี้" (docs/search.md).
"""

import bisect
import re
from functools import lru_cache

from .base import Segmenter

LETTER = re.compile(r"[\u0E01-\u0E2E\u0E30-\u0E3A\u0E40-\u0E4E]")
RUN = re.compile(r"[\u0E00-\u0E7F]+")
NAMES = (
    "ร็อคกี้",
    "บัลโบ",
    "บัลโบอา",
    "อพอลโล่",
    "ครี้ด",
    "เอเดรียน",
    "ฟิลาเดลเฟีย",
    "ดราโก้",
    "มิกกี้",
    "พอลลี่",
)


class _Node:
    """The words of ``words[low:high]``, which share their first ``depth`` letters."""

    __slots__ = ("children", "depth", "end", "high", "low")

    def __init__(self, low: int, high: int, depth: int, end: bool) -> None:
        self.low, self.high, self.depth, self.end = low, high, depth, end
        self.children: dict[str, _Node | None] = {}


class Dictionary:
    """pythainlp's dictionary as newmm reads it (``Trie.prefixes``): a trie grown as texts need it.

    pythainlp's ``Trie`` of its 62,000 words took 1.4 s to build, node by node, in every
    process that segments Thai (a sixth of a 2,000-synopsis import); this one starts from the
    sorted words and makes a node the first time a text reaches it. Its prefixes are the
    trie's, shortest first, so newmm cuts the same words (tests/test_languages.py).
    """

    def __init__(self, words: set[str]) -> None:
        # Trie.add strips each word; the empty word is never a prefix.
        self.words = sorted({word.strip() for word in words} - {""})
        self._root = _Node(0, len(self.words), 0, False)

    def _child(self, node: _Node, letter: str) -> "_Node | None":
        words = self.words
        prefix = words[node.low][: node.depth] + letter
        low = bisect.bisect_left(words, prefix, node.low, node.high)
        high = bisect.bisect_left(words, prefix + "\U0010ffff", low, node.high)
        while high < node.high and words[high].startswith(prefix):
            high += 1  # words holding U+10FFFF after the prefix, should any
        child = None
        if low < high:
            child = _Node(low, high, node.depth + 1, len(words[low]) == node.depth + 1)
        node.children[letter] = child
        return child

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The words that ``text`` holds from ``start`` on, shortest first."""
        found = []
        node: _Node | None = self._root
        for end in range(start, len(text)):
            letter = text[end]
            children = node.children
            node = children[letter] if letter in children else self._child(node, letter)
            if node is None:
                break
            if node.end:
                found.append(text[start : end + 1])
        return found

    def __contains__(self, word: str) -> bool:
        index = bisect.bisect_left(self.words, word)
        return index < len(self.words) and self.words[index] == word

    def __iter__(self):
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary:
    # import here: pythainlp loads its corpora on import (a second); only Thai text needs it.
    from pythainlp.corpus import thai_words

    return Dictionary(set(thai_words()) | set(NAMES))


def split_words(run: str) -> list[str]:
    """Return the words of a run of Thai."""
    # import here: pythainlp is heavy and optional for catalogues without Thai.
    from pythainlp.tokenize import word_tokenize

    words = word_tokenize(run, custom_dict=_dictionary(), engine="newmm")
    return [word for word in words if word.strip()]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Thai function words: ของ "of", ว่า "that"."""
    # import here: pythainlp is heavy and optional for catalogues without Thai.
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


SEGMENTER = Segmenter(run=RUN, split=split_words, stopwords=stopwords)
