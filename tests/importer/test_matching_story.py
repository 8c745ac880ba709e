"""How the matcher reads a synopsis: distinctive evidence, story order, recaps, neighbours,
plot concepts and learned names, on a small hand-made catalogue (films/importer/matching.py)."""

import pytest

from films.importer.matching import FilmFacts, FilmMatcher

CAST = (("character", "Nora Vale"), ("character", "Tomas Reyes"), ("actor", "Lena Marsh"))
SAGA = [
    FilmFacts(1, "harbour", "Harbour Lights", 1990, (), CAST, "harbour", 1),
    FilmFacts(
        2,
        "harbour-2",
        "Harbour Lights II",
        1993,
        (),
        (*CAST, ("character", "Ivar Sandberg"), ("concept", "rematch")),
        "harbour",
        2,
    ),
    FilmFacts(
        3,
        "harbour-3",
        "Harbour Lights III",
        1997,
        (),
        (*CAST, ("character", "Greta Holm"), ("concept", "marriage")),
        "harbour",
        3,
    ),
    FilmFacts(
        -1,
        "outside-1",
        "Harbour Tales",
        2020,
        (),
        (("neighbour", "Nora Vale"), ("neighbour", "Pim Oster"), ("neighbour", "Kaja Lind")),
        outside=True,
    ),
]


@pytest.fixture(scope="module")
def matcher():
    return FilmMatcher(SAGA)


def slug(result):
    return result.film.slug if result.film else None


def test_names_every_film_shares_point_to_the_film_that_introduced_them(matcher):
    result = matcher.match("Nora Vale meets the sailor Tomas Reyes, played by Lena Marsh.")
    assert slug(result) == "harbour"
    assert any("introduces" in item for item in result.film.evidence)


def test_a_sequels_own_name_rules_out_the_films_before_it(matcher):
    text = "Nora Vale and Tomas Reyes face the smuggler Ivar Sandberg on the docks."
    result = matcher.match(text)
    assert slug(result) == "harbour-2"
    first = next(c for c in result.candidates if c.slug == "harbour")
    assert "before a film the text names" in first.evidence


def test_a_recap_of_the_previous_film_points_to_the_next_one(matcher):
    text = "Years after beating Ivar Sandberg, Nora Vale marries Tomas Reyes; Greta Holm returns."
    assert slug(matcher.match(text)) == "harbour-3"


def test_a_plot_concept_alone_decides_nothing(matcher):
    result = matcher.match("The wedding of two strangers in a small town.")
    assert result.film is None
    assert result.reason == "no character or title is named"


def test_a_plot_concept_tells_sequels_that_share_every_name_apart(matcher):
    assert slug(matcher.match("Nora Vale and Tomas Reyes demand a rematch.")) == "harbour-2"
    assert slug(matcher.match("Nora Vale and Tomas Reyes plan their wedding.")) == "harbour-3"


def test_a_concept_counts_once_however_many_of_its_words(matcher):
    once = matcher.match("Nora Vale and Tomas Reyes demand a rematch.")
    twice = matcher.match("Nora Vale and Tomas Reyes demand a rematch, a revanche, a Rückkampf.")
    assert once.candidates[0].score == twice.candidates[0].score


def test_a_work_outside_the_catalogue_keeps_its_synopsis_unassigned(matcher):
    result = matcher.match("Nora Vale returns with Pim Oster and Kaja Lind in a new series.")
    assert result.film is None
    assert result.reason == "outside the catalogue: probably Harbour Tales (2020)"
    assert result.evidence == "outside the catalogue: probably Harbour Tales (2020)"
    assert all(candidate.film_id > 0 for candidate in result.candidates)


def test_a_first_name_alone_only_corroborates(matcher):
    assert matcher.match("Ivar arrives in town.").film is None
    assert (
        slug(matcher.match("The smuggler Ivar threatens Nora Vale and Tomas Reyes.")) == "harbour-2"
    )


def test_a_single_word_name_counts_only_where_it_is_written_as_a_name():
    facts = [
        FilmFacts(1, "a", "A", 2000, (), (("character", "Hope"),)),
        FilmFacts(2, "b", "B", 2001),
    ]
    matcher = FilmMatcher(facts)
    assert matcher.match("There is no hope left in the town.").candidates == ()
    assert matcher.match("The girl called Hope leaves town.").candidates[0].slug == "a"


def test_years_in_the_text_count_for_the_films_of_that_year(matcher):
    text = "Nora Vale, Tomas Reyes and Lena Marsh in the 1993 film."
    result = matcher.match(text)
    assert slug(result) == "harbour-2"
    assert "1993" in result.film.evidence


def test_learned_names_decide_only_what_the_knowledge_leaves_open():
    facts = [
        FilmFacts(1, "harbour", "Harbour Lights", 1990, (), CAST, "harbour", 1),
        FilmFacts(
            2, "harbour-2", "Harbour Lights II", 1993, (), CAST, "harbour", 2, learned=("Oskar",)
        ),
    ]
    matcher = FilmMatcher(facts)
    # The knowledge decides: the learned name is not even weighed.
    decided = matcher.match("Nora Vale meets Tomas Reyes and Lena Marsh.")
    assert slug(decided) == "harbour"
    assert "Oskar" not in decided.film.evidence
    # Between two films the knowledge cannot tell apart, the learned name decides.
    facts[0] = FilmFacts(1, "harbour", "Harbour Lights", 1990, (), CAST)
    facts[1] = FilmFacts(2, "harbour-2", "Harbour Lights II", 1993, (), CAST, learned=("Oskar",))
    open_case = FilmMatcher(facts).match("Nora Vale, Tomas Reyes and their friend Oskar.")
    assert slug(open_case) == "harbour-2"
    assert "Oskar" in open_case.film.evidence


def test_short_concept_words_are_ignored_across_languages():
    # "çöl" (Turkish: desert) folds to "col", an Italian word for "with the".
    facts = [
        FilmFacts(1, "a", "A", 2000, (), (("character", "Nora Vale"), ("concept", "desert"))),
        FilmFacts(2, "b", "B", 2001, (), (("character", "Nora Vale"),)),
    ]
    result = FilmMatcher(facts).match("Col tempo Nora Vale cambia.")
    assert all("desert" not in candidate.evidence for candidate in result.candidates)
