"""SQLite's full-text index of the synopses: an FTS5 table, its triggers, match expressions.

SQLite (the embedded default) has no ``tsvector``; FTS5 is built into Python's sqlite3 and
answers a word among 100,000 synopses in milliseconds with bm25 ranking and snippets
(docs/search.md). Imports no models (the migration that creates the index uses it), and
holds the SQLite side of the search's queries: first matches, snippets.

The table is an *external content* table over ``films_synopsis``: it stores the index only.
Triggers fill it on every insert, update and delete, so bulk writes (the importer's
``bulk_create``/``bulk_update``) keep it in step like ``save()`` does. What they index is
``films_search_terms(search_text, language)``, a Python function registered on every SQLite
connection (:func:`register_functions`): each word of ``search_text`` (folded, Thai segmented)
stemmed with its language's Snowball algorithm (films/search/analysis.py).

The content column is ``text`` itself, so ``snippet()`` marks the original words: the
index holds one stem per word of the text, in order, so FTS5's word positions land on the
words they came from. Text in a script written without spaces (Thai) has more index words
than FTS5 finds in it; its snippets are marked in Python, as on PostgreSQL.
"""

from collections.abc import Iterable

from django.db import connection

from .analysis import ParsedQuery, QueryTerm, index_terms, query_words

TABLE = "films_synopsis_fts"
CONTENT_TABLE = "films_synopsis"
FUNCTION = "films_search_terms"
# Folding is done in Python; FTS5 only splits on what is not a letter, mark or number
# (marks too: Thai vowels are marks) and must not fold accents again (Danish "ø").
TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* M*'"
_TERMS = f"{FUNCTION}(%(row)s.search_text, %(row)s.language)"

CREATE_STATEMENTS = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    f"text, content='{CONTENT_TABLE}', content_rowid='id', tokenize=\"{TOKENIZER}\")",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {CONTENT_TABLE} BEGIN "
    f"INSERT INTO {TABLE}(rowid, text) VALUES (new.id, {_TERMS % {'row': 'new'}}); END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON {CONTENT_TABLE} BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, text) "
    f"VALUES ('delete', old.id, {_TERMS % {'row': 'old'}}); END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF search_text, language ON {CONTENT_TABLE} "
    f"BEGIN INSERT INTO {TABLE}({TABLE}, rowid, text) "
    f"VALUES ('delete', old.id, {_TERMS % {'row': 'old'}}); "
    f"INSERT INTO {TABLE}(rowid, text) VALUES (new.id, {_TERMS % {'row': 'new'}}); END",
)
DROP_STATEMENTS = (
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TABLE IF EXISTS {TABLE}",
)
# Rebuild from the synopses (FTS5's own 'rebuild' would index the raw text, not the stems).
REBUILD_STATEMENTS = (
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')",
    f"INSERT INTO {TABLE}(rowid, text) SELECT id, {_TERMS % {'row': CONTENT_TABLE}} "
    f"FROM {CONTENT_TABLE}",
)


def _search_terms(search_text: str | None, language: str | None) -> str:
    # Called by SQLite inside a write: never raise (an exception would fail the write).
    try:
        return index_terms(search_text or "", language or "")
    except Exception:  # a synopsis must always be storable, even unsearchable
        return search_text or ""


def register_functions(dbapi_connection) -> None:
    """Give a sqlite3 connection the function the triggers call (deterministic: same stems)."""
    dbapi_connection.create_function(FUNCTION, 2, _search_terms, deterministic=True)


def create_index(cursor) -> None:
    """Create the FTS5 table and its triggers, and index every synopsis."""
    for statement in (*CREATE_STATEMENTS, *REBUILD_STATEMENTS):
        cursor.execute(statement)


def drop_index(cursor) -> None:
    for statement in DROP_STATEMENTS:
        cursor.execute(statement)


def _phrase(term: QueryTerm, *, stemmer: str, keep_accents: bool) -> str:
    words = query_words(term.body, stemmer=stemmer, keep_accents=keep_accents)
    # The words are letters, marks and numbers only: nothing FTS5 could read as syntax.
    return f'"{" ".join(words)}"' if words else ""


def _expression(terms: tuple[QueryTerm, ...], *, stemmer: str, keep_accents: bool) -> str:
    """websearch's meaning in FTS5 syntax: terms AND-ed, "or" between groups, -x as NOT x."""
    groups: list[list[tuple[bool, str]]] = [[]]
    for term in terms:
        if term.is_or:
            groups.append([])
            continue
        phrase = _phrase(term, stemmer=stemmer, keep_accents=keep_accents)
        if phrase:
            groups[-1].append((term.negated, phrase))
    alternatives = []
    for group in groups:
        wanted = [phrase for negated, phrase in group if not negated]
        if not wanted:
            continue  # FTS5 cannot match "every synopsis without x"
        unwanted = "".join(f" NOT {phrase}" for negated, phrase in group if negated)
        alternatives.append(f"({' AND '.join(wanted)}){unwanted}")
    return " OR ".join(f"({alternative})" for alternative in alternatives)


def match_expression(query: ParsedQuery, languages: Iterable[tuple[str, bool]]) -> str:
    """Return the FTS5 query for ``query`` in any of ``languages`` ((stemmer, keeps accents)).

    As on PostgreSQL, where the query is parsed once per config in use and the results
    OR-ed: a synopsis matches when the query, analysed as some language in use analyses
    it, matches its index words. "" when nothing is left to match.
    """
    expressions = dict.fromkeys(
        _expression(query.terms, stemmer=stemmer, keep_accents=keep)
        for stemmer, keep in sorted(set(languages))
    )
    expressions.pop("", None)
    return " OR ".join(f"({expression})" for expression in expressions)


def first_matches(films, *, match: str, language: str | None, limit: int) -> list[tuple]:
    """(film id, synopsis id, rank) of the first ``limit`` published synopses (those of a
    film) of ``films`` that ``match`` finds, in ``language`` if given.

    Driven by the FTS5 index, joined to synopses by primary key and stopped by the LIMIT:
    only the rows returned are ranked (bm25 counts the word's synopses once, for its weight).
    bm25 is lower for better matches: negated, higher is better.
    """
    if not match:
        return []
    where, params = "", [match]
    if language:
        where, params = " AND synopsis.language = %s", [match, language]
    restriction, restriction_params = films.restriction_sql("synopsis.film_id")
    where += restriction
    params += restriction_params
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT synopsis.film_id, synopsis.id, -bm25({TABLE}) "
            f"FROM {TABLE} JOIN {CONTENT_TABLE} AS synopsis ON synopsis.id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH %s AND synopsis.film_id IS NOT NULL{where} LIMIT %s",
            [*params, limit],
        )
        return cursor.fetchall()


def snippets(ids: set[int], match: str, *, start: str, stop: str) -> list[tuple]:
    """(id, language, text, snippet) of the synopses ``ids``, the words ``match`` found
    between ``start`` and ``stop``; none when ``match`` is empty."""
    if not match or not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT synopsis.id, synopsis.language, synopsis.text, "
            f"snippet({TABLE}, 0, %s, %s, ' … ', 32) FROM {TABLE} "
            f"JOIN {CONTENT_TABLE} AS synopsis ON synopsis.id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH %s AND {TABLE}.rowid IN ({marks})",
            [start, stop, match, *sorted(ids)],
        )
        return cursor.fetchall()
