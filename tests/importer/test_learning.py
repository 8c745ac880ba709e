"""The catalogue learns from itself: an editor's assignment teaches the next import."""

from pathlib import Path

import pytest
from django.conf import settings

from films import review
from films.importer.knowledge import load_knowledge
from films.importer.matching import FilmMatcher
from films.models import Film, OutsideWork, ReviewStatus, Synopsis
from tests.factories import SynopsisFactory

pytestmark = pytest.mark.django_db

# Shared names and a plot concept four Rocky films share: the knowledge alone cannot decide.
UNDECIDED = "Rocky Balboa and Adrian talk about his retirement with the photographer Tobias Wendel."


@pytest.fixture
def knowledge():
    load_knowledge(Path(settings.FIXTURES_ROOT) / "catalogue.toml")


def test_an_editors_assignment_improves_the_next_match(knowledge):
    before = FilmMatcher.from_database().match(UNDECIDED, language="en")
    rocky_iii = Film.objects.get(slug="rocky-iii")
    assert before.film is None

    taught = SynopsisFactory(
        film=None,
        language="en",
        review_status=ReviewStatus.PENDING,
        text="Rocky loses his title while the photographer Tobias Wendel follows him everywhere.",
    )
    review.assign_film(synopses=[taught], film=rocky_iii)

    after = FilmMatcher.from_database().match(UNDECIDED, language="en")
    assert after.film is not None and after.film.slug == "rocky-iii"
    assert "Tobias" in after.film.evidence or "Wendel" in after.film.evidence


def test_synopses_waiting_for_review_teach_nothing(knowledge):
    SynopsisFactory(
        film=None,
        language="en",
        review_status=ReviewStatus.PENDING,
        text="Rocky marries Adrian while the photographer Tobias Wendel follows him everywhere.",
    )
    result = FilmMatcher.from_database().match(UNDECIDED, language="en")
    assert all("Tobias" not in c.evidence for c in result.candidates)


def test_the_knowledge_file_brings_its_neighbours_once(knowledge):
    count = OutsideWork.objects.count()
    assert OutsideWork.objects.filter(title="Cobra Kai").exists()
    load_knowledge(Path(settings.FIXTURES_ROOT) / "catalogue.toml")
    assert OutsideWork.objects.count() == count


def test_an_outside_work_added_by_an_editor_absorbs_its_synopsis(knowledge):
    OutsideWork.objects.create(
        title="The Dockside Boxer", year=2019, names="Marlon Quist\nEddie Vance\nAdrian"
    )
    result = FilmMatcher.from_database().match(
        "Marlon Quist trains Eddie Vance and Adrian in a small gym.", language="en"
    )
    assert result.film is None
    assert result.reason == "outside the catalogue: probably The Dockside Boxer (2019)"
    assert not Synopsis.objects.exists()
