"""The search's database side: matching synopses and titles, ranking, snippets of a page.

Text analysis (columns, parsing, snippets in Python) is films/search/analysis.py; the text
statement films/search/pgtext.py on PostgreSQL, films/search/fts.py (FTS5) on SQLite; title
matches films/search/titles.py; docs/search.md.
"""

import html
from typing import NamedTuple

from django.db import connection, connections, router

from ..caching import language_counts
from ..fragments import FilmCard
from ..languages import (
    has_unspaced_script,
    keeps_accents,
    search_config_for,
    stemmer_for,
)
from ..models import Synopsis
from . import fts, pgtext
from .analysis import (
    CANDIDATE_CAP,
    MATCH_START,
    MATCH_STOP,
    ParsedQuery,
    marked_html,
    parse_query,
    python_snippet,
    stemmed_snippet,
)
from .prepared import server_binding_cursor
from .titles import TitleMatch, matching_titles, near_keys


def _languages_searched(language: str | None) -> list[str]:
    # The languages in use (cached): a DISTINCT over every synopsis per search took most of
    # a second at a million synopses.
    return [language] if language else [tag for tag, _ in language_counts()]


def text_search_query(query: ParsedQuery, *, language: str | None = None):
    """Return the text query for ``query`` in ``language``, or in every language in use.

    PostgreSQL: one tsquery, parsed in each config by the statement that uses it
    (films/search/pgtext.py ``CombinedTsQuery``). SQLite: an FTS5 match expression, the
    query analysed as each language's index words are ("" when nothing is left to match).
    """
    tags = _languages_searched(language)
    if connection.vendor == "postgresql":
        return pgtext.combined_tsquery(query, [search_config_for(tag) for tag in tags])
    analyses = {(stemmer_for(tag), keeps_accents(tag)) for tag in tags} or {("", False)}
    return fts.match_expression(query, analyses)


class FilmHit(NamedTuple):
    """One film a query found: how well its title matched, and its best synopsis.

    The fields are in ranking order, title tier and text rank negated: hits sort best first
    as plain tuples, with no key function. A named tuple: a search makes a thousand of them,
    and a dataclass cost three times as much to build and sort. Only a title match brings
    its film's title key and year; a film found by its text alone has "" and 0, so text
    matches of equal rank are in film id order.
    """

    neg_title_tier: int
    neg_text_rank: float
    title_key: str
    year: int
    film_id: int
    synopsis_id: int | None = None
    title_match: TitleMatch | None = None

    @property
    def title_tier(self) -> int:
        return -self.neg_title_tier

    @property
    def text_rank(self) -> float:
        return -self.neg_text_rank

    # Hits are built only by the three methods below, each from its own source's rows, with
    # _make: a named tuple's constructor is a Python function, and a search builds a
    # thousand hits.

    @classmethod
    def of_titles(cls, rows: list[tuple]) -> list["FilmHit"]:
        """Hits of title matches: (film_id, film title key, year, tier, TitleMatch) rows
        (films/search/titles.py ``matching_titles``)."""
        make = cls._make
        return [
            make((-tier, -0.0, film_key, year, film_id, None, match))
            for film_id, film_key, year, tier, match in rows
        ]

    @classmethod
    def of_texts(cls, best: dict[int, tuple[float, int]]) -> list["FilmHit"]:
        """Hits of text matches: each film's (negated rank, synopsis id), by film id."""
        make = cls._make
        return [
            make((0, rank, "", 0, film_id, synopsis_id, None))
            for film_id, (rank, synopsis_id) in best.items()
        ]

    def with_title_of(self, title_hit: "FilmHit") -> "FilmHit":
        """This text hit ranked, keyed and explained by ``title_hit``'s title."""
        tier, _rank, key, year, film_id, _synopsis, match = title_hit
        return self._make((tier, self.neg_text_rank, key, year, film_id, self.synopsis_id, match))


def _title_hits(films, keys: list[str], *, cap: int, near: bool = False) -> list[FilmHit]:
    return FilmHit.of_titles(matching_titles(films, keys, cap=cap, near=near))


def title_hits(films, query: ParsedQuery, *, cap: int | None = None) -> list[FilmHit]:
    """Films of ``films`` with a title holding the query's title key as whole words."""
    return _title_hits(films, [query.title_key], cap=cap or CANDIDATE_CAP)


def near_title_hits(films, query: ParsedQuery, *, cap: int | None = None) -> list[FilmHit]:
    """Films of ``films`` with a title the query may have meant: one typo in a word."""
    return _title_hits(films, near_keys(query.title_key), cap=cap or CANDIDATE_CAP, near=True)


def text_hits(
    films,
    query: ParsedQuery,
    *,
    language: str | None = None,
    tsquery=None,
    cap: int | None = None,
) -> tuple[list[FilmHit], bool]:
    """Films of ``films`` with a published synopsis matching the query; True when capped.

    Only ``cap`` matching synopses are ranked: a word found in half of a million synopses
    costs about what a rare one does (on PostgreSQL, films/search/pgtext.py ``first_matches``).
    ``tsquery`` is :func:`text_search_query`'s (SQLite: the FTS5 match expression,
    :func:`fts.first_matches`).
    """

    cap = cap or CANDIDATE_CAP
    if tsquery is None:
        tsquery = text_search_query(query, language=language)
    if connection.vendor == "postgresql":
        found = pgtext.first_matches(films, tsquery, language=language, cap=cap)
        # A sample ranked means more synopses match than were read.
        capped = len(found) > cap or bool(found and found[0][3] < len(pgtext.SEARCH_SAMPLES))
    else:
        found = fts.first_matches(films, match=tsquery, language=language, limit=cap + 1)
        capped = len(found) > cap
    # Each film's best synopsis: (negated rank, synopsis id), the lowest. Indexing the rows
    # and building each hit once, at the end, halved this loop over 500 rows.
    best: dict[int, tuple[float, int]] = {}
    for row in found[:cap]:
        candidate = (-row[2], row[1])
        known = best.get(row[0])
        if known is None or candidate < known:
            best[row[0]] = candidate
    return FilmHit.of_texts(best), capped


class SearchResults:
    """The films a query found, best first: what the list, its paginator and the API page.

    Ranking happens once, over capped candidate sets (:func:`title_hits`,
    :func:`text_hits`); a page then loads only its own films, in one query plus the
    prefetches of ``films`` (the API), or none at all as cards (:meth:`as_cards`, the
    HTML list). ``capped`` says more synopses matched than were ranked.
    """

    ordered = True  # for Paginator: the order is the ranking

    def __init__(
        self,
        films,
        hits: list[FilmHit],
        *,
        capped: bool,
        query: ParsedQuery,
        tsquery=None,
        cards: bool = False,
    ) -> None:
        self.films = films
        self.hits = hits
        self.capped = capped
        self.query = query
        self.tsquery = tsquery
        self.cards = cards

    def count(self) -> int:
        return len(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        # Every film at once, without snippets: a page is what shows them.
        return iter(self._load(self.hits, snippets=False))

    def __getitem__(self, index: int | slice):
        if isinstance(index, slice):
            return self._load(self.hits[index])
        return self._load([self.hits[index]])[0]

    def _replace(self, hits: list[FilmHit], *, cards: bool) -> "SearchResults":
        return SearchResults(
            self.films,
            hits,
            capped=self.capped,
            query=self.query,
            tsquery=self.tsquery,
            cards=cards,
        )

    def as_cards(self) -> "SearchResults":
        """The same results, a page of which is :class:`FilmCard` records, not films: the hits
        hold each film's id, and its card's HTML is cached (films/fragments.py)."""
        return self._replace(self.hits, cards=True)

    def release(self) -> None:
        """Let go of the ranking once a page of it has been loaded (and counted): every copy
        of these results is then empty.

        A search's hundreds of hits stay reachable from the FilterSet, which django-filter
        links to its filters and they to it: garbage only the collector could free, a pass
        of 2-3 ms on one search in ten (docs/performance.md). Emptied, they are freed with
        the request.
        """
        self.hits.clear()

    def _load(self, hits: list[FilmHit], *, snippets: bool = True) -> list:
        """The films (or cards) of ``hits``, in order, with their match attributes (and
        snippets)."""
        if not hits:
            return []
        if self.cards:
            found = [FilmCard(hit.film_id) for hit in hits]
        else:
            by_id = {film.pk: film for film in self.films.filter(pk__in=[h.film_id for h in hits])}
            found = [by_id[hit.film_id] for hit in hits]
        for film, hit in zip(found, hits, strict=True):
            film.title_rank = hit.title_tier
            film.text_rank = hit.text_rank
            film.matched_synopsis_id = hit.synopsis_id
            match = hit.title_match
            film.match_title = match.title if match else None
            film.match_title_language = match.language if match else None
            film.match_title_kind = match.kind if match else None
            film.match_title_near = bool(match and match.near)
            film.match_title_label = match.label if match else ""
        if snippets:
            attach_snippets(found, self.query, tsquery=self.tsquery)
        return found

    def in_order_of(self, films) -> "SearchResults":
        """The same films in the order of ``films`` (an ordering the visitor chose)."""
        ids = [hit.film_id for hit in self.hits]
        ordered = films.filter(pk__in=ids).values_list("pk", flat=True)
        position = {pk: index for index, pk in enumerate(ordered)}
        hits = sorted(self.hits, key=lambda hit: position[hit.film_id])
        return self._replace(hits, cards=self.cards)


def _merge(by_film: dict[int, FilmHit], hits: list[FilmHit]) -> None:
    """Add title hits: a film keeps its best title tier and the title that earned it."""
    for hit in hits:
        known = by_film.get(hit.film_id)
        if known is None:
            by_film[hit.film_id] = hit
        elif hit.neg_title_tier < known.neg_title_tier:
            by_film[hit.film_id] = known.with_title_of(hit)


def search_films(films, raw: str | None, *, language: str | None = None):
    """Return ``films`` matching ``raw`` in a title or a synopsis: title matches first.

    Returns ``films`` itself when there is nothing to search for, else
    :class:`SearchResults`, ordered by title tier, then text rank, then title (film id for
    text matches alone, :class:`FilmHit`). Each film of a page carries ``title_rank``,
    ``text_rank``, ``matched_synopsis_id`` (its best synopsis) and the title that matched
    (``match_title``…, films/search/titles.py); a page loads its snippets with it
    (:func:`attach_snippets`). When neither a title nor a synopsis matches, titles one typo
    away are tried. With ``language``, only synopses in that language count as text matches.
    """
    query = parse_query(raw)
    if query is None:
        return films

    tsquery = text_search_query(query, language=language)
    found, capped = text_hits(films, query, language=language, tsquery=tsquery)
    by_film = {hit.film_id: hit for hit in found}
    titles = title_hits(films, query)
    # A typo is corrected only for a search that found nothing: words a synopsis holds are
    # words, and a title one edit away would outrank the synopses that hold them.
    if not titles and not found:
        titles = near_title_hits(films, query)
    _merge(by_film, titles)
    hits = sorted(by_film.values())
    return SearchResults(films, hits, capped=capped, query=query, tsquery=tsquery)


def _pg_texts(ids: set[int]) -> list[tuple[int, str, str, str]]:
    """PostgreSQL: (id, language, text, "") of the synopses ``ids``; their snippets are
    marked in Python. One statement text for every page (the ids an array), bound on the
    server and prepared like the text statement: planned once per connection."""
    with server_binding_cursor(connections[router.db_for_read(Synopsis)]) as cursor:
        cursor.execute(
            f"SELECT id, language, text, ''::text FROM {Synopsis._meta.db_table} "
            "WHERE id = ANY(%s::bigint[])",
            [sorted(ids)],
        )
        return cursor.fetchall()


def attach_snippets(films, query: ParsedQuery, *, tsquery=None) -> None:
    """Give each film of a page ``match_language`` and ``match_snippet``: one query at most.

    SQLite's FTS5 ``snippet()`` marks what its index matched (``tsquery`` is then the
    search's match expression, :func:`text_search_query`); on PostgreSQL each text's words
    are stemmed in Python as its config stems them (:func:`stemmed_snippet`): ts_headline
    cost 2 ms for a page's twelve. Text in a script without spaces (Thai) is marked in
    Python on both: neither engine knows where its words end.
    """
    for film in films:
        film.match_language = None
        film.match_snippet = ""
    ids = {getattr(film, "matched_synopsis_id", None) for film in films} - {None}
    if not ids:
        return
    if connection.vendor == "postgresql":
        found = _pg_texts(ids)
    else:  # FTS5's snippet() marks the words its index matched
        found = fts.snippets(ids, tsquery or "", start=MATCH_START, stop=MATCH_STOP)
    by_id = {pk: (language, text, snippet) for pk, language, text, snippet in found}
    for film in films:
        row = by_id.get(getattr(film, "matched_synopsis_id", None))
        if row is None:
            continue
        language, text, snippet = row
        film.match_language = language
        if has_unspaced_script(text):
            film.match_snippet = python_snippet(text, query, language=language)
        elif MATCH_START in (snippet or ""):
            film.match_snippet = marked_html(html.escape(snippet))
        else:
            film.match_snippet = stemmed_snippet(text, query, language=language) or python_snippet(
                text, query, language=language
            )
