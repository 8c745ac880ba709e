"""Thai: written without spaces between words, in a script used for Thai alone.

The search cuts Thai into words with pythainlp's dictionary (offline) and the names below,
which the dictionary lacks: without them "ร็อคกี้" becomes "ร็อค|กี้" (docs/search.md).
"""

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


@lru_cache(maxsize=1)
def _dictionary():
    # import here: pythainlp loads its corpora on import (a second); only Thai text needs it.
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    return dict_trie(set(thai_words()) | set(NAMES))


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
