"""The search's database side: matching synopses and titles, ranking, snippets of a page.

Text analysis (columns, parsing, snippets in Python) is films/search/analysis.py; SQLite's
full-text index films/search/fts.py; title matches films/search/titles.py; docs/search.md.
"""

import html
from typing import NamedTuple

from django.db import connection, connections, router

from ..caching import language_counts
from ..fragments import FilmCard
from ..languages import (
    FALLBACK_CONFIG,
    LANGUAGES,
    has_unspaced_script,
    keeps_accents,
    search_config_for,
    stemmer_for,
)
from ..models import Synopsis
from . import fts
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
from .titles import TitleMatch, matching_titles, near_keys, restriction_to

# PostgreSQL configs whose languages keep their accents (films/languages/table.py): their
# queries keep the marks too.
_CONFIGS_KEEPING_ACCENTS = frozenset(
    {language.search_config for language in LANGUAGES if language.keeps_accents} - {FALLBACK_CONFIG}
)


def _websearch_text(query: ParsedQuery, config: str) -> str:
    if config in _CONFIGS_KEEPING_ACCENTS:
        return query.websearch_plain
    return query.websearch_folded


class CombinedTsQuery(NamedTuple):
    """One tsquery matching a query in any of several configs, each lexeme once, parsed by
    PostgreSQL in the first CTE of the text statement (:func:`_pg_text_hits`).

    Most configs parse a word to the same lexeme; OR-ing eleven copies of ``'berg'`` made
    the planner estimate eleven times the rows and scan the table instead of using the GIN
    index (a seq scan detoasts every tsvector: 125 ms at 10,000 synopses). So the distinct
    parses are OR-ed into one tsquery. Parsing it in a statement of its own cost a round
    trip per search (0.5-0.8 ms at a million synopses); parsed in the text statement, the
    planner never sees its value and estimates every query alike, as it does for the
    statement's generic plan (films/search/prepared.py), which serves common, rare and absent
    words well (docs/performance.md).
    """

    pairs: tuple[tuple[str, str], ...]  # (config, websearch text)

    def parse(self) -> tuple[str, list]:
        """A statement whose one row and column, ``query``, is the tsquery (NULL: nothing
        left to match, no synopsis matches)."""
        return (
            "SELECT string_agg(DISTINCT '( ' || parsed::text || ' )', ' | ' "
            "ORDER BY '( ' || parsed::text || ' )')::tsquery AS query FROM ("
            "SELECT websearch_to_tsquery(config::regconfig, words) AS parsed "
            "FROM unnest(%s::text[], %s::text[]) AS pair (config, words)) AS each "
            "WHERE parsed::text <> ''",
            [[config for config, _ in self.pairs], [words for _, words in self.pairs]],
        )


def combined_tsquery(query: ParsedQuery, configs: list[str]) -> CombinedTsQuery:
    """``query`` in each of ``configs`` (the fallback config when none), to be OR-ed."""
    configs = sorted(set(configs)) or [FALLBACK_CONFIG]
    return CombinedTsQuery(tuple((config, _websearch_text(query, config)) for config in configs))


def _languages_searched(language: str | None) -> list[str]:
    # The languages in use (cached): a DISTINCT over every synopsis per search took most of
    # a second at a million synopses.
    return [language] if language else [tag for tag, _ in language_counts()]


def text_search_query(query: ParsedQuery, *, language: str | None = None):
    """Return the text query for ``query`` in ``language``, or in every language in use.

    PostgreSQL: one tsquery, parsed in each config by the statement that uses it
    (:class:`CombinedTsQuery`). SQLite: an FTS5 match expression, the query analysed as each
    language's index words are ("" when nothing is left to match).
    """
    tags = _languages_searched(language)
    if connection.vendor == "postgresql":
        return combined_tsquery(query, [search_config_for(tag) for tag in tags])
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


def _title_hits(films, keys: list[str], *, cap: int, near: bool = False) -> list[FilmHit]:
    make = FilmHit._make  # as in text_hits: the class's constructor is a Python function
    return [
        make((-tier, -0.0, film_key, year, film_id, None, match))
        for film_id, film_key, year, tier, match in matching_titles(films, keys, cap=cap, near=near)
    ]


def title_hits(films, query: ParsedQuery, *, cap: int | None = None) -> list[FilmHit]:
    """Films of ``films`` with a title holding the query's title key as whole words."""
    return _title_hits(films, [query.title_key], cap=cap or CANDIDATE_CAP)


def near_title_hits(films, query: ParsedQuery, *, cap: int | None = None) -> list[FilmHit]:
    """Films of ``films`` with a title the query may have meant: one typo in a word."""
    return _title_hits(films, near_keys(query.title_key), cap=cap or CANDIDATE_CAP, near=True)


# Sampled GIN indexes (films/migrations/0010_synopsis_search_samples.py): 1 in 512, 64 and
# 8 synopses, by a hash of the id. A query looks for its candidates in the smallest sample
# first and widens only while a sample holds fewer than enough of them to rank.
SEARCH_SAMPLES = (512, 64, 8)


def sample_enough(cap: int) -> int:
    """Matches a sample must hold to be the one ranked: a quarter of the cap (125 of 500).

    The next sample is eight times larger: it would hold about 1,000 matches, each read into
    a bitmap before the first was ranked, only to keep the first 500 (6 ms of a 10 ms query
    for two words in 2,800 of a million synopses). A uniform sample of at least 125 ranks as
    well as the first 500 the full index happens to return.
    """
    return max(2, cap // 4)


def _in_sample(size: int) -> str:
    # The partial indexes' own predicate, constant in the SQL so the planner can use them.
    return f"(hashint8(matched.pk) & {int(size) - 1}) = 0"


# The text statement's first CTE: the query, parsed once (:func:`_pg_text_hits`), which the
# matches of every step read (:func:`_pg_matches`).
_PARSED_QUERY = "parsed_query"


def _pg_matches(films, language: str | None) -> tuple[str, list]:
    """SQL for the published synopses of ``films`` (in ``language``) that the query parsed in
    the statement's ``parsed_query`` CTE matches: film id, id (``pk``) and ``ts_rank``.

    Written, not compiled from a queryset: compiling one cost 0.5 ms of every search.
    """
    parsed = f"(SELECT query FROM {_PARSED_QUERY})"
    sql = (
        f"SELECT film_id, id AS pk, ts_rank(search_vector, {parsed}) AS rank "
        f"FROM {Synopsis._meta.db_table} WHERE film_id IS NOT NULL AND search_vector @@ {parsed}"
    )
    params = []
    if language:
        sql += " AND language = %s"
        params.append(language)
    restriction, restriction_params = restriction_to(films, "film_id")
    return sql + restriction, params + restriction_params


def _pg_text_hits(films, tsquery: CombinedTsQuery, *, language: str | None, cap: int) -> list:
    """(film_id, synopsis id, rank, step) of at most ``cap`` + 1 published synopses of
    ``films`` matching ``tsquery`` (in ``language``); ``step`` is the sample they came from
    (len(SEARCH_SAMPLES): all synopses).

    A word in 44,000 of a million synopses built a bitmap of all 44,000 before the first
    candidate was read (13 ms). Each sample holds 1/512, 1/64 or 1/8 of them: a step reads
    the next sample only while every smaller one held fewer than :func:`sample_enough`
    matches, and the first sample with enough is the one ranked; rarer words end in the full
    index with every match. One statement: PostgreSQL evaluates each step's count once and
    skips the steps it rules out. Each step is a MATERIALIZED CTE, planned as if every row
    were wanted (the GIN index for selective words, a scan that stops early for common
    ones) while the LIMITs that read it stop it; a plain LIMIT tempts the planner into a
    scan that reads seconds of rows for a word that is rare (docs/search.md). The query is
    parsed once, in the first CTE.

    The films are not joined: the ranking needs only their ids (text matches of equal rank
    are in film id order, :class:`FilmHit`), and looking up 500 films by primary key was
    half of the statement's time at a million synopses (docs/performance.md). Bound on the
    server, so that it is parsed and planned once per connection (films/search/prepared.py).
    """
    sql, params = _pg_matches(films, language)
    enough = sample_enough(cap)
    parse, all_params = tsquery.parse()
    steps, gates, chosen = [f"{_PARSED_QUERY} AS MATERIALIZED ({parse})"], [], []
    for index, size in enumerate((*SEARCH_SAMPLES, None)):
        name = f"step{index}"
        conditions = [_in_sample(size)] if size else []
        conditions += gates
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        steps.append(f"{name} AS MATERIALIZED (SELECT * FROM ({sql}) AS matched{where})")
        all_params += params
        count = f"(SELECT count(*) FROM (SELECT 1 FROM {name} LIMIT {enough}) AS counted)"
        gates.append(f"{count} < {enough}")
        chosen.append(
            f"SELECT *, {index} AS step FROM {name}"
            + (f" WHERE {count} >= {enough}" if size else "")
        )
    with server_binding_cursor(connections[router.db_for_read(Synopsis)]) as cursor:
        cursor.execute(
            f"WITH {', '.join(steps)} {' UNION ALL '.join(chosen)} LIMIT {cap + 1}", all_params
        )
        return cursor.fetchall()


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
    costs about what a rare one does (on PostgreSQL, :func:`_pg_text_hits`). ``tsquery`` is
    :func:`text_search_query`'s (SQLite: the FTS5 match expression, :func:`fts.first_matches`).
    """

    cap = cap or CANDIDATE_CAP
    if tsquery is None:
        tsquery = text_search_query(query, language=language)
    if connection.vendor == "postgresql":
        found = _pg_text_hits(films, tsquery, language=language, cap=cap)
        # A sample ranked means more synopses match than were read.
        capped = len(found) > cap or bool(found and found[0][3] < len(SEARCH_SAMPLES))
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
    make = FilmHit._make
    hits = [make((0, rank, "", 0, film, synopsis, None)) for film, (rank, synopsis) in best.items()]
    return hits, capped


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
    make = FilmHit._make  # _replace, per film found by both, was most of this loop
    for hit in hits:
        known = by_film.get(hit.film_id)
        if known is None:
            by_film[hit.film_id] = hit
        elif hit.neg_title_tier < known.neg_title_tier:
            tier, _rank, key, year, film_id, _synopsis, match = hit
            by_film[film_id] = make(
                (tier, known.neg_text_rank, key, year, film_id, known.synopsis_id, match)
            )


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
