"""Loading the synthetic catalogue: all of it, derived columns filled, other data safe."""

import pytest

from benchmark.corpus import SOURCE_PREFIX, CatalogueSpec
from benchmark.loading import ForeignDataError, load_catalogue
from films.importer.services import checksum
from films.models import Film, Synopsis
from films.text import title_key
from tests.factories import FilmFactory, SynopsisFactory

SPEC = CatalogueSpec(synopses=80, seed=1)


@pytest.mark.django_db
def test_loads_the_whole_catalogue_with_derived_columns():
    figures = load_catalogue(SPEC)
    assert figures.synopses == Synopsis.objects.count() == 80
    assert Film.objects.count() == SPEC.films
    film = Film.objects.exclude(title_key="").first()
    assert film.title_key == title_key(film.title)
    synopsis = Synopsis.objects.first()
    assert synopsis.source_checksum == checksum(synopsis.text)
    assert synopsis.source_file.startswith(SOURCE_PREFIX)
    assert not Film.objects.filter(title_key="").exists()


@pytest.mark.django_db
def test_the_same_catalogue_is_reused_and_a_reload_replaces_it():
    load_catalogue(SPEC)
    assert load_catalogue(SPEC).method == "reused"
    assert load_catalogue(SPEC, reload=True).method != "reused"
    assert Synopsis.objects.count() == 80


@pytest.mark.django_db
def test_refuses_a_database_with_other_data():
    SynopsisFactory(film=FilmFactory(slug="rocky"))
    with pytest.raises(ForeignDataError):
        load_catalogue(SPEC)
    assert Synopsis.objects.count() == 1


@pytest.mark.django_db
def test_forced_keeps_other_data():
    SynopsisFactory(film=FilmFactory(slug="rocky"))
    load_catalogue(SPEC, force=True)
    load_catalogue(SPEC, force=True, reload=True)
    assert Synopsis.objects.count() == 81
    assert Film.objects.filter(slug="rocky").exists()
