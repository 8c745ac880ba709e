import gc
import html

import pytest
from django.db import connection
from django.utils import translation

from films.models import Film
from films.search import analysis as analysis_module
from films.search import titles as titles_module
from films.search.analysis import (
    MAX_QUERY_LENGTH,
    clean_query,
    index_terms,
    marked_html,
    parse_query,
    python_snippet,
    search_columns,
    stemmed_snippet,
)
from films.search.queries import search_films
from films.search.titles import TitleMatch, matching_titles, near_keys, within_one_edit

from .factories import FilmFactory, FilmTitleFactory, SynopsisFactory, make_search_examples
from .listing import listed_films


def test_search_columns_keep_danish_letters_but_fold_spanish_accents():
    assert search_columns(text="De mødes", language="da").search_text == "de mødes"
    assert search_columns(text="Decisión", language="es").search_text == "decision"
    columns = search_columns(text="ร็อคกี้ยังคง", language="th")
    assert columns.search_config == "simple"
    assert columns.search_text == "ร็อคกี้ ยังคง"


def test_clean_query_caps_length_and_drops_nul():
    assert clean_query("Roc\x00ky  4 ") == "Rocky 4"
    assert len(clean_query("x" * 100_000)) == MAX_QUERY_LENGTH
    assert clean_query(None) == ""


@pytest.mark.parametrize("raw", ["", "   ", "!!!", "\x00", "-", '""'])
def test_parse_query_of_nothing_is_none(raw):
    assert parse_query(raw) is None


def test_parse_query_keeps_websearch_syntax():
    query = parse_query('"cold Philadelphia" -Tyson or Decisión')
    assert query.websearch_folded == '"cold philadelphia" -tyson or decision'
    assert query.websearch_plain == '"cold philadelphia" -tyson or decisión'
    assert query.title_key == "cold philadelphia tyson or decision"


def test_marked_html_turns_markers_into_marks_and_keeps_the_escaping():
    assert (
        marked_html("&lt;b&gt;\u0002Rocky\u0003&lt;/b&gt;")
        == "&lt;b&gt;<mark>Rocky</mark>&lt;/b&gt;"
    )


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("</mark><script>x</script> A boxer fights on.", "&gt;&lt;script&gt;x&lt;/script&gt; A"),
        (
            "A boxer <b>bold</b> & a 'quoted' \"word\" &amp; an entity.",
            "&lt;b&gt;bold&lt;/b&gt; &amp; a &#x27;quoted&#x27; &quot;word&quot; &amp;amp; an",
        ),
        ("A boxer with \u0002markers\u0003 written by an old import.", "with markers written"),
    ],
)
@pytest.mark.postgres  # SQLite's FTS5 snippets follow the search columns, which save() fills
def test_snippets_never_drop_visible_text_nor_add_marks(client, db, text, kept):
    # Written past save() (a bulk loader, an old import): the markers reach the database.
    synopsis = SynopsisFactory(language="en", text="A boxer.")  # search columns: "boxer"
    type(synopsis).objects.filter(pk=synopsis.pk).update(text=text)
    [film] = client.get("/en/films/", {"q": "boxer"}).context["films"]
    snippet = film.match_snippet
    assert snippet.count("<mark>") == 1 and snippet.count("</mark>") == 1
    assert "<mark>boxer</mark>" in snippet.lower()
    visible = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in visible and "\u0002" not in visible and "\u0003" not in visible
    # A run of the text, escaped (PostgreSQL's headline may trim punctuation at its ends).
    assert visible in html.escape(text.replace("\u0002", "").replace("\u0003", ""))
    assert kept in visible


@pytest.mark.parametrize(
    ("text", "query", "language", "marked"),
    [
        ("El combate termina con una decisión dividida.", "decision", "es", "decisión"),
        ("ร็อคกี้ยังคงเป็นนักสู้", "นักสู้", "th", "นักสู้"),
        ("A <script> & a fighter", "FIGHTER", "en", "fighter"),
    ],
)
def test_python_snippet_marks_the_original_text(text, query, language, marked):
    snippet = python_snippet(text, parse_query(query), language=language)
    assert f"<mark>{marked}</mark>" in snippet
    assert "<script>" not in snippet


LONG_TEXT = " ".join(["A boxer trains."] + ["Filler words go on."] * 20 + ["Boxers rest."])


@pytest.mark.parametrize(
    ("text", "query", "language", "expected"),
    [
        ("Two boxers meet in the ring.", "boxer", "en", "Two <mark>boxers</mark> meet"),
        ("Blandt tilskuerne sidder boksere.", "bokser", "da", "sidder <mark>boksere</mark>."),
        ("El combate termina con una decisión.", "decision", "es", "<mark>decisión</mark>"),
        ("A <b>boxer</b> & co", "boxer", "en", "A &lt;b&gt;<mark>boxer</mark>&lt;/b&gt; &amp; co"),
        # Excluded words are not marked; "or" is an operator, not a word.
        ("A boxer and a dancer.", "boxer -dancer", "en", "A <mark>boxer</mark> and a dancer."),
        ("A boxer or a dancer.", "boxer or dancer", "en", "<mark>boxer</mark> or a <mark>dan"),
        # Matches far apart: two runs of words, cut and joined with ellipses.
        (LONG_TEXT, "boxer", "en", "<mark>boxer</mark> trains. Filler"),
        (LONG_TEXT, "boxer", "en", "Filler … go on."),
        (LONG_TEXT, "boxer", "en", "<mark>Boxers</mark> rest."),
    ],
)
def test_stemmed_snippet_marks_the_words_the_search_matched(text, query, language, expected):
    snippet = stemmed_snippet(text, parse_query(query), language=language)
    assert expected in snippet
    assert "<b>" not in snippet and len(snippet) < len(html.escape(text)) + 40


def test_stemmed_snippet_is_none_when_no_word_matches():
    assert stemmed_snippet("A dancer.", parse_query("boxer"), language="en") is None


def test_matching_titles_caps_each_key_and_table_and_reads_inside_titles_last(db):
    for title in ("Storm", "Storm Rising", "Storm Front", "Perfect Storm"):
        FilmTitleFactory(film=FilmFactory(title=title), title=f"{title} (copy)", language="da")
    FilmFactory(title="Calm")
    found = matching_titles(Film.objects.all(), ["storm", "calm"], cap=2)
    by_key = {}
    for _film_id, film_key, _year, tier, match in found:
        by_key.setdefault((film_key.split()[-1] == "calm", match.kind), []).append(tier)
    # Two of the four per table for "storm": the whole title, then a title starting with it;
    # "perfect storm" (inside) is not read while the first part fills the cap.
    assert by_key[(False, "original")] == [6, 5]
    assert by_key[(False, "localized")] == [5, 5]
    assert by_key[(True, "original")] == [6]


@pytest.mark.parametrize(
    ("key", "starting"),
    [
        ("storm", ["storm", "storm alesund", "storm front", "storm rising"]),  # whole words
        ("stor", []),  # never inside a word
        ("ร็อค", ["ร็อคกี้"]),  # written without spaces: any letters that follow
    ],
)
def test_titles_starting_with_a_key_are_read_in_code_point_order(db, key, starting):
    for title in ("Storm Rising", "Storm", "Stormy", "Storm Front", "Storm-Ålesund", "ร็อคกี้"):
        FilmFactory(title=title)
    found = matching_titles(Film.objects.all(), [key], cap=10)
    assert [film_key for _id, film_key, _year, tier, _match in found if tier > 4] == starting


@pytest.mark.postgres
def test_postgres_titles_starting_with_a_key_are_a_range_of_the_code_point_index(db):
    """Read in order and stopped at the cap: a key in half of all titles reads no more."""
    for number in range(40):
        FilmFactory(title=f"Zorro {number}")
    sql, params = titles_module._capped_parts(connection, Film.objects.all(), ["zorro"], 5)
    with connection.cursor() as cursor:
        # Planners prefer a scan on a table this small; forbid it to see the index is usable.
        cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan")
    first = plan.split("CTE first1")[0]
    assert "Index Scan using film_title_key_c" in first and "Sort" not in first.split("CTE")[1]


def slugs(query, **kwargs):
    return [film.slug for film in search_films(Film.objects.all(), query, **kwargs)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Rocky 4", "rocky-iv"),
        ("rocky iv", "rocky-iv"),
        ("ROCKY IV", "rocky-iv"),
        ("Rocky Ⅳ", "rocky-iv"),
        ("Ｒｏｃｋｙ ４", "rocky-iv"),
        ("Rocky IV (1985)", "rocky-iv"),
        ("ร็อคกี้ 4", "rocky-iv"),  # a localized Thai title
        ("Rocky IV: Duellen", "rocky-iv"),  # a localized Danish title
        ("rocky", "rocky"),  # exact title before the sequels
        ("Rocky Balboa", "rocky-balboa"),  # exact title above a title that contains it
        ("karate kid", "the-karate-kid"),  # article dropped
        ("Miyagi", "the-karate-kid"),  # synopsis text
        ("decision dividida", "rocky-balboa"),  # accents never matter
        ("DECISIÓN", "rocky-balboa"),
        ("campeon", "rocky-balboa"),
        ("ร็อคกี้", "rocky"),  # Thai title first ...
        ("นักสู้", "rocky-balboa"),  # ... and a Thai word inside a run of Thai text
        ("อพอลโล่", "rocky-balboa"),
        ("Roc\x00ky 4", "rocky-iv"),  # NUL bytes are dropped
    ],
)
def test_search_first_result(catalogue, query, first):
    assert slugs(query)[0] == first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ร็อคกี้", {"rocky", "rocky-iv", "rocky-balboa"}),  # titles and the Thai synopsis
        ("Philadelphia", {"rocky", "one-more-round"}),
        ("bokser", {"rocky-iv"}),
        ("secret", set()),  # only in a pending synopsis: never public
        ("zzzzqqq", set()),
        ("x" * 100_000, set()),
    ],
)
def test_search_finds(catalogue, query, expected):
    assert expected <= set(slugs(query))
    if not expected:
        assert slugs(query) == []


def test_title_match_ranks_above_synopsis_match(catalogue):
    # "Philadelphia" is in the Danish synopsis of Rocky; a film titled so must come first.
    FilmFactory(title="Philadelphia", slug="philadelphia", year=1993)
    assert slugs("philadelphia")[0] == "philadelphia"


def test_danish_letters_are_not_folded_into_false_matches(db):
    film = SynopsisFactory(language="da", text="De mødes igen i ringen.").film
    assert slugs("modes") == []
    assert slugs("mødes") == [film.slug]
    assert slugs("MØDES") == [film.slug]


def test_search_restricted_to_a_language(catalogue):
    films = search_films(Film.objects.with_language("th"), "Rocky", language="th")
    assert [film.slug for film in films] == ["rocky-balboa"]
    assert "rocky-balboa" in slugs("Dixon", language="es")
    assert slugs("Dixon", language="da") == []


def test_empty_query_returns_everything(catalogue):
    assert search_films(Film.objects.all(), "").count() == Film.objects.count()


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("text", "language", "query"),
    [
        ("Han er en russisk bokser.", "da", "boksere"),
        ("Han er en berømt pokerspiller.", "da", "pokerspillere"),
        ("The fighter returns to the ring.", "en", "fighters"),
        ("Los boxeadores pelean.", "es", "boxeador"),
        ("Die Boxer kämpfen.", "de", "Boxern"),
    ],
)
def test_postgres_stemming_in_the_synopsis_language(db, text, language, query):
    film = SynopsisFactory(language=language, text=text).film
    assert slugs(query) == [film.slug]


@pytest.mark.postgres
def test_postgres_websearch_syntax(catalogue):
    assert "one-more-round" in slugs('"cold Philadelphia"')
    assert "one-more-round" not in slugs("Philadelphia -Tyson")
    assert {"rocky-balboa", "the-karate-kid"} <= set(slugs("Miyagi or Dixon"))


@pytest.mark.postgres
def test_postgres_ranks_the_better_text_match_first(db):
    once = SynopsisFactory(language="en", text="A boxer walks home. Then it rains.").film
    often = SynopsisFactory(language="en", text="Boxer against boxer: the boxer wins.").film
    assert slugs("boxer") == [often.slug, once.slug]


@pytest.mark.postgres
def test_postgres_text_query_can_use_the_gin_index(catalogue):
    """The query is one constant tsquery (configs OR'd), never a per-row config (docs/search.md)."""
    from django.db import connection

    from films.search.pgtext import matches_sql
    from films.search.queries import text_search_query

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'synopsis_search_vector_gin'"
        )
        assert "USING gin (search_vector)" in cursor.fetchone()[0]
    matches, _params = matches_sql(Film.objects.all(), None)
    assert "search_config" not in matches.split("WHERE")[1]
    # The query is parsed in the statement (films/search/pgtext.py CombinedTsQuery): the
    # index takes its value when the statement runs. Planners prefer a scan (or the index
    # on film ids) on a table this small; forbid the scan and ask for the match alone.
    parse, params = text_search_query(parse_query("boksere")).parse()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN WITH parsed_query AS MATERIALIZED ({parse}) SELECT id FROM films_synopsis "
            "WHERE search_vector @@ (SELECT query FROM parsed_query)",
            params,
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "Bitmap Index Scan on synopsis_search_vector_gin" in plan


def _in_sample(ids, size):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::bigint[]) AS id WHERE (hashint8(id) & %s) = 0",
            [list(ids), size - 1],
        )
        return {pk for (pk,) in cursor.fetchall()}


@pytest.mark.postgres
def test_postgres_a_common_word_is_ranked_in_the_smallest_sample_holding_enough(db):
    from films.search.pgtext import SEARCH_SAMPLES, sample_enough
    from films.search.queries import text_hits

    ids = {
        SynopsisFactory(language="en", text=f"A boxer story, chapter {n}.").pk for n in range(200)
    }
    query = parse_query("boxer")
    found, capped = text_hits(Film.objects.all(), query, cap=2)
    # The smallest sample holding enough of the 200 to rank (1 in 8 holds about 25).
    enough = sample_enough(2)
    sample = next(
        _in_sample(ids, size) for size in SEARCH_SAMPLES if len(_in_sample(ids, size)) >= enough
    )
    assert capped and len(found) == 2
    assert {hit.synopsis_id for hit in found} <= sample
    # A word in fewer synopses than the cap is found in the whole index, wherever it is.
    rare = SynopsisFactory(language="en", text="A lone prizefighter.")
    found, capped = text_hits(Film.objects.all(), parse_query("prizefighter"), cap=2)
    assert not capped and [hit.synopsis_id for hit in found] == [rare.pk]


@pytest.mark.postgres
def test_postgres_a_sample_with_enough_matches_is_ranked_whole_and_says_it_is_capped(db):
    from films.search.pgtext import SEARCH_SAMPLES, sample_enough
    from films.search.queries import text_hits

    ids = {
        SynopsisFactory(language="en", text=f"A boxer story, chapter {n}.").pk for n in range(200)
    }
    cap = 40  # more than the 1 in 8 sample holds (about 25), fewer than all 200
    sample = next(
        _in_sample(ids, size)
        for size in SEARCH_SAMPLES
        if len(_in_sample(ids, size)) >= sample_enough(cap)
    )
    assert len(sample) <= cap
    found, capped = text_hits(Film.objects.all(), parse_query("boxer"), cap=cap)
    # Every match of that sample, none from outside it, and the page says more match.
    assert {hit.synopsis_id for hit in found} == sample
    assert capped


def test_each_search_sample_is_at_most_the_cap_over_enough_times_the_one_before():
    # A sample that follows one holding fewer than enough matches then holds about the cap
    # at most: a wider step ranked twice the candidates a query needed (docs/search.md).
    from films.search.analysis import CANDIDATE_CAP
    from films.search.pgtext import SEARCH_SAMPLES, sample_enough

    widening = CANDIDATE_CAP // sample_enough(CANDIDATE_CAP)
    assert list(SEARCH_SAMPLES) == sorted(SEARCH_SAMPLES, reverse=True)
    assert all(
        larger // smaller <= widening
        for larger, smaller in zip(SEARCH_SAMPLES, SEARCH_SAMPLES[1:], strict=False)
    )


@pytest.mark.postgres
def test_postgres_each_search_sample_has_its_index_and_vectors_stay_in_the_row(db):
    from films.search.pgtext import SEARCH_SAMPLES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'films_synopsis'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"  # MAIN: ts_rank reads no TOAST table
        for size in SEARCH_SAMPLES:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                [f"synopsis_search_sample_{size}"],
            )
            (definition,) = cursor.fetchone()
            assert f"(hashint8(id) & {size - 1})" in definition.replace("::bigint", "")


def test_a_search_ranks_at_most_the_candidate_cap_and_says_so(client, db, monkeypatch):
    monkeypatch.setattr("films.search.queries.CANDIDATE_CAP", 3)
    for number in range(5):
        SynopsisFactory(language="en", text=f"A boxer story number {number}.")
    results = search_films(Film.objects.all(), "boxer")
    # The first 3 of the 5; on PostgreSQL a sample holding enough (2, sample_enough) of them
    # may be the one ranked instead, as the synopses' ids fall.
    assert results.capped and 2 <= len(results) <= 3
    html = client.get("/en/films/", {"q": "boxer"}).content.decode()
    assert "more synopses match than are ranked" in html
    assert not search_films(Film.objects.all(), "story number 4").capped


def test_a_search_page_loads_only_its_own_films_with_snippets(client, db):
    for number in range(15):
        SynopsisFactory(language="en", text=f"A boxer story number {number}.")
    response = client.get("/en/films/", {"q": "boxer", "page": 2})
    films = response.context["films"]
    assert len(films) == 3 and response.context["paginator"].count == 15
    assert all("<mark>boxer</mark>" in film.match_snippet.lower() for film in films)


def test_search_with_a_chosen_ordering_keeps_every_match(client, catalogue):
    relevance = {film.slug for film in search_films(Film.objects.all(), "Rocky")}
    response = client.get("/en/films/", {"q": "Rocky", "ordering": "year"})
    films = listed_films(response)
    assert {film.slug for film in films} <= relevance
    assert [film.year for film in films] == sorted(film.year for film in films)


@pytest.mark.postgres
def test_postgres_query_holds_each_lexeme_once(db):
    """Eleven configs parse "berg" alike; eleven copies would make the planner scan."""
    from films.search.pgtext import combined_tsquery

    configs = ["danish", "english", "german", "simple", "spanish", "swedish"]
    sql, params = combined_tsquery(parse_query("Berg"), configs).parse()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT query::text FROM ({sql}) AS parsed", params)
        assert cursor.fetchone()[0] == "'berg'"
        # Words some configs drop (English stopwords) are still searched in the others.
        sql, params = combined_tsquery(parse_query("the Berg"), ["english", "simple"]).parse()
        cursor.execute(f"SELECT query::text FROM ({sql}) AS parsed", params)
        assert cursor.fetchone()[0] == "'berg' | 'the' & 'berg'"
        # Nothing left in any config: no query, which matches nothing.
        sql, params = combined_tsquery(parse_query("the"), ["english"]).parse()
        cursor.execute(f"SELECT query FROM ({sql}) AS parsed", params)
        assert cursor.fetchone()[0] is None


@pytest.mark.postgres
def test_postgres_the_text_statement_is_prepared_once_and_answers_every_query_alike(db):
    """Bound on the server, one shape of the text statement is planned once per connection."""
    from django.db import connection

    SynopsisFactory(language="en", text="A boxer trains in the rain before the fight.")
    SynopsisFactory(language="en", text="A dancer trains at night.")
    expected = {word: slugs(word) for word in ("boxer", "trains", "nothing")}
    for _ in range(3):  # psycopg prepares a statement on its sixth run
        assert {word: slugs(word) for word in expected} == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [text for (text,) in cursor.fetchall()]
    assert [text for text in prepared if "step0 AS MATERIALIZED" in text]
    assert len(expected["trains"]) == 2 and not expected["nothing"]


@pytest.mark.postgres
def test_postgres_title_statements_over_every_film_are_prepared_and_filtered_ones_planned(db):
    """Over every film, the title statement has one generic plan per connection; a filter's
    values reach a plan only when it is made for them (films/search/prepared.py)."""
    FilmFactory(title="The Harbour Boxer", year=1990)
    FilmFactory(title="Boxer at Night", year=2010)
    every = Film.objects.all()
    later = Film.objects.filter(year__gte=2000)

    def titles(films, key):
        return sorted(match.title for *_, match in matching_titles(films, [key], cap=500))

    for _ in range(3):  # psycopg prepares a statement on its sixth run
        assert titles(every, "boxer") == ["Boxer at Night", "The Harbour Boxer"]
        assert titles(every, "harbour boxer") == ["The Harbour Boxer"]
        assert titles(later, "boxer") == titles(later, "boxer at") == ["Boxer at Night"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [text for (text,) in cursor.fetchall() if "inside0 AS MATERIALIZED" in text]
    assert len(prepared) == 1  # one shape: the two keys share it
    assert " IN (SELECT" not in prepared[0]  # the year filter's statement was not prepared


@pytest.mark.parametrize(
    ("raw", "websearch"),
    [
        ("ของ", ""),  # "of": dropped, as PostgreSQL drops "the" from English queries
        ("ว่า Rocky", "rocky"),
        ("นักสู้", '"นัก สู้"'),  # content words stay (segmented, searched as a phrase)
        ('"ของ"', '"ของ"'),  # quoted: searched as written
    ],
)
def test_thai_function_words_are_not_searched_for(raw, websearch):
    assert parse_query(raw).websearch_folded == websearch


@pytest.mark.postgres
def test_postgres_a_thai_stopword_alone_finds_no_text(db):
    SynopsisFactory(language="th", text="ร็อคกี้ยังคงเป็นนักสู้ของฟิลาเดลเฟีย")
    assert slugs("ของ") == []
    assert len(slugs("นักสู้")) == 1


# 200 characters of websearch and FTS5 syntax: never an error, never a match by accident.
OPERATORS = ('" OR AND NOT NEAR ( ) * ^ : + - "" -( NEAR(a b) col: ' * 10)[:MAX_QUERY_LENGTH]

# The search table: the same films, in the same order, on SQLite and on PostgreSQL. The
# order is documented in docs/search.md: title tier (whole title, its first words, words
# inside it; the same one typo away), then text rank, then title key. Text-only matches
# rank by each engine's own measure (bm25, ts_rank), so no case here has two of them.
SEARCH_TABLE = [
    ("Rocky IV", ["rocky-iv"]),  # never "iv" inside "rival" or "finansrådgiver"
    ("Rocky 4", ["rocky-iv"]),
    ("rocky iv (1985)", ["rocky-iv"]),
    ("ร็อคกี้ 4", ["rocky-iv"]),  # its Thai title
    ("boksere", ["rocky-iv"]),  # Danish stemming: the plural finds the singular ...
    ("bokser", ["rocky-iv"]),  # ... and the singular the plural
    (
        "Roky",
        [  # one letter missing: the Rocky titles, whole title first
            "rocky",
            "rocky-ii",
            "rocky-iii",
            "rocky-iv",
            "rocky-v",
            "rocky-balboa",
            "creed",
            "one-more-round",
        ],
    ),  # fmt: skip
    ("Creeed", ["creed"]),  # one letter too many
    ("Rcoky Balboa", ["rocky-balboa", "one-more-round"]),  # two letters swapped
    ("La leyenda", ["creed"]),  # words inside a Spanish title
    ("decision dividida", ["rocky-balboa"]),  # accents never matter ...
    ("DECISIÓN", ["rocky-balboa"]),
    ("søster", ["the-rival"]),  # ... except Danish letters of their own
    ("soster", []),
    ("นักสู้", ["rocky-balboa"]),  # a Thai word inside a run of Thai text
    ("ร็อคกี้", ["rocky", "rocky-iv", "rocky-balboa"]),  # Thai titles, then Thai text
    ("Miyagi -Tyson", ["the-karate-kid"]),
    ('"cold Philadelphia" -Tyson', []),
    ("zzzzqqq", []),
    (OPERATORS, []),
]


@pytest.fixture
def search_catalogue(catalogue):
    return make_search_examples(catalogue)


@pytest.mark.parametrize(("query", "expected"), SEARCH_TABLE, ids=[q[:20] for q, _ in SEARCH_TABLE])
def test_search_table_on_this_database(search_catalogue, query, expected):
    assert slugs(query) == expected


def test_the_operators_query_is_a_search_of_the_full_length():
    assert len(OPERATORS) == MAX_QUERY_LENGTH
    assert parse_query(OPERATORS) is not None


def test_a_plural_and_its_singular_find_the_same_films(search_catalogue):
    assert slugs("boksere") == slugs("bokser") == ["rocky-iv"]


def test_a_title_match_says_which_title_and_language(search_catalogue):
    [creed] = search_films(Film.objects.public(), "La leyenda")[:1]
    assert (creed.match_title, creed.match_title_language) == ("Creed: La leyenda de Rocky", "es")
    assert creed.match_title_kind == "localized" and not creed.match_title_near
    assert str(creed.match_title_label) == "Spanish title"
    with translation.override("da"):  # Django's own catalogue names the language
        assert str(creed.match_title_label).startswith("Spansk ")
    [rocky_iv] = search_films(Film.objects.public(), "Rocky 4")[:1]
    assert (rocky_iv.match_title, rocky_iv.match_title_kind) == ("Rocky IV", "original")
    [near] = search_films(Film.objects.public(), "Creeed")[:1]
    assert near.match_title == "Creed" and near.match_title_near


def test_a_text_match_keeps_its_snippet_and_names_no_title(search_catalogue):
    [film] = search_films(Film.objects.public(), "boksere")[:1]
    assert film.match_title is None
    assert "<mark>boksere</mark>" in film.match_snippet
    assert film.match_language == "da"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (TitleMatch("Creed: La leyenda de Rocky", "es", "localized"), "Spanish title"),
        (TitleMatch("ร็อคกี้ 4", "th", "localized"), "Thai title"),
        (TitleMatch("Rocky IV", "en", "original"), "Original title"),
        (TitleMatch("Rocky 6", "en", "alias"), "Also known as"),
        (TitleMatch("Creed", "en", "original", near=True), "Close to your search"),
        (TitleMatch("Creed", "", "localized"), "Other title"),
    ],
)
def test_title_match_labels(label, expected):
    assert str(label.label) == expected


def test_the_page_explains_a_title_match(client, search_catalogue):
    html = client.get("/en/films/", {"q": "La leyenda"}).content.decode()
    assert 'Spanish title: <span lang="es">Creed: La leyenda de Rocky</span>' in html


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("roky", "rocky", True),  # deleted
        ("creeed", "creed", True),  # inserted
        ("rcoky", "rocky", True),  # swapped
        ("ricky", "rocky", True),  # replaced
        ("rky", "rocky", False),
        ("yrock", "rocky", False),
        ("abcd", "badc", False),
    ],
)
def test_within_one_edit(a, b, near):
    assert within_one_edit(a, b) is near
    assert within_one_edit(b, a) is near


def test_near_keys_correct_only_long_words_no_title_has(search_catalogue):
    assert near_keys("roky 4") == ["rocky 4"]
    assert near_keys("rocky") == []  # a title word already
    assert near_keys("rok") == []  # too short to correct


def test_the_title_word_index_is_not_walked_by_the_garbage_collector(search_catalogue):
    # Tuples of strings, untracked after a collection: sets were walked by every one of them.
    index = titles_module._title_words_index()
    gc.collect()
    assert index and not any(gc.is_tracked(words) for words in index.values())
    assert index["roky"] == ("rocky",)


def test_folded_snippet_words_are_kept_untracked_and_bounded(monkeypatch):
    monkeypatch.setattr(analysis_module, "_FOLDED_WORDS", {False: {}, True: {}})
    monkeypatch.setattr(analysis_module, "_FOLDED_WORDS_SIZE", 2)
    assert [analysis_module._folded_word(w, False) for w in ("Årets", "Mødes", "Æble")] == [
        "arets",
        "modes",
        "aeble",
    ]
    known = analysis_module._FOLDED_WORDS[False]
    assert known == {"Æble": "aeble"}  # emptied when full, then the new word kept
    assert not gc.is_tracked(known)


def test_stemmed_snippet_words_are_kept_per_algorithm_untracked_and_bounded(monkeypatch):
    monkeypatch.setattr(analysis_module, "_STEMMED_WORDS", {})
    monkeypatch.setattr(analysis_module, "_FOLDED_WORDS_SIZE", 3)
    stems = analysis_module._stemmed_words
    assert stems(["Boxers", "boxing", "Boxers"], "english", False) == ["boxer", "box", "boxer"]
    assert stems(["Boxers"], "", False) == ["boxers"]  # not stemmed: another entry
    # Emptied when the new words would overflow it, then the text's words kept.
    assert stems(["dancers", "Runs"], "english", False) == ["dancer", "run"]
    known = analysis_module._STEMMED_WORDS[("english", False)]
    assert known == {"dancers": "dancer", "Runs": "run"}
    assert not gc.is_tracked(known)


def test_a_typo_is_not_corrected_when_a_title_matches(search_catalogue):
    FilmFactory(title="Roky", slug="roky", year=2001)
    assert slugs("Roky") == ["roky"]


def test_a_word_a_synopsis_holds_is_not_corrected_to_a_title(search_catalogue):
    # "rocks" is one edit from the title word "rocky"; a synopsis holds it, so it is a word.
    film = FilmFactory(title="Quarry Days", slug="quarry-days", year=2003)
    SynopsisFactory(film=film, language="en", text="Two climbers split rocks for a living.")
    assert slugs("rocks") == ["quarry-days"]
    # Found nowhere, the same typo is corrected: the title one edit away is offered.
    assert "rocky" in slugs("rockz")


def test_index_terms_are_one_stem_per_word():
    assert index_terms("blandt tilskuerne sidder pokerspillere", "da") == (
        "bland tilsku sid pokerspil"
    )
    assert index_terms("the fighters", "en") == "the fighter"
    assert index_terms("ร็อคกี้ ยังคง", "th") == "ร็อคกี้ ยังคง"  # no stemmer: as it is
    assert len(index_terms("ʼrocky d'angelo", "en").split()) == 2


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's FTS5 index (PostgreSQL has its tsvector)"
)


def fts_rows(match):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM films_synopsis_fts WHERE films_synopsis_fts MATCH %s ORDER BY 1",
            [match],
        )
        return [row for (row,) in cursor.fetchall()]


@sqlite_only
def test_fts_index_follows_saves_bulk_writes_and_deletes(db):
    from films.models import Synopsis

    synopsis = SynopsisFactory(language="en", text="A boxer trains.")
    assert fts_rows('"boxer"') == [synopsis.pk]
    Synopsis.objects.filter(pk=synopsis.pk).update(search_text="a wrestler trains")
    assert fts_rows('"boxer"') == [] and fts_rows('"wrestler"') == [synopsis.pk]
    synopsis.text, synopsis.search_text = "Dos boxeadores.", "dos boxeadores"
    synopsis.language = "es"
    Synopsis.objects.bulk_update([synopsis], ["text", "search_text", "language"])
    assert fts_rows('"boxeador"') == [synopsis.pk]  # stemmed as Spanish now
    [created] = Synopsis.objects.bulk_create(
        [Synopsis(text="Ein Boxer.", language="de", source_checksum="x", source_file="f",
                  source_first_line=1, source_last_line=1, search_text="ein boxer")]
    )  # fmt: skip
    assert fts_rows('"box"') == [created.pk]
    Synopsis.objects.filter(pk__in=[synopsis.pk, created.pk]).delete()
    assert fts_rows('"boxeador" OR "box" OR "wrestler"') == []


@sqlite_only
def test_fts_triggers_exist_after_every_migration(db):
    # A migration that remakes films_synopsis on SQLite drops its triggers: this says so.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        triggers = [name for (name,) in cursor.fetchall()]
    assert triggers == [f"films_synopsis_fts_{event}" for event in ("delete", "insert", "update")]


@sqlite_only
def test_fts_snippet_marks_the_original_words(search_catalogue):
    [film] = search_films(Film.objects.public(), "DECISIÓN")[:1]
    assert "<mark>decisión</mark>" in film.match_snippet
    [film] = search_films(Film.objects.public(), "fighters")[:1]
    assert "<mark>fighter</mark>" in film.match_snippet or "<mark>fighters</mark>" in (
        film.match_snippet
    )


def test_text_matches_of_equal_rank_are_in_film_order_and_a_title_match_leads(db):
    # Three films whose synopses hold the word alike (equal rank on either engine), created
    # in an order their titles do not follow; one of them also has the word in its title.
    text = "A quiet lighthouse keeper rows out every night."
    created = [
        SynopsisFactory(film=FilmFactory(title=title, slug=slug), text=text).film
        for title, slug in [
            ("Zephyr Rising", "zephyr"),
            ("Anchor Bay", "anchor"),
            ("Mid Tide", "mid"),
        ]
    ]
    assert slugs("lighthouse") == [film.slug for film in sorted(created, key=lambda f: f.pk)]
    created[2].titles.create(title="Lighthouse Tide", language="en", kind="alias")
    # The title match first, with its text rank kept; then the others in film order.
    results = search_films(Film.objects.all(), "lighthouse")
    films = results[0:3]
    assert [film.slug for film in films] == ["mid", "zephyr", "anchor"]
    assert films[0].match_title == "Lighthouse Tide"
    assert films[0].matched_synopsis_id == created[2].synopses.get().pk
    assert films[0].text_rank == films[1].text_rank > 0
