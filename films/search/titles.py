"""Title matches: whole words of title keys, near titles for typos, and what a match says.

A query's title key ("Rocky IV" → "rocky 4", films/text.py) is the whole title key, its
first words, or whole words inside it: "Rocky IV" never finds "iv" inside "rival". Thai is
written without spaces, so a Thai key may match inside a title's words.

When no title holds the query, a word with one typo ("Roky", "Creeed") is corrected to the
title words within one edit (insert, delete, replace or swap two letters) and the titles are
matched again, ranked below any title match and above text matches. The candidates come
from a deletion-neighbourhood index of the title words, in memory, rebuilt once per
catalogue generation and process; an edit-distance check decides (docs/search.md).
"""

import itertools
from typing import NamedTuple

from django.db import connections
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from ..caching import catalogue_generation
from ..languages import english_name, has_unspaced_script
from ..models import Film, FilmTitle
from .prepared import search_cursor

# Title tiers: the query is the whole title, its first words, or whole words inside it;
# the same, one typo away, rank below every title match and above text matches.
EXACT_TITLE, TITLE_START, IN_TITLE = 6, 5, 4
NEAR = 3  # subtracted from a near title's tier
# Words shorter than this are not corrected: one edit makes "4" of "5", "ring" of "king".
NEAR_MIN_LENGTH = 4
# Corrected spellings tried at most, and title words considered per query word.
NEAR_KEYS = 6
NEAR_WORDS = 3


class TitleMatch(NamedTuple):
    """The title a query matched: which one, in which language, how.

    A named tuple: a key in half of all titles makes a thousand of them per search, and a
    frozen dataclass cost three times as much to build.
    """

    title: str
    language: str
    kind: str  # "original", "localized" or "alias" (FilmTitle.kind)
    near: bool = False  # found by correcting a typo

    @property
    def label(self):
        """What the result calls this title, in the visitor's language (lazy): "Spanish title"."""
        if self.near:
            return _("Close to your search")
        if self.kind == "original":
            return _("Original title")
        if self.kind == "alias":
            return _("Also known as")
        # Django's catalogues translate its language names ("Spanish" → "Spansk").
        language = _(english_name(self.language)) if self.language else _("Other")
        return capfirst(format_lazy(_("{language} title"), language=language))


def _in_code_point_order(connection, column: str) -> str:
    """``column`` compared and sorted by code point, as Python sorts the hits.

    PostgreSQL: the "C" collation, which the title-key indexes of
    films/migrations/0011_title_key_code_point_indexes.py are built on. A database in another
    collation (even C.UTF-8) cannot turn a prefix into a range of its own index: a key in
    half of all titles was found by reading every title before it in the index. SQLite's
    default (BINARY) is code point order already.
    """
    if connection.vendor == "postgresql":
        return f'({column}::text COLLATE "C")'
    return column


def _conditions(connection, column: str, key: str) -> tuple[str, list, str, list]:
    """The SQL for titles whose key is or starts with ``key``, and for those holding it
    only further in, as whole words (any letters in a script written without spaces).

    The first is a range of the key's code point index, read in order: a key that starts
    ten thousand titles reads only the first ``cap`` of them. Title keys hold letters,
    numbers and marks, single spaces between (films/text.py ``title_key``), so the keys
    from ``key`` up to ``key + "!"`` are the key itself and the keys starting with its words.
    """
    ordered = _in_code_point_order(connection, column)
    unspaced = has_unspaced_script(key)
    # Without spaces: every key starting with these letters; else "!", the character after
    # the space, ends the keys starting with these words.
    upper = key[:-1] + chr(ord(key[-1]) + 1) if unspaced else f"{key}!"
    starts, starts_params = f"{ordered} >= %s AND {ordered} < %s", [key, upper]
    like = (
        f"{connection.ops.lookup_cast('contains', 'CharField') % column} "
        + (connection.operators["contains"])
    )
    escaped = connection.ops.prep_for_like_query(key)
    if unspaced:
        return starts, starts_params, f"{like} AND NOT ({starts})", [f"%{escaped}%", key, upper]
    inside = f"({like} OR {like}) AND NOT ({starts})"
    return starts, starts_params, inside, [f"% {escaped} %", f"% {escaped}", key, upper]


# What each table gives a title match, in one shape: its key and row id (the order), then
# the film's id, key and year, and the title, its language and kind.
_FILM_TITLES = (
    "SELECT {key} AS sort_key, t.id AS row_id, t.id, t.title_key, t.year, t.title, "
    f"t.original_language, 'original' FROM {Film._meta.db_table} AS t "
    "WHERE {condition}{restriction}"
)
_LOCALIZED_TITLES = (
    "SELECT {key} AS sort_key, t.id AS row_id, t.film_id, f.title_key, f.year, t.title, "
    f"t.language, t.kind FROM {FilmTitle._meta.db_table} AS t "
    f"JOIN {Film._meta.db_table} AS f ON f.id = t.film_id WHERE {{condition}}{{restriction}}"
)
_TABLES = ((_FILM_TITLES, "t.id"), (_LOCALIZED_TITLES, "t.film_id"))


def _capped_parts(connection, films, keys: list[str], cap: int) -> tuple[str, list]:
    """One statement reading, per key and table, the titles that are or start with the key,
    then those holding it further in, at most ``cap`` of them: (group, part, *row).

    The first part is read in title-key order and capped, so a key that starts tens of
    thousands of titles reads ``cap`` entries of the title-key index instead of sorting them
    all. The second part is read only while the first found fewer than ``cap`` (PostgreSQL
    evaluates the count once and skips the second scan: a key that starts half of all
    titles never reads the titles holding it further in); on PostgreSQL it is a MATERIALIZED
    CTE, ordered and capped outside it, so that even a generic plan, which cannot see its
    ``LIKE`` patterns, reads it from the trigram index instead of walking the title-key index
    through every title (films/search/prepared.py). Written in SQL, not built by the ORM,
    and every key and table in one statement: compiling four querysets per key cost more
    than running them, and a query's typo corrections were twelve queries
    (docs/performance.md).
    """
    ctes, cte_params, selects, select_params = [], [], [], []
    restrictions = {column: films.restriction_sql(column) for _, column in _TABLES}
    key_sql = _in_code_point_order(connection, "t.title_key")
    sort_key = _in_code_point_order(connection, "sort_key")
    materialized = " MATERIALIZED" if connection.vendor == "postgresql" else ""
    for number, (key, (select, column)) in enumerate(itertools.product(keys, _TABLES)):
        starts, starts_params, inside, inside_params = _conditions(connection, "t.title_key", key)
        restriction, restriction_params = restrictions[column]
        first = select.format(key=key_sql, condition=starts, restriction=restriction)
        second = select.format(key=key_sql, condition=inside, restriction=restriction)
        ctes.append(f"first{number} AS ({first} ORDER BY {key_sql}, t.id LIMIT %s)")
        ctes.append(f"inside{number} AS{materialized} ({second})")
        cte_params += [*starts_params, *restriction_params, cap]
        cte_params += [*inside_params, *restriction_params]
        selects.append(
            f"SELECT {number}, 0, * FROM first{number} UNION ALL SELECT {number}, 1, * "
            f"FROM (SELECT * FROM inside{number} ORDER BY {sort_key}, row_id LIMIT %s) "
            f"AS second{number} WHERE (SELECT count(*) FROM first{number}) < %s"
        )
        select_params += [cap, cap]
    sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)} ORDER BY 1, 2, 3, 4"
    return sql, cte_params + select_params


def matching_titles(films, keys: list[str], *, cap: int, near: bool = False) -> list[tuple]:
    """(film_id, film title key, year, tier, TitleMatch) of titles holding any of ``keys``.

    Per key and table, titles that are or start with the key first, then titles holding it
    further in, each in title-key order and capped (:func:`_capped_parts`): a key in half
    of all titles cost 21 ms at 50,000 films when every match was sorted by tier. The
    pg_trgm indexes serve the ``LIKE`` patterns inside titles on PostgreSQL; SQLite scans
    the title keys.
    """
    keys = [key for key in keys if key]
    if not keys:
        return []
    connection = connections[films.db]
    sql, params = _capped_parts(connection, films, keys, cap)
    with search_cursor(connection, films) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    offset = NEAR if near else 0
    found, taken = [], [0] * (len(keys) * len(_TABLES))
    # _make, not the class: a named tuple's constructor is a Python function, twice as slow
    # for the 500 titles a name in half the catalogue starts.
    new_match = TitleMatch._make
    for group, part, title_key, _pk, film_id, film_key, year, title, language, kind in rows:
        if taken[group] == cap:
            continue
        taken[group] += 1
        # The tier from the row's own key: a CASE in SQL cost more to compile than to run.
        if part:
            tier = IN_TITLE
        else:
            tier = EXACT_TITLE if title_key == keys[group // len(_TABLES)] else TITLE_START
        found.append(
            (film_id, film_key, year, tier - offset, new_match((title, language, kind, near)))
        )
    return found


def within_one_edit(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with at most one letter inserted, deleted, replaced or swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]  # one letter inserted at i
    replaced = a[i + 1 :] == b[i + 1 :]
    swapped = i + 1 < len(a) and (a[i], a[i + 1]) == (b[i + 1], b[i]) and a[i + 2 :] == b[i + 2 :]
    return replaced or swapped


def _deletions(word: str) -> set[str]:
    return {word} | {word[:index] + word[index + 1 :] for index in range(len(word))}


_neighbourhood: tuple[object, dict[str, tuple[str, ...]]] | None = None


def _title_words_index() -> dict[str, tuple[str, ...]]:
    """Every title word under itself and each of its one-letter deletions, per generation.

    Two words within one edit share an entry ("rocky" and "roky" both hold "roky"), so a
    lookup costs len(word) + 1 dictionary reads at any catalogue size; built in about 0.1 s
    per 50,000 titles, once per catalogue generation and process. The entries are tuples of
    strings, which the garbage collector stops tracking: as sets, the 87,000 entries of
    50,000 films were walked by every full collection of the process (100-200 ms, every
    few seconds of searching).
    """
    global _neighbourhood
    generation = catalogue_generation()
    if _neighbourhood is not None and _neighbourhood[0] == generation:
        return _neighbourhood[1]
    titles = FilmTitle.objects.order_by().values_list("title_key")
    keys = Film.objects.order_by().values_list("title_key").union(titles)
    words = {
        word
        for (key,) in keys.iterator()
        for word in key.split()
        if len(word) >= NEAR_MIN_LENGTH - 1
    }
    found: dict[str, set[str]] = {}
    for word in words:
        for deleted in _deletions(word):
            found.setdefault(deleted, set()).add(word)
    index = {deleted: tuple(sorted(near)) for deleted, near in found.items()}
    _neighbourhood = (generation, index)
    return index


def _candidate_words(word: str) -> set[str]:
    """Title words that may be within one edit of ``word`` (checked afterwards).

    From the in-process index on every database: pg_trgm's word similarity, which
    PostgreSQL used, took 80-90 ms for a short common word at 50,000 films.
    """
    index = _title_words_index()
    return set().union(*(index.get(deleted, ()) for deleted in _deletions(word)))


def near_keys(key: str) -> list[str]:
    """Title keys ``key`` may have meant: each long word not in a title, corrected."""
    options = []
    for word in key.split():
        if len(word) < NEAR_MIN_LENGTH or not word.isalpha() or has_unspaced_script(word):
            options.append([word])
            continue
        near = sorted(w for w in _candidate_words(word) if within_one_edit(word, w))
        options.append([word] if not near or word in near else near[:NEAR_WORDS])
    keys = (" ".join(words) for words in itertools.product(*options))
    return [near for near in itertools.islice(keys, NEAR_KEYS + 1) if near != key][:NEAR_KEYS]
