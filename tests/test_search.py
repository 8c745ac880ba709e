import html

import pytest

from films.models import Film
from films.search.analysis import (
    MAX_QUERY_LENGTH,
    clean_query,
    marked_html,
    parse_query,
    python_snippet,
    search_columns,
)
from films.search.queries import search_films

from .factories import FilmFactory, SynopsisFactory


def test_search_columns_keep_danish_letters_but_fold_spanish_accents():
    assert search_columns(text="De mødes", language="da").search_blob == "de mødes"
    assert search_columns(text="Decisión", language="es").search_blob == "decision"
    columns = search_columns(text="ร็อคกี้ยังคง", language="th")
    assert columns.search_config == "simple"
    assert columns.search_text == "ร็อคกี้ ยังคง"
    assert columns.search_blob == "ร็อคกี้ยังคง"


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
def test_snippets_never_drop_visible_text_nor_add_marks(client, db, text, kept):
    # Written past save() (a bulk loader, an old import): the markers reach the database.
    synopsis = SynopsisFactory(language="en", text="A boxer.")  # search columns: "boxer"
    type(synopsis).objects.filter(pk=synopsis.pk).update(text=text)
    [film] = client.get("/films/", {"q": "boxer"}).context["films"]
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

    from films.search.queries import matching_synopses

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'synopsis_search_vector_gin'"
        )
        assert "USING gin (search_vector)" in cursor.fetchone()[0]
    sql = str(matching_synopses(parse_query("boksere")).query)
    assert "search_config" not in sql.split("WHERE")[1]
    with connection.cursor() as cursor:
        # Planners prefer a scan on a table this small; forbid it to see the index is usable.
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        plan = matching_synopses(parse_query("boksere")).order_by().explain()
        cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
    assert "'boks'" in plan and "::tsquery" in plan


def test_a_search_ranks_at_most_the_candidate_cap_and_says_so(client, db, monkeypatch):
    monkeypatch.setattr("films.search.queries.CANDIDATE_CAP", 3)
    for number in range(5):
        SynopsisFactory(language="en", text=f"A boxer story number {number}.")
    results = search_films(Film.objects.all(), "boxer")
    assert results.capped and len(results) == 3
    html = client.get("/films/", {"q": "boxer"}).content.decode()
    assert "more synopses match than are ranked" in html
    assert not search_films(Film.objects.all(), "story number 4").capped


def test_a_search_page_loads_only_its_own_films_with_snippets(client, db):
    for number in range(15):
        SynopsisFactory(language="en", text=f"A boxer story number {number}.")
    response = client.get("/films/", {"q": "boxer", "page": 2})
    films = response.context["films"]
    assert len(films) == 3 and response.context["paginator"].count == 15
    assert all("<mark>boxer</mark>" in film.match_snippet.lower() for film in films)


def test_search_with_a_chosen_ordering_keeps_every_match(client, catalogue):
    relevance = {film.slug for film in search_films(Film.objects.all(), "Rocky")}
    response = client.get("/films/", {"q": "Rocky", "ordering": "year"})
    films = response.context["films"]
    assert {film.slug for film in films} <= relevance
    assert [film.year for film in films] == sorted(film.year for film in films)


@pytest.mark.postgres
def test_postgres_query_holds_each_lexeme_once(db):
    """Eleven configs parse "berg" alike; eleven copies would make the planner scan."""
    from films.search.queries import matching_tsquery

    configs = ["danish", "english", "german", "simple", "spanish", "swedish"]
    tsquery = matching_tsquery(parse_query("Berg"), configs)
    sql, params = tsquery.as_sql(None, None)
    assert sql == "%s::tsquery" and params[0].count("'berg'") == 1


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
