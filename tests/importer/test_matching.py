"""Film matching on a small, hand-made knowledge table (independent of fixtures/)."""

import pytest

from films.importer.matching import FilmFacts, FilmMatcher
from films.importer.segmenting import parse_header

SHARED = (("character", "Rocky Balboa"), ("character", "Apollo Creed"), ("character", "Adrian"))
FILMS = [
    FilmFacts(1, "rocky", "Rocky", 1976, ("Rocky",), (*SHARED, ("term", "genert"))),
    FilmFacts(2, "rocky-ii", "Rocky II", 1979, ("Rocky 2",), (*SHARED, ("term", "revanche"))),
    FilmFacts(
        4,
        "rocky-iv",
        "Rocky IV",
        1985,
        ("Rocky IV – Der Kampf des Jahrhunderts", "ร็อคกี้ 4"),
        (*SHARED, ("character", "Ivan Drago"), ("character", "อีวาน ดราโก")),
    ),
    FilmFacts(
        7,
        "rocky-7",
        "Rocky 7",
        2026,
        ("Rocky VII",),
        (("character", "Rocky Balboa"), ("actor", "Mike Tyson")),
    ),
    FilmFacts(
        9,
        "the-karate-kid",
        "The Karate Kid",
        1984,
        (),
        (("character", "Miyagi"), ("character", "Daniel LaRusso"), ("place", "California")),
    ),
]


@pytest.fixture(scope="module")
def matcher():
    return FilmMatcher(FILMS)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Rocky muss zusehen, wie Apollo Creed von Ivan Drago getötet wird.", "rocky-iv"),
        ("ร็อคกี้ต้องเห็น อพอลโล่ ครี้ด ถูก อีวาน ดราโก ชกจนเสียชีวิต", "rocky-iv"),
        ("Ivan Dragos hårde slag.", "rocky-iv"),  # genitive ending
        (
            "Efter sejren kræver alle en revanchekamp mellem Rocky Balboa og Apollo Creed.",
            "rocky-ii",
        ),
        ("Miyagi lehrt Daniel LaRusso in Kalifornien Karate.", "the-karate-kid"),
        ("Viel später sieht man Rocky IV wieder, als Rocky gegen Apollo Creed boxt.", "rocky-iv"),
    ],
)
def test_distinctive_evidence_picks_one_film(matcher, text, slug):
    result = matcher.match(text)
    assert result.film is not None, result
    assert result.film.slug == slug
    assert 0 < result.confidence <= 1


def test_evidence_names_what_decided(matcher):
    result = matcher.match("Apollo Creed stirbt, und Rocky kämpft gegen Ivan Drago.")
    assert "Ivan Drago" in result.evidence
    assert "Apollo Creed" in result.evidence


@pytest.mark.parametrize(
    "text",
    [
        # Names shared by several films single none out: review, with candidates.
        "Rocky Balboa und Apollo Creed treffen sich wieder, Adrian sieht zu.",
    ],
)
def test_ambiguous_synopsis_is_left_for_review_with_ranked_candidates(matcher, text):
    result = matcher.match(text)
    assert result.film is None
    assert len(result.candidates) >= 2
    assert result.candidates[0].score >= result.candidates[1].score


@pytest.mark.parametrize(
    "text",
    [
        "Jake LaMotta, ein Boxer aus der Bronx, zerstört sein Leben durch Eifersucht.",
        "Un jeune panda rêve de devenir maître de kung-fu dans la vallée de la Paix.",
        "Andrew Beckett, an attorney in Philadelphia, is fired from his law firm.",
        "",
    ],
)
def test_films_outside_the_catalogue_are_not_attached(matcher, text):
    assert matcher.match(text).film is None


def test_header_title_and_year_decide(matcher):
    header = parse_header("ROCKY 7: First Trailer (2026) Sylvester Stallone | Concept Trailer")
    result = matcher.match("Rocky Balboa walks into the gym one more time.", header=header)
    assert result.film.slug == "rocky-7"
    assert result.film.evidence[0] == "title “ROCKY 7”"


def test_header_of_an_unknown_work_is_not_forced_onto_a_known_film(matcher):
    header = parse_header("ROCKY 9: Fan Trailer (2031) | Concept Trailer")
    result = matcher.match("Rocky Balboa fights Mike Tyson once more.", header=header)
    assert result.film is None
    assert "2031" in result.reason


def test_a_name_inside_another_word_does_not_count(matcher):
    # "Adrian" must not match inside "Adriana", nor "Miyagi" be found in "Miyagifan".
    assert matcher.match("Adrianatic Miyagifan Californiaa").candidates == ()


def test_titles_that_are_also_names_are_not_title_evidence(matcher):
    # Every Rocky synopsis says "Rocky": that must not count as the title of the 1976 film.
    result = matcher.match("Rocky Rocky Rocky Rocky Rocky.")
    assert result.film is None
