"""Title matches: whole words of title keys, near titles for typos, and what a match says.

A query's title key ("Rocky IV" → "rocky 4", films/text.py) is the whole title key, its
first words, or whole words inside it: "Rocky IV" never finds "iv" inside "rival". Thai is
written without spaces, so a Thai key may match inside a title's words.

When no title holds the query, a word with one typo ("Roky", "Creeed") is corrected to the
title words within one edit (insert, delete, replace or swap two letters) and the titles are
matched again, ranked below any title match and above text matches. The candidates come
from pg_trgm's word similarity on PostgreSQL (the trigram indexes of migration 0004) and
from a deletion-neighbourhood index of the title words in memory elsewhere; the same
edit-distance check decides on both (docs/search.md).
"""

import itertools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from ..caching import catalogue_generation
from ..languages import english_name, has_unspaced_script
from ..models import Film, FilmTitle

# Title tiers: the query is the whole title, its first words, or whole words inside it;
# the same, one typo away, rank below every title match and above text matches.
EXACT_TITLE, TITLE_START, IN_TITLE = 6, 5, 4
NEAR = 3  # subtracted from a near title's tier
# Words shorter than this are not corrected: one edit makes "4" of "5", "ring" of "king".
NEAR_MIN_LENGTH = 4
# Corrected spellings tried at most, and title words considered per query word.
NEAR_KEYS = 6
NEAR_WORDS = 3
# pg_trgm word similarity at which a title is a candidate: a word with two letters swapped
# scores 0.2 against the word meant ("rcoky" / "rocky"), one letter replaced in a 4-letter
# word 0.25; the edit-distance check then decides, as on SQLite.
TRIGRAM_THRESHOLD = 0.2


@dataclass(frozen=True)
class TitleMatch:
    """The title a query matched: which one, in which language, how."""

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


def _matching(key: str) -> tuple[Q, Q]:
    """The condition for titles whose key holds ``key`` as whole words, and for a start."""
    if has_unspaced_script(key):
        return Q(title_key__contains=key), Q(title_key__startswith=key)
    start = Q(title_key__startswith=f"{key} ")
    inside = Q(title_key__contains=f" {key} ") | Q(title_key__endswith=f" {key}")
    return Q(title_key=key) | start | inside, Q(title_key=key) | start


def _tier(key: str, starts: Q):
    return Case(
        When(title_key=key, then=Value(EXACT_TITLE)),
        When(starts, then=Value(TITLE_START)),
        default=Value(IN_TITLE),
        output_field=IntegerField(),
    )


def restricted_to(rows, films, field: str):
    """Keep ``rows`` whose ``field`` is one of ``films``, unless ``films`` is every film."""
    if not films.query.has_filters():
        return rows
    return rows.filter(**{f"{field}__in": films.order_by().values("pk")})


def matching_titles(films, key: str, *, cap: int, near: bool = False) -> list[tuple]:
    """(film_id, film title key, year, tier, TitleMatch) of titles holding ``key``.

    Two queries, each capped and ordered best tier first, served by the pg_trgm indexes on
    PostgreSQL (``LIKE`` patterns) and by a scan of the title keys on SQLite.
    """
    if not key:
        return []
    condition, starts = _matching(key)
    own = (
        films.filter(condition)
        .annotate(tier=_tier(key, starts))
        .order_by("-tier", "title_key", "pk")
        .values_list("pk", "title_key", "year", "tier", "title", "original_language")[:cap]
    )
    localized = (
        restricted_to(FilmTitle.objects.filter(condition), films, "film")
        .annotate(tier=_tier(key, starts))
        .order_by("-tier", "title_key", "pk")
        .values_list(
            "film_id", "film__title_key", "film__year", "tier", "title", "language", "kind"
        )[:cap]
    )
    offset = NEAR if near else 0
    found = [
        (film_id, film_key, year, tier - offset, TitleMatch(title, language, "original", near))
        for film_id, film_key, year, tier, title, language in own
    ]
    found += [
        (film_id, film_key, year, tier - offset, TitleMatch(title, language, kind, near))
        for film_id, film_key, year, tier, title, language, kind in localized
    ]
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


_neighbourhood: tuple[object, dict[str, set[str]]] | None = None


def _title_words_index() -> dict[str, set[str]]:
    """Every title word under itself and each of its one-letter deletions, per generation.

    Two words within one edit share an entry ("rocky" and "roky" both hold "roky"), so a
    lookup costs len(word) + 1 dictionary reads at any catalogue size; built in about 0.1 s
    per 50,000 titles, once per catalogue generation and process.
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
    index: dict[str, set[str]] = {}
    for word in words:
        for deleted in _deletions(word):
            index.setdefault(deleted, set()).add(word)
    _neighbourhood = (generation, index)
    return index


def _candidate_words(word: str) -> set[str]:
    """Title words that may be within one edit of ``word`` (checked afterwards)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Session-wide: only this lookup uses the word-similarity operator.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(TRIGRAM_THRESHOLD)],
            )
            # The most similar titles first (<<-> is 1 - word similarity), so a cap keeps
            # the words meant even when a common trigram finds thousands.
            selects = [
                f"(SELECT title_key FROM {model._meta.db_table} WHERE %s <%% title_key "
                "ORDER BY %s <<-> title_key LIMIT 200)"
                for model in (Film, FilmTitle)
            ]
            cursor.execute(" UNION ".join(selects), [word] * 4)
            return {w for (key,) in cursor.fetchall() for w in key.split()}
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
