"""The search's database side: matching synopses and titles, ranking, snippets of a page.

Text analysis (columns, parsing, snippets in Python) is films/search/analysis.py; docs/search.md.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Replace

from ..caching import language_counts
from ..languages import FALLBACK_CONFIG, LANGUAGES, has_unspaced_script, search_config_for
from ..models import Film, FilmTitle, Synopsis
from .analysis import (
    CANDIDATE_CAP,
    HTML_ENTITIES,
    MATCH_START,
    MATCH_STOP,
    ParsedQuery,
    marked_html,
    parse_query,
    python_snippet,
)

# PostgreSQL configs whose languages keep their accents (films/languages/table.py): their
# queries keep the marks too.
_CONFIGS_KEEPING_ACCENTS = frozenset(
    {language.search_config for language in LANGUAGES if language.keeps_accents} - {FALLBACK_CONFIG}
)


def _websearch_text(query: ParsedQuery, config: str) -> str:
    if config in _CONFIGS_KEEPING_ACCENTS:
        return query.websearch_plain
    return query.websearch_folded


def postgres_query(query: ParsedQuery, configs: list[str]):
    """Return the OR of one websearch query per config: constant configs keep the GIN index."""

    combined = None
    for config in sorted(set(configs)) or [FALLBACK_CONFIG]:
        part = SearchQuery(_websearch_text(query, config), config=config, search_type="websearch")
        combined = part if combined is None else combined | part
    return combined


def _tsquery_literal(text: str):

    class TsQueryLiteral(SearchQuery):
        """A tsquery PostgreSQL has already parsed, passed back as a constant."""

        def as_sql(self, compiler, connection, **extra):
            return "%s::tsquery", [text]

    return TsQueryLiteral(text)


def matching_tsquery(query: ParsedQuery, configs: list[str]):
    """Return one tsquery matching ``query`` in any of ``configs``, each lexeme once.

    Most configs parse a word to the same lexeme; OR-ing eleven copies of ``'berg'``
    makes the planner estimate eleven times the rows and scan the table instead of using
    the GIN index (a seq scan detoasts every tsvector: 125 ms at 10,000 synopses). So
    PostgreSQL parses the query once per config, and the distinct results are OR-ed
    into one constant it can estimate.
    """

    configs = sorted(set(configs)) or [FALLBACK_CONFIG]
    if len(configs) == 1:
        return postgres_query(query, configs)
    rows = ", ".join(["(%s, %s)"] * len(configs))
    params = [value for config in configs for value in (config, _websearch_text(query, config))]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT websearch_to_tsquery(config::regconfig, words)::text "
            f"FROM (VALUES {rows}) AS parsed (config, words)",
            params,
        )
        parts = sorted(text for (text,) in cursor.fetchall() if text)
    return _tsquery_literal(" | ".join(f"( {part} )" for part in parts))


def text_search_query(query: ParsedQuery, *, language: str | None = None):
    """Return the PostgreSQL tsquery for ``query``: in ``language``'s config, or in every
    config of the languages in use."""
    if language:
        configs = [search_config_for(language)]
    else:
        # The configs of the languages in use (cached): a DISTINCT over every
        # synopsis per search took most of a second at a million synopses.
        configs = [search_config_for(language) for language, _ in language_counts()]
    return matching_tsquery(query, configs)


def matching_synopses(query: ParsedQuery, *, language: str | None = None, tsquery=None):
    """Return published synopses whose text matches ``query``, annotated with ``rank``.

    On PostgreSQL ``tsquery`` (from :func:`text_search_query`) saves parsing it again.
    """
    synopses = Synopsis.objects.published()
    if language:
        synopses = synopses.filter(language=language)
    if connection.vendor == "postgresql":
        if tsquery is None:
            tsquery = text_search_query(query, language=language)
        return synopses.filter(search_vector=tsquery).annotate(
            rank=SearchRank(F("search_vector"), tsquery)
        )
    condition = Q()
    for variants in query.words:
        word = Q()
        for variant in variants:
            word |= Q(search_blob__contains=variant)
        condition &= word
    return synopses.filter(condition).annotate(rank=Value(1.0, output_field=FloatField()))


# Title tiers: the query is the whole title, its start, or somewhere in it.
EXACT_TITLE, TITLE_START, IN_TITLE = 3, 2, 1


def _title_tier(key: str):

    return Case(
        When(title_key=key, then=Value(EXACT_TITLE)),
        When(title_key__startswith=key, then=Value(TITLE_START)),
        default=Value(IN_TITLE),
        output_field=IntegerField(),
    )


@dataclass
class FilmHit:
    """One film a query found: how well its title matched, and its best synopsis."""

    film_id: int
    title_key: str
    year: int
    title_tier: int = 0
    text_rank: float = 0.0
    synopsis_id: int | None = None

    @property
    def relevance(self) -> tuple:
        return (-self.title_tier, -self.text_rank, self.title_key, self.year, self.film_id)


def _restricted_to(rows, films, field: str):
    """Keep ``rows`` whose ``field`` is one of ``films``, unless ``films`` is every film."""
    if not films.query.has_filters():
        return rows
    return rows.filter(**{f"{field}__in": films.order_by().values("pk")})


def title_hits(films, query: ParsedQuery, *, cap: int | None = None) -> list[FilmHit]:
    """Films of ``films`` whose original or localized title contains the query's title key.

    Two queries, each capped and ordered best tier first: ``LIKE '%…%'`` on the title
    keys, which the pg_trgm indexes answer at any size (migration 0004).
    """

    key = query.title_key
    if not key:
        return []
    cap = cap or CANDIDATE_CAP
    own = (
        films.filter(title_key__contains=key)
        .annotate(tier=_title_tier(key))
        .order_by("-tier", "title_key", "pk")
        .values_list("pk", "title_key", "year", "tier")[:cap]
    )
    localized = (
        _restricted_to(FilmTitle.objects.filter(title_key__contains=key), films, "film")
        .annotate(tier=_title_tier(key))
        .order_by("-tier", "title_key", "pk")
        .values_list("film_id", "film__title_key", "film__year", "tier")[:cap]
    )
    return [
        FilmHit(film_id, title_key_, year, title_tier=tier)
        for film_id, title_key_, year, tier in [*own, *localized]
    ]


def text_hits(
    films,
    query: ParsedQuery,
    *,
    language: str | None = None,
    tsquery=None,
    cap: int | None = None,
) -> tuple[list[FilmHit], bool]:
    """Films of ``films`` with a published synopsis matching the query; True when capped.

    Only the first ``cap`` matching synopses are ranked, in one query: a word found in
    half of a million synopses costs as much as a rare one. On PostgreSQL the match runs
    in a MATERIALIZED CTE so it is planned as if every row were wanted (the GIN index for
    selective words, a scan that stops early for common ones), while the outer LIMIT stops
    it, and ranks only the rows it pulls; a plain LIMIT tempts the planner into a scan
    that reads seconds of rows for a word that is rare (docs/search.md).
    """

    cap = cap or CANDIDATE_CAP
    synopses = matching_synopses(query, language=language, tsquery=tsquery)
    rows = _restricted_to(synopses, films, "film").order_by()
    if connection.vendor == "postgresql":
        sql, params = rows.values_list("film_id", "pk", "rank").query.sql_with_params()
        # The titles are joined outside the CTE, to at most cap + 1 rows by primary key.
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH hits AS MATERIALIZED ({sql}) "
                "SELECT hit.film_id, film.title_key, film.year, hit.pk, hit.rank "
                f"FROM (SELECT * FROM hits LIMIT %s) AS hit "
                f"JOIN {Film._meta.db_table} AS film ON film.id = hit.film_id",
                (*params, cap + 1),
            )
            found = cursor.fetchall()
    else:
        columns = ("film_id", "film__title_key", "film__year", "pk", "rank")
        found = list(rows.values_list(*columns)[: cap + 1])
    capped = len(found) > cap
    best: dict[int, FilmHit] = {}
    for film_id, title_key_, year, synopsis_id, rank in found[:cap]:
        hit = best.get(film_id)
        if hit is None or (-rank, synopsis_id) < (-hit.text_rank, hit.synopsis_id):
            best[film_id] = FilmHit(film_id, title_key_, year, 0, rank, synopsis_id)
    return list(best.values()), capped


class SearchResults:
    """The films a query found, best first: what the list, its paginator and the API page.

    Ranking happens once, over capped candidate sets (:func:`title_hits`,
    :func:`text_hits`); a page then loads only its own films, in one query plus the
    prefetches of ``films``. ``capped`` says more synopses matched than were ranked.
    """

    ordered = True  # for Paginator: the order is the ranking

    def __init__(
        self, films, hits: list[FilmHit], *, capped: bool, query: ParsedQuery, tsquery=None
    ) -> None:
        self.films = films
        self.hits = hits
        self.capped = capped
        self.query = query
        self.tsquery = tsquery

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

    def _load(self, hits: list[FilmHit], *, snippets: bool = True) -> list:
        """The films of ``hits``, in order, with their match attributes (and snippets)."""
        by_id = {film.pk: film for film in self.films.filter(pk__in=[h.film_id for h in hits])}
        films = []
        for hit in hits:
            film = by_id[hit.film_id]
            film.title_rank = hit.title_tier
            film.text_rank = hit.text_rank
            film.matched_synopsis_id = hit.synopsis_id
            films.append(film)
        if snippets:
            attach_snippets(films, self.query, tsquery=self.tsquery)
        return films

    def in_order_of(self, films) -> "SearchResults":
        """The same films in the order of ``films`` (an ordering the visitor chose)."""
        ids = [hit.film_id for hit in self.hits]
        ordered = films.filter(pk__in=ids).values_list("pk", flat=True)
        position = {pk: index for index, pk in enumerate(ordered)}
        hits = sorted(self.hits, key=lambda hit: position[hit.film_id])
        return SearchResults(
            self.films, hits, capped=self.capped, query=self.query, tsquery=self.tsquery
        )


def search_films(films, raw: str | None, *, language: str | None = None):
    """Return ``films`` matching ``raw`` in a title or a synopsis: title matches first.

    Returns ``films`` itself when there is nothing to search for, else
    :class:`SearchResults`, ordered by title tier, then text rank, then title. Each film
    of a page carries ``title_rank``, ``text_rank`` and ``matched_synopsis_id`` (its best
    synopsis); a page loads its snippets with it (:func:`attach_snippets`).
    With ``language``, only synopses in that language count as text matches.
    """
    query = parse_query(raw)
    if query is None:
        return films

    tsquery = None
    if connection.vendor == "postgresql":
        tsquery = text_search_query(query, language=language)
    found, capped = text_hits(films, query, language=language, tsquery=tsquery)
    by_film = {hit.film_id: hit for hit in found}
    for hit in title_hits(films, query):
        known = by_film.get(hit.film_id)
        if known is None:
            by_film[hit.film_id] = hit
        elif hit.title_tier > known.title_tier:
            known.title_tier = hit.title_tier
    hits = sorted(by_film.values(), key=lambda hit: hit.relevance)
    return SearchResults(films, hits, capped=capped, query=query, tsquery=tsquery)


def attach_snippets(films, query: ParsedQuery, *, tsquery=None) -> None:
    """Give each film of a page ``match_language`` and ``match_snippet``: one query at most.

    ``tsquery`` is the search's own (PostgreSQL): headlines mark what the search matched.
    """
    for film in films:
        film.match_language = None
        film.match_snippet = ""
    ids = {getattr(film, "matched_synopsis_id", None) for film in films} - {None}
    if not ids:
        return
    synopses = (
        Synopsis.objects.filter(pk__in=ids)
        .only("id", "language", "text", "search_config")
        .order_by()
    )
    use_headline = tsquery is not None
    if use_headline:
        # Escaped before ts_headline sees it: its parser drops whatever looks like a tag
        # ("</mark><script>x</script>" came out as "x"), but keeps entities as they are.
        escaped = F("text")
        for char, entity in HTML_ENTITIES.items():
            escaped = Replace(escaped, Value(char), Value(entity))
        synopses = synopses.annotate(
            headline=SearchHeadline(
                escaped,
                tsquery,
                config=F("search_config"),
                start_sel=MATCH_START,
                stop_sel=MATCH_STOP,
                max_words=40,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
    by_id = {synopsis.pk: synopsis for synopsis in synopses}
    for film in films:
        synopsis = by_id.get(getattr(film, "matched_synopsis_id", None))
        if synopsis is None:
            continue
        film.match_language = synopsis.language
        if (
            use_headline
            and not has_unspaced_script(synopsis.text)
            and MATCH_START in synopsis.headline
        ):
            film.match_snippet = marked_html(synopsis.headline)
        else:
            film.match_snippet = python_snippet(synopsis.text, query, language=synopsis.language)
