"""PostgreSQL's text search: one tsquery for every language searched, and the statement that
finds a query's first matching synopses in sampled GIN indexes.

The counterpart of SQLite's full-text index (films/search/fts.py); films/search/queries.py
ranks what either finds. docs/search.md.
"""

from typing import NamedTuple

from django.db import connections, router

from ..languages import FALLBACK_CONFIG, LANGUAGES
from ..models import Synopsis
from .analysis import ParsedQuery
from .prepared import search_cursor

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
    PostgreSQL in the first CTE of the text statement (:func:`first_matches`).

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


# Sampled GIN indexes (films/migrations/0010_synopsis_search_samples.py and
# 0012_search_sample_ladder_of_four.py): 1 in 2048, 512, 128, 32 and 8 synopses, by a hash of
# the id. A query looks for its candidates in the smallest sample first and widens only while
# a sample holds fewer than enough of them to rank.
SEARCH_SAMPLES = (2048, 512, 128, 32, 8)


def sample_enough(cap: int) -> int:
    """Matches a sample must hold to be the one ranked: a quarter of the cap (125 of 500).

    A uniform sample of at least 125 ranks as well as the first 500 the full index happens
    to return. Each sample is four times the one before it, the cap over this quarter: one
    that follows a sample short of enough holds about the cap at most. Eight times apart,
    a word just short of enough in one sample read and ranked 500 candidates from the next
    where about 250 would do (two common words at a million synopses: 2.0 ms of text hits
    against 1.0, docs/performance.md); each bitmap is built whole before its first match is
    ranked.
    """
    return max(2, cap // 4)


def _in_sample(size: int) -> str:
    # The partial indexes' own predicate, constant in the SQL so the planner can use them.
    return f"(hashint8(matched.pk) & {int(size) - 1}) = 0"


# The text statement's first CTE: the query, parsed once (:func:`first_matches`), which the
# matches of every step read (:func:`matches_sql`).
_PARSED_QUERY = "parsed_query"


def matches_sql(films, language: str | None) -> tuple[str, list]:
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
    restriction, restriction_params = films.restriction_sql("film_id")
    return sql + restriction, params + restriction_params


def first_matches(films, tsquery: CombinedTsQuery, *, language: str | None, cap: int) -> list:
    """(film_id, synopsis id, rank, step) of at most ``cap`` + 1 published synopses of
    ``films`` matching ``tsquery`` (in ``language``); ``step`` is the sample they came from
    (len(SEARCH_SAMPLES): all synopses).

    A word in 44,000 of a million synopses built a bitmap of all 44,000 before the first
    candidate was read (13 ms). Each sample holds 1/2048 to 1/8 of them: a step reads
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
    half of the statement's time at a million synopses (docs/performance.md). Over every film,
    bound on the server, so that it is parsed and planned once per connection; over films a
    filter chose, planned for the filter's values (films/search/prepared.py).
    """
    sql, params = matches_sql(films, language)
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
    with search_cursor(connections[router.db_for_read(Synopsis)], films) as cursor:
        cursor.execute(
            f"WITH {', '.join(steps)} {' UNION ALL '.join(chosen)} LIMIT {cap + 1}", all_params
        )
        return cursor.fetchall()
