"""Text analysis for the search: columns, index terms, query parsing, snippets. Imports no models.

Every synopsis stores two derived columns, filled by :func:`search_columns` from
``Synopsis.save()`` and by the importer's bulk writes:

- ``search_config``: the PostgreSQL ``regconfig`` of its language (``da`` → ``danish``,
  films/languages/table.py);
- ``search_text``: the text the ``tsvector`` is generated from: scripts written without
  spaces (Thai) segmented into space-separated words (PostgreSQL has no parser for them),
  Latin accents folded except in languages where the marked letter is a different letter
  (Danish ``mødes`` ≠ ``modes``).

SQLite's full-text index holds :func:`index_terms` of ``search_text``: each word stemmed with
its language's Snowball algorithm, the one PostgreSQL's config uses (films/search/fts.py).
The database side is films/search/queries.py; docs/search.md.
"""

import html
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from ..languages import (
    is_stopword_run,
    keeps_accents,
    search_config_for,
    segment_words,
    stemmer_for,
)
from ..text import fold, fold_with_offsets, strip_controls, title_key

# Longest query we look at; longer input is cut, never rejected.
MAX_QUERY_LENGTH = 200
# Most synopses a text query ranks: enough for any page a person reads, and a word found in
# half of a million synopses costs what a rare one does (~5 ms to rank 500 at a million synopses).
CANDIDATE_CAP = 500


@dataclass(frozen=True)
class SearchColumns:
    search_config: str
    search_text: str


def search_columns(*, text: str, language: str) -> SearchColumns:
    """Return a synopsis's derived search columns."""
    normalised = fold(text, keep_accents=keeps_accents(language))
    return SearchColumns(
        search_config=search_config_for(language), search_text=segment_words(normalised)
    )


# ASCII punctuation anyascii may put inside a folded word ("ʼ" → "'"): one word must stay
# one token of SQLite's tokenizer, or the snippet marks would shift (films/search/fts.py).
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_stemmers = threading.local()  # PyStemmer's stemmers are not thread-safe


def stem_words(words: list[str], algorithm: str) -> list[str]:
    """Return ``words`` (folded) stemmed with a Snowball algorithm; unchanged for ``""``."""
    if not algorithm:
        return words
    cache = _stemmers.__dict__.setdefault("by_algorithm", {})
    stemmer = cache.get(algorithm)
    if stemmer is None:
        stemmer = cache[algorithm] = Stemmer.Stemmer(algorithm)
    return stemmer.stemWords(words)


def index_terms(search_text: str, language: str) -> str:
    """Return the words SQLite's full-text index holds for a synopsis: one stem per word."""
    words = _ASCII_PUNCTUATION.sub("", search_text).split()
    return " ".join(stem_words(words, stemmer_for(language)))


def query_words(text: str, *, stemmer: str, keep_accents: bool) -> list[str]:
    """Return a query term's words as :func:`index_terms` indexes them in such a language."""
    words = segment_words(fold(text, keep_accents=keep_accents))
    return stem_words(_ASCII_PUNCTUATION.sub("", words).split(), stemmer)


def clean_query(raw: str | None) -> str:
    """Return the query as searched: NUL bytes gone, whitespace collapsed, length capped."""
    if not raw:
        return ""
    text = raw.replace("\x00", "")[: MAX_QUERY_LENGTH * 4]
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


@dataclass(frozen=True)
class QueryTerm:
    """One term of a query in websearch syntax: a word, a "quoted phrase", -excluded, or OR."""

    body: str  # as typed, quotes and "-" removed; "" for OR
    negated: bool = False
    quoted: bool = False

    @property
    def is_or(self) -> bool:
        return not self.body


@dataclass(frozen=True)
class ParsedQuery:
    """A visitor's query in the shapes each matcher needs."""

    raw: str
    title_key: str
    # Word variants for snippets marked in Python: each word folded, and as typed.
    words: tuple[tuple[str, ...], ...]
    # The websearch terms (PostgreSQL's syntax), which SQLite's match expression mirrors.
    terms: tuple[QueryTerm, ...]
    # websearch text for PostgreSQL, with and without Latin accents folded, Thai segmented.
    websearch_folded: str
    websearch_plain: str


def _query_terms(query: str) -> tuple[QueryTerm, ...]:
    """Split ``query`` as websearch does: "quoted phrases", -excluded words, or, words."""
    terms = []
    for part in re.findall(r'"[^"]*"|\S+', query):
        if part.lower() == "or":
            terms.append(QueryTerm(""))
            continue
        negated = part.startswith("-") and len(part) > 1
        body = part[1:] if negated else part
        quoted = body.startswith('"')
        segmented = segment_words(fold(body))
        if not segmented or (not quoted and is_stopword_run(segmented)):
            continue
        terms.append(QueryTerm(body.strip('"'), negated=negated, quoted=quoted))
    return tuple(terms)


def parse_query(raw: str | None) -> ParsedQuery | None:
    """Return the parsed query, or None when there is nothing to search for."""
    query = clean_query(raw)
    if not fold(query):
        return None
    words = []
    for token in fold(query, keep_accents=True).split():
        folded = fold(token)
        words.append((folded,) if folded == token else (folded, token))
    terms = _query_terms(query)

    def websearch(*, keep_accents: bool) -> str:
        # Keep websearch's operators ("quoted phrase", -exclude, or) but fold the words.
        out = []
        for term in terms:
            if term.is_or:
                out.append("or")
                continue
            prefix = "-" if term.negated else ""
            words_ = segment_words(fold(term.body, keep_accents=keep_accents))
            if not words_:
                continue
            out.append(f'{prefix}"{words_}"' if term.quoted or " " in words_ else prefix + words_)
        return " ".join(out)

    return ParsedQuery(
        raw=query,
        title_key=title_key(query),
        words=tuple(words),
        terms=terms,
        websearch_folded=websearch(keep_accents=False),
        websearch_plain=websearch(keep_accents=True),
    )


# Markers PostgreSQL puts around a match. No synopsis holds them (control characters are
# stripped on every save, films/text.py), and the escaping below drops any that would.
MATCH_START = "\u0002"
MATCH_STOP = "\u0003"


def marked_html(escaped_headline: str) -> str:
    """Return a snippet of escaped text with its match markers as <mark>."""
    return (
        escaped_headline.replace("\n", " ")
        .replace(MATCH_START, "<mark>")
        .replace(MATCH_STOP, "</mark>")
    )


def python_snippet(text: str, query: ParsedQuery, *, language: str, width: int = 220) -> str:
    """Return an HTML snippet of ``text`` around the first word of ``query`` it contains."""
    text = strip_controls(text)  # a row written past Synopsis.save(): no markers in the page
    folded, offsets = fold_with_offsets(text, keep_accents=keeps_accents(language))
    spans = []
    for variants in query.words:
        for variant in variants:
            for match in re.finditer(re.escape(variant), folded):
                start = offsets[match.start()]
                stop = offsets[match.end() - 1] + 1
                spans.append((start, stop))
    if not spans:
        return html.escape(text[:width]) + ("…" if len(text) > width else "")
    spans.sort()
    first = spans[0][0]
    begin = max(0, first - width // 3)
    end = min(len(text), begin + width)
    if begin:
        # Start on a word boundary where there is one nearby.
        space = text.find(" ", begin, first)
        begin = space + 1 if space != -1 else begin
    pieces, cursor = [], begin
    for start, stop in spans:
        if start < cursor or stop > end:
            continue
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        cursor = stop
    pieces.append(html.escape(text[cursor:end]))
    body = " ".join("".join(pieces).split())
    return ("…" if begin else "") + body + ("…" if end < len(text) else "")


# Splits a text into what lies between words and the words, alternating: the words are the
# odd items. Lists of strings, not match objects: a page's twelve snippets split 1,200 words.
_WORD_SPLIT = re.compile(r"(\w+)")
# Words around the first match a snippet starts with, and the words a snippet shows.
SNIPPET_LEAD = 6
SNIPPET_WORDS = 40


# Words of snippets as folded, per accent rule, and as stemmed, per algorithm and accent rule:
# plain dicts of strings, which the garbage collector does not track (an lru_cache's 65,536
# entries were 65,536 lists every full collection walked); emptied when full.
_FOLDED_WORDS: dict[bool, dict[str, str]] = {False: {}, True: {}}
_FOLDED_WORDS_SIZE = 65536
_STEMMED_WORDS: dict[tuple[str, bool], dict[str, str]] = {}


def _folded_word(word: str, keep_accents: bool) -> str:
    known = _FOLDED_WORDS[keep_accents]
    folded = known.get(word)
    if folded is None:
        if len(known) >= _FOLDED_WORDS_SIZE:
            known.clear()
        folded = known[word] = fold(word, keep_accents=keep_accents)
    return folded


def _stemmed_words(words: list[str], algorithm: str, keep_accents: bool) -> list[str]:
    """``words`` folded and stemmed as the index holds them; each distinct word once per process.

    A page's snippets stem every word of twelve texts, and the same words recur from text to
    text: a dictionary read per word costs a fraction of folding and stemming it again.
    """
    known = _STEMMED_WORDS.setdefault((algorithm, keep_accents), {})
    stems = [known.get(word) for word in words]
    if None not in stems:
        return stems
    new = list(dict.fromkeys(word for word, stem in zip(words, stems, strict=True) if stem is None))
    if len(known) + len(new) > _FOLDED_WORDS_SIZE:
        known.clear()
    folded = [_folded_word(word, keep_accents) for word in new]
    known.update(zip(new, stem_words(folded, algorithm), strict=True))
    return [known[word] for word in words]


@lru_cache(maxsize=256)
def _wanted_stems(query: ParsedQuery, algorithm: str, keep_accents: bool) -> frozenset[str]:
    """The stems a text in such a language matched: its words as its index holds them.

    Once per query and language, not once per snippet of a page."""
    stems: set[str] = set()
    for term in query.terms:
        if not term.is_or and not term.negated:
            stems.update(query_words(term.body, stemmer=algorithm, keep_accents=keep_accents))
    return frozenset(stems)


def stemmed_snippet(
    text: str, query: ParsedQuery, *, language: str, fragments: int = 2
) -> str | None:
    """An HTML snippet of ``text`` with the words ``query`` matched marked; None if none is.

    Each word of the text is folded and stemmed as the search indexes it in ``language``
    (the Snowball algorithm PostgreSQL's config uses), so "boxers" is marked for "boxer".
    Up to ``fragments`` runs of words around the matches, SNIPPET_WORDS in all, as
    PostgreSQL's ts_headline chose them; done here, it costs a tenth of ts_headline's
    query (docs/performance.md).
    """
    text = strip_controls(text)  # a row written past Synopsis.save(): no markers in the page
    algorithm, keep = stemmer_for(language), keeps_accents(language)
    wanted = _wanted_stems(query, algorithm, keep)
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    stems = _stemmed_words(words, algorithm, keep)
    hits = [index for index, stem in enumerate(stems) if stem in wanted]
    if not hits:
        return None
    # One run around the first match; two shorter ones when another is beyond it.
    far = [hit for hit in hits if hit >= hits[0] - SNIPPET_LEAD + SNIPPET_WORDS]
    runs = [hits[0], far[0]] if far and fragments > 1 else [hits[0]]
    length = SNIPPET_WORDS // len(runs)
    pieces, end = [], 0
    for first in runs:
        begin = max(0, first - SNIPPET_LEAD)
        end = min(len(words), begin + length)
        # Word i is parts[2i + 1]. A run at either end of the text keeps what is before or
        # after its words.
        low = 2 * begin + 1 if begin else 0
        run = parts[low : 2 * end if end < len(words) else len(parts)]
        for hit in hits:
            if begin <= hit < end:
                run[2 * hit + 1 - low] = f"{MATCH_START}{run[2 * hit + 1 - low]}{MATCH_STOP}"
        pieces.append(marked_html(" ".join(html.escape("".join(run)).split())))
    lead = "…" if runs[0] > SNIPPET_LEAD else ""
    return lead + " … ".join(pieces) + ("…" if end < len(words) else "")
