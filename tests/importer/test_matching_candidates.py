"""Matching a text with only its candidate keys finds what one regex of all keys finds."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from films.benchmark.corpus import CatalogueSpec, film_specs, franchise_specs, iter_synopses
from films.importer.matching import FilmFacts, FilmMatcher
from films.text import fold
from tests.importer.test_matching import FILMS

SPEC = CatalogueSpec(synopses=400, seed=3)


def _bench_films() -> list[FilmFacts]:
    franchises = franchise_specs(SPEC)
    return [
        FilmFacts(
            id=1000 + film.index,
            slug=film.slug,
            title=film.title,
            year=film.year,
            titles=(franchises[film.franchise].name,) if film.franchise is not None else (),
            knowledge=tuple(("character", name) for name in film.characters)
            + (("term", film.characters[0].split()[-1][:5]),),
        )
        for film in film_specs(SPEC)
    ]


def _all_keys_found(matcher: FilmMatcher, text: str) -> set[int]:
    """What the matcher found before: one regex of every key, longest first."""
    regex = re.compile("|".join(matcher._patterns))
    return {int(match.lastgroup[1:]) for match in regex.finditer(fold(text))}


def _texts() -> list[str]:
    fixtures = sorted((Path(settings.FIXTURES_ROOT) / "synopses").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in fixtures]
    texts += [synopsis.text for synopsis in iter_synopses(SPEC, stream="import", count=150)]
    texts += [
        "Ivan Dragos hårde slag. Rocky IV, rocky 4 og ร็อคกี้ 4 med อีวาน ดราโก",
        "Balboa II, Balboa 2 and Balboas ring; revanchekamp, genert, California.",
    ]
    return texts


@pytest.mark.parametrize("films", [FILMS, _bench_films() + FILMS], ids=["hand-made", "benchmark"])
def test_candidate_regexes_find_what_one_regex_of_all_keys_finds(films):
    matcher = FilmMatcher(films)
    for text in _texts():
        assert matcher._found(text) == _all_keys_found(matcher, text), text[:80]
