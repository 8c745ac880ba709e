"""Editorial decisions (films/review.py), called directly rather than through the admin."""

import pytest

from films import review
from films.importer.language import LanguageGuess
from films.importer.matching import Candidate, MatchResult
from films.importer.storing import checksum
from films.models import ReviewStatus, Synopsis

from .factories import FilmFactory, FilmKnowledgeFactory, ReviewEntryFactory, SynopsisFactory

AUTO, PENDING, REVIEWED = ReviewStatus.AUTO, ReviewStatus.PENDING, ReviewStatus.REVIEWED

# --- The rules, without the database ---


@pytest.mark.parametrize(
    ("is_edited", "status", "may_overwrite"),
    [
        (False, AUTO, True),
        (False, PENDING, True),
        (False, REVIEWED, False),
        (True, AUTO, False),
        (True, PENDING, False),
        (True, REVIEWED, False),
    ],
)
def test_an_import_keeps_an_editors_version(is_edited, status, may_overwrite):
    synopsis = Synopsis(is_edited=is_edited, review_status=status)
    assert review.importer_may_overwrite(synopsis) is may_overwrite


@pytest.mark.parametrize(
    ("film_found", "language_uncertain", "status"),
    [(True, False, AUTO), (True, True, PENDING), (False, False, PENDING), (False, True, PENDING)],
)
def test_the_importer_decides_only_when_sure_of_film_and_language(
    film_found, language_uncertain, status
):
    assert (
        review.automatic_status(film_found=film_found, language_uncertain=language_uncertain)
        == status
    )


CREED = Candidate(
    film_id=7, slug="creed", title="Creed", year=2015, score=2.456, evidence=("Adonis",)
)


@pytest.mark.parametrize(
    ("match", "uncertain", "expected"),
    [
        (
            MatchResult(CREED, 0.8, (CREED,)),
            False,
            {"film_id": 7, "review_status": AUTO, "match_evidence": "Adonis"},
        ),
        (
            MatchResult(CREED, 0.8, (CREED,)),
            True,
            {"film_id": 7, "review_status": PENDING, "match_evidence": "Adonis"},
        ),
        (
            MatchResult(None, 0.0, (CREED,), "too little evidence for any film"),
            False,
            {"film_id": None, "review_status": PENDING, "match_evidence": ""},
        ),
    ],
)
def test_apply_analysis_sets_language_film_and_status(match, uncertain, expected):
    synopsis = Synopsis(is_edited=False)
    review.apply_analysis(
        synopsis=synopsis, language=LanguageGuess("da", 0.912345, uncertain), match=match
    )
    assert (synopsis.language, synopsis.language_confidence) == ("da", 0.9123)
    assert synopsis.language_uncertain is uncertain
    assert {name: getattr(synopsis, name) for name in expected} == expected
    assert synopsis.match_candidates == [CREED.to_json()]
    assert synopsis.match_candidates[0]["score"] == 2.46


# --- Candidates as Synopsis.match_candidates stores them ---


def test_a_candidate_survives_its_json():
    assert Candidate.from_json(CREED.to_json()) == Candidate(
        film_id=7, slug="creed", title="Creed", year=2015, score=2.46, evidence=("Adonis",)
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({}, Candidate(None, "", "", None, 0.0, ())),
        (
            {"film_id": 3, "title": "Rocky IV", "year": 1985, "score": 1, "evidence": ["a"]},
            Candidate(3, "", "Rocky IV", 1985, 1.0, ("a",)),
        ),
        ({"film_id": 3, "score": None, "evidence": None}, Candidate(3, "", "", None, 0.0, ())),
    ],
    ids=["empty", "no slug", "nulls"],
)
def test_candidates_stored_by_earlier_versions_get_defaults(row, expected):
    assert Candidate.from_json(row) == expected


@pytest.mark.parametrize("stored", [None, []])
def test_no_stored_candidates_is_an_empty_list(stored):
    assert Candidate.list_from_json(stored) == []


# --- Decisions written to the database ---


@pytest.mark.django_db
def test_assign_film_marks_every_synopsis_reviewed_and_edited():
    film = FilmFactory()
    entries = [ReviewEntryFactory(), ReviewEntryFactory(language_uncertain=True)]

    assigned = review.assign_film(synopses=entries, film=film)

    assert assigned == entries
    for entry in entries:
        entry.refresh_from_db()
        assert (entry.film, entry.review_status, entry.is_edited) == (film, REVIEWED, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("has_film", "status", "after"),
    [(True, PENDING, REVIEWED), (True, AUTO, AUTO), (False, PENDING, PENDING)],
)
def test_set_language_confirms_the_language(has_film, status, after):
    synopsis = SynopsisFactory(
        language="no",
        language_confidence=0.6,
        language_uncertain=True,
        review_status=status,
        **({} if has_film else {"film": None}),
    )

    (change,) = review.set_language(synopses=[synopsis], language="nb")

    assert (change.synopsis, change.before) == (synopsis, "no")
    synopsis.refresh_from_db()
    assert (synopsis.language, synopsis.language_confidence) == ("nb", 1.0)
    assert (synopsis.language_uncertain, synopsis.is_edited) == (False, True)
    assert synopsis.review_status == after


@pytest.mark.django_db
def test_mark_reviewed_confirms_what_stands():
    entry = ReviewEntryFactory(language_uncertain=True)

    assert review.mark_reviewed(synopses=[entry]) == [entry]

    entry.refresh_from_db()
    assert (entry.review_status, entry.language_uncertain) == (REVIEWED, False)
    assert (entry.film, entry.is_edited) == (None, False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changed", "film", "uncertain", "expected"),
    [
        # (is_edited, review_status, language_uncertain, language_confidence)
        (set(), "same", False, (False, AUTO, False, 0.99)),
        ({"text"}, "same", False, (True, AUTO, False, 0.99)),
        ({"language"}, "same", True, (True, REVIEWED, False, 1.0)),
        ({"film"}, "other", True, (True, REVIEWED, True, 0.99)),
        ({"film"}, None, False, (True, PENDING, False, 0.99)),
        ({"language"}, None, True, (True, PENDING, False, 1.0)),
        ({"search_text"}, "same", False, (False, AUTO, False, 0.99)),
    ],
)
def test_record_edit(changed, film, uncertain, expected):
    synopsis = SynopsisFactory(language_uncertain=uncertain)
    if film is None:
        synopsis.film = None
    elif film == "other":
        synopsis.film = FilmFactory()

    review.record_edit(synopsis=synopsis, changed=changed)

    synopsis.refresh_from_db()
    assert (
        synopsis.is_edited,
        synopsis.review_status,
        synopsis.language_uncertain,
        synopsis.language_confidence,
    ) == expected


@pytest.mark.django_db
def test_add_by_hand_records_the_editor_as_the_source():
    synopsis = Synopsis(text="Written\nby hand.", film=FilmFactory(), language="en")

    review.add_by_hand(synopsis=synopsis, editor="ada", checksum=checksum(synopsis.text))

    synopsis.refresh_from_db()
    assert (synopsis.source_file, synopsis.source_first_line, synopsis.source_last_line) == (
        "admin:ada",
        1,
        2,
    )
    assert synopsis.source_checksum == checksum("Written\nby hand.")
    assert (synopsis.is_edited, synopsis.review_status) == (True, REVIEWED)
    assert not review.importer_may_overwrite(synopsis)


DRAGO = "Ivan Drago, the Soviet boxer, fights in Moscow on Christmas Day and wins over the crowd."


@pytest.mark.django_db
def test_rematch_leaves_reviewed_synopses_and_an_editors_language_alone():
    rocky_iv = FilmFactory(title="Rocky IV", slug="rocky-iv", year=1985)
    FilmKnowledgeFactory(film=rocky_iv, text="Ivan Drago")
    reviewed = SynopsisFactory(film=None, review_status=REVIEWED, text=f"{DRAGO} Reviewed.")
    edited = ReviewEntryFactory(language="nb", is_edited=True, text=f"{DRAGO} Edited.")
    detected = ReviewEntryFactory(language="und", language_uncertain=True, text=DRAGO)
    unchanged = ReviewEntryFactory(language="en", text="A story nobody catalogued.")

    outcome = review.rematch(synopses=[reviewed, edited, detected, unchanged])

    assert outcome.reviewed == [reviewed]
    assert outcome.reanalysed == [edited, detected, unchanged]
    assert outcome.changed == [edited, detected]
    assert outcome.resolved == 2
    for synopsis in (reviewed, edited, detected, unchanged):
        synopsis.refresh_from_db()
    assert (reviewed.film, reviewed.review_status) == (None, REVIEWED)
    assert (edited.language, edited.film, edited.review_status) == ("nb", rocky_iv, AUTO)
    assert (detected.language, detected.language_uncertain) == ("en", False)
    assert (detected.film, detected.review_status) == (rocky_iv, AUTO)
    assert "Ivan Drago" in detected.match_evidence
    assert (unchanged.film, unchanged.review_status) == (None, PENDING)
