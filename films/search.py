"""Search: language → PostgreSQL text-search config, search columns, query parsing, snippets.

Every synopsis stores three derived columns, filled by :func:`search_columns` from
``Synopsis.save()`` (the importer saves one synopsis at a time):

- ``search_config``: the PostgreSQL ``regconfig`` of its language (``da`` → ``danish``);
- ``search_text``: the text the ``tsvector`` is generated from: Thai segmented into
  space-separated words (PostgreSQL has no Thai parser), Latin accents folded except in
  languages where the marked letter is a different letter (Danish ``mødes`` ≠ ``modes``);
- ``search_blob``: the SQLite matcher's haystack: case-folded, punctuation-free, accents
  folded the same way, Thai left unsegmented so a substring finds a Thai word anywhere.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .text import _fold_char, has_thai, title_key

# Longest query we look at; longer input is cut, never rejected.
MAX_QUERY_LENGTH = 200
# Most synopses a text query ranks: enough for any page a person reads, and a word found in
# half of a million synopses costs what a rare one does (~5 ms to rank 500 at a million synopses).
CANDIDATE_CAP = 500

# BCP 47 primary subtag → PostgreSQL text-search configuration (`\dF` on PostgreSQL 15).
SEARCH_CONFIGS: dict[str, str] = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
# Thai (no PostgreSQL parser: we segment it ourselves) and anything unknown.
FALLBACK_CONFIG = "simple"

# Languages whose marked letters are letters of their own: folding them makes false
# matches (Danish "mødes" meets/"modes" fashions, Swedish "får" sheep/"far" father).
KEEPS_DIACRITICS = frozenset(
    {"da", "nb", "nn", "no", "sv", "fi", "is", "fo", "de", "et", "hu", "tr", "pl", "cs", "sk"}
)

# Names the Thai dictionary lacks; without them "ร็อคกี้" becomes "ร็อค|กี้" (notes §3).
THAI_NAMES = (
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


def primary_subtag(language: str) -> str:
    return language.split("-")[0].lower()


def search_config_for(language: str) -> str:
    """Return the PostgreSQL text-search config of a BCP 47 tag: "da-DK" → "danish"."""
    return SEARCH_CONFIGS.get(primary_subtag(language), FALLBACK_CONFIG)


def folds_accents(language: str) -> bool:
    return primary_subtag(language) not in KEEPS_DIACRITICS


@lru_cache(maxsize=1)
def _thai_dictionary():
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    return dict_trie(set(thai_words()) | set(THAI_NAMES))


_THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")


def segment_thai(text: str) -> str:
    """Return ``text`` with every run of Thai split into space-separated words (offline)."""
    if not has_thai(text):
        return text
    from pythainlp.tokenize import word_tokenize

    trie = _thai_dictionary()

    def split(match: re.Match) -> str:
        words = word_tokenize(match.group(), custom_dict=trie, engine="newmm")
        return " " + " ".join(word for word in words if word.strip()) + " "

    return " ".join(_THAI_RUN.sub(split, text).split())


@lru_cache(maxsize=1)
def _thai_stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


def is_thai_stopword_run(words: str) -> bool:
    """True when ``words`` (segmented) are Thai function words only: ของ "of", ว่า "that".

    PostgreSQL's configs drop their languages' stopwords from queries ("the" finds nothing
    in English); Thai has no config, so a query term made only of Thai stopwords is dropped
    here. Such a word is in nearly every Thai synopsis, and ranking it said nothing. A
    phrase keeps its stopwords: dropping one would break the words' adjacency.
    """
    return has_thai(words) and all(word in _thai_stopwords() for word in words.split())


def normalise(text: str, *, fold_accents: bool = True) -> str:
    """Return ``text`` case-folded, punctuation as single spaces, Latin accents folded if asked.

    Only Latin letters lose their marks: Thai vowels and tone marks are combining
    characters, and stripping them destroys the word.
    """
    text = unicodedata.normalize("NFKC", text.replace("\x00", "")).casefold()
    chars = []
    for char in text:
        if unicodedata.category(char)[0] not in "LNM":
            chars.append(" ")
        elif fold_accents:
            chars.append(_fold_char(char))
        else:
            chars.append(char)
    return " ".join("".join(chars).split())


@dataclass(frozen=True)
class SearchColumns:
    search_config: str
    search_text: str
    search_blob: str


def search_columns(*, text: str, language: str) -> SearchColumns:
    """Return a synopsis's derived search columns."""
    normalised = normalise(text, fold_accents=folds_accents(language))
    return SearchColumns(
        search_config=search_config_for(language),
        search_text=segment_thai(normalised),
        search_blob=normalised,
    )


def clean_query(raw: str | None) -> str:
    """Return the query as searched: NUL bytes gone, whitespace collapsed, length capped."""
    if not raw:
        return ""
    text = raw.replace("\x00", "")[: MAX_QUERY_LENGTH * 4]
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


@dataclass(frozen=True)
class ParsedQuery:
    """A visitor's query in the shapes each matcher needs."""

    raw: str
    title_key: str
    # Word variants for the SQLite matcher: every word must be found, in one of its forms.
    words: tuple[tuple[str, ...], ...]
    # websearch text for PostgreSQL, with and without Latin accents folded, Thai segmented.
    websearch_folded: str
    websearch_plain: str


def parse_query(raw: str | None) -> ParsedQuery | None:
    """Return the parsed query, or None when there is nothing to search for."""
    query = clean_query(raw)
    if not normalise(query):
        return None
    words = []
    for token in normalise(query, fold_accents=False).split():
        folded = normalise(token)
        words.append((folded,) if folded == token else (folded, token))

    def websearch(fold_accents: bool) -> str:
        # Keep websearch's operators ("quoted phrase", -exclude, or) but fold the words.
        parts = re.findall(r'"[^"]*"|\S+', query)
        out = []
        for part in parts:
            if part.lower() == "or":
                out.append("or")
                continue
            prefix = "-" if part.startswith("-") and len(part) > 1 else ""
            body = part[len(prefix) :]
            quoted = body.startswith('"')
            words_ = segment_thai(normalise(body, fold_accents=fold_accents))
            if not words_ or (not quoted and is_thai_stopword_run(words_)):
                continue
            out.append(f'{prefix}"{words_}"' if quoted or " " in words_ else prefix + words_)
        return " ".join(out)

    return ParsedQuery(
        raw=query,
        title_key=title_key(query),
        words=tuple(words),
        websearch_folded=websearch(True),
        websearch_plain=websearch(False),
    )


# Markers PostgreSQL puts around a match; the snippet is escaped before they become <mark>.
MATCH_START = "\u0002"
MATCH_STOP = "\u0003"


def snippet_html(headline: str) -> str:
    """Return a headline with match markers as safe HTML: everything else escaped."""
    escaped = html.escape(headline.replace("\n", " "))
    return escaped.replace(MATCH_START, "<mark>").replace(MATCH_STOP, "</mark>")


@lru_cache(maxsize=8192)
def _folded_char(char: str, fold_accents: bool) -> str:
    piece = char.casefold()
    if fold_accents:
        piece = "".join(_fold_char(c) for c in unicodedata.normalize("NFKC", piece))
    return piece


def _folded_with_offsets(text: str, *, fold_accents: bool) -> tuple[str, list[int]]:
    """Return ``text`` folded as the search folds it, and each folded character's source index.

    Characters are folded through a cache: a synopsis repeats a few dozen distinct ones, and
    folding each afresh was most of a Thai search page's time (2 ms per snippet).
    """
    pieces = [_folded_char(char, fold_accents) for char in text]
    if all(len(piece) == 1 for piece in pieces):
        return "".join(pieces), list(range(len(text)))
    offsets: list[int] = []
    for index, piece in enumerate(pieces):
        offsets.extend([index] * len(piece))
    return "".join(pieces), offsets


def python_snippet(text: str, query: ParsedQuery, *, language: str, width: int = 220) -> str:
    """Return an HTML snippet of ``text`` around the first word of ``query`` it contains."""
    fold_accents = folds_accents(language)
    folded, offsets = _folded_with_offsets(text, fold_accents=fold_accents)
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


# PostgreSQL configs whose languages keep their diacritics (see KEEPS_DIACRITICS).
_CONFIGS_KEEPING_DIACRITICS = frozenset(
    {search_config_for(language) for language in KEEPS_DIACRITICS} - {FALLBACK_CONFIG}
)


def _websearch_text(query: ParsedQuery, config: str) -> str:
    if config in _CONFIGS_KEEPING_DIACRITICS:
        return query.websearch_plain
    return query.websearch_folded


def postgres_query(query: ParsedQuery, configs: list[str]):
    """Return the OR of one websearch query per config: constant configs keep the GIN index."""
    from django.contrib.postgres.search import SearchQuery

    combined = None
    for config in sorted(set(configs)) or [FALLBACK_CONFIG]:
        part = SearchQuery(_websearch_text(query, config), config=config, search_type="websearch")
        combined = part if combined is None else combined | part
    return combined


def _tsquery_literal(text: str):
    from django.contrib.postgres.search import SearchQuery

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
    from django.db import connection

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
        from .caching import language_counts

        configs = [search_config_for(language) for language, _ in language_counts()]
    return matching_tsquery(query, configs)


def matching_synopses(query: ParsedQuery, *, language: str | None = None, tsquery=None):
    """Return published synopses whose text matches ``query``, annotated with ``rank``.

    On PostgreSQL ``tsquery`` (from :func:`text_search_query`) saves parsing it again.
    """
    from django.contrib.postgres.search import SearchRank
    from django.db import connection
    from django.db.models import F, FloatField, Q, Value

    from .models import Synopsis

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
    from django.db.models import Case, IntegerField, Value, When

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
    from .models import FilmTitle

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
    that reads seconds of rows for a word that is rare (notes §2, "planner pitfall").
    """
    from django.db import connection

    from .models import Film

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
    from django.db import connection

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
    from django.contrib.postgres.search import SearchHeadline
    from django.db.models import F

    from .models import Synopsis

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
        synopses = synopses.annotate(
            headline=SearchHeadline(
                "text",
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
        if use_headline and not has_thai(synopsis.text) and MATCH_START in synopsis.headline:
            film.match_snippet = snippet_html(synopsis.headline)
        else:
            film.match_snippet = python_snippet(synopsis.text, query, language=synopsis.language)
