"""The synthetic catalogue is deterministic and looks like the real one."""

import pytest

from benchmark.corpus import (
    LANGUAGE_WEIGHTS,
    MAX_LENGTH,
    MIN_LENGTH,
    SLUG_PREFIX,
    CatalogueSpec,
    film_specs,
    franchise_specs,
    iter_synopses,
    vocabularies,
)

SPEC = CatalogueSpec(synopses=600, seed=7)


def test_same_seed_same_catalogue():
    assert list(iter_synopses(SPEC)) == list(iter_synopses(CatalogueSpec(synopses=600, seed=7)))
    assert film_specs(SPEC) == film_specs(CatalogueSpec(synopses=600, seed=7))


def test_other_seed_other_catalogue():
    other = CatalogueSpec(synopses=600, seed=8)
    assert [s.text for s in iter_synopses(SPEC)] != [s.text for s in iter_synopses(other)]


def test_streams_are_independent():
    catalogue = {s.text for s in iter_synopses(SPEC)}
    imports = {s.text for s in iter_synopses(SPEC, stream="import")}
    assert not catalogue & imports


def test_a_prefix_of_a_larger_catalogue_is_not_required_but_sizes_are_exact():
    assert len(list(iter_synopses(SPEC))) == 600
    assert len(list(iter_synopses(SPEC, count=5))) == 5


def test_lengths_and_languages():
    synopses = list(iter_synopses(SPEC))
    assert all(MIN_LENGTH <= len(s.text) <= MAX_LENGTH for s in synopses)
    assert {s.language for s in synopses} == set(LANGUAGE_WEIGHTS)
    assert len(LANGUAGE_WEIGHTS) >= 10


def test_thai_is_written_without_spaces_between_words():
    thai = next(s for s in iter_synopses(SPEC) if s.language == "th")
    thai_runs = [run for run in thai.text.split() if not run.isascii()]
    assert max(len(run) for run in thai_runs) > 40


@pytest.mark.parametrize("language", list(LANGUAGE_WEIGHTS))
def test_vocabulary_has_common_and_rare_words(language):
    vocabulary = vocabularies()[language]
    assert vocabulary.real_words >= 60
    assert len(set(vocabulary.words)) == len(vocabulary.words) >= 10_000
    weights = vocabulary.cum_weights
    first, last = weights[0], weights[-1] - weights[-2]
    assert first / last > 1000  # Zipf-like: the top word is far more common than the tail


def test_every_film_has_synopses_and_one_franchise_dominates():
    films = film_specs(SPEC)
    synopses = list(iter_synopses(SPEC))
    assert {s.film for s in synopses} == {film.index for film in films}
    big = franchise_specs(SPEC)[0].name
    share = sum(big in s.text for s in synopses) / len(synopses)
    assert 0.3 < share < 0.7


def test_everything_is_marked_as_benchmark_data():
    assert all(film.slug.startswith(SLUG_PREFIX) for film in film_specs(SPEC))
    assert all(franchise.slug.startswith(SLUG_PREFIX) for franchise in franchise_specs(SPEC))
    assert len({film.slug for film in film_specs(SPEC)}) == SPEC.films
