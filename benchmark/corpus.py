"""A deterministic synthetic catalogue: franchises, films and synopses drawn from real words.

Words come from the fixtures and from short texts in benchmark/vocabulary/, ranked by
frequency and extended with compounds of those words into a long tail, then drawn with a
Zipf-like distribution: every language has very common, medium and rare terms. Thai words
are joined without spaces, the way Thai is written. The same seed gives the same catalogue.
"""

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, product
from pathlib import Path

from django.conf import settings

from films.importer.language import detect_language

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabulary"
# Share of synopses per language; 12 languages, Latin and Thai scripts.
LANGUAGE_WEIGHTS: dict[str, float] = {
    "en": 0.25,
    "es": 0.15,
    "da": 0.10,
    "th": 0.10,
    "de": 0.06,
    "fr": 0.06,
    "it": 0.05,
    "sv": 0.05,
    "no": 0.05,
    "pt": 0.05,
    "nl": 0.04,
    "pl": 0.04,
}
# Words per language once the real vocabulary is extended with compounds: the long tail.
VOCABULARY_SIZE = 20_000
# Zipf-Mandelbrot: the word of rank r is drawn with weight 1 / (r + ZIPF_SHIFT) ** ZIPF_EXPONENT.
ZIPF_EXPONENT = 1.0
ZIPF_SHIFT = 2.7
MIN_LENGTH, MAX_LENGTH = 300, 900  # characters
SYNOPSES_PER_FILM = 20
FILMS_PER_FRANCHISE = 40
# The first franchise holds this share of films and so is named in about half the corpus:
# the worst case for search ranking ("Rocky" in the real catalogue).
BIG_FRANCHISE_SHARE = 0.45
STANDALONE_SHARE = 0.15
SLUG_PREFIX = "bench-"
SOURCE_PREFIX = "bench/"

_FRANCHISE_NAMES = [
    "Balboa",
    "Kestrel",
    "Marlowe",
    "Okonkwo",
    "Valdivia",
    "Lindqvist",
    "Castellan",
    "Thornbury",
    "Achterberg",
    "Moravec",
    "Ferreira",
    "Halvorsen",
    "Quennell",
    "Brandauer",
    "Sorrentino",
    "Wyndham",
    "Tavernier",
    "Kowalczyk",
    "Ostrander",
    "Delacroix",
    "Villanueva",
    "Rasmussen",
    "Ashcombe",
    "Pellegrini",
]
_FIRST_NAMES = [
    "Mason",
    "Adrian",
    "Paulie",
    "Mickey",
    "Apollo",
    "Ivan",
    "Duke",
    "Spider",
    "Tommy",
    "Clubber",
    "Bianca",
    "Marie",
    "Robert",
    "Adonis",
    "Viktor",
    "Amara",
    "Lars",
    "Ingrid",
    "Jacques",
    "Elodie",
    "Marco",
    "Chiara",
    "Pieter",
    "Anouk",
    "Tomasz",
    "Zofia",
    "Joao",
    "Beatriz",
    "Somchai",
    "Malee",
    "Nils",
    "Sigrid",
    "Emil",
    "Freja",
    "Diego",
    "Lucia",
    "Hannes",
    "Greta",
    "Olav",
    "Solveig",
]
_LAST_NAMES = [
    "Dixon",
    "Conlan",
    "Goldmill",
    "Drago",
    "Gunn",
    "Lang",
    "Creed",
    "Pennino",
    "Stallworth",
    "Rickett",
    "Moreau",
    "Bianchi",
    "Jansen",
    "Nowak",
    "Santos",
    "Andersen",
    "Eriksson",
    "Berg",
    "Haugen",
    "Fischer",
    "Kaewkla",
    "Srisai",
    "Dumont",
    "Rossi",
    "Vermeer",
    "Wojcik",
    "Costa",
    "Lindholm",
    "Solberg",
    "Brandt",
    "Navarro",
    "Ortega",
    "Keller",
    "Hofmann",
]
_ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True)
class Vocabulary:
    """One language's words by rank (most common first) with cumulative Zipf weights."""

    language: str
    words: tuple[str, ...]
    real_words: int  # words[:real_words] are real; the rest are compounds of them
    cum_weights: tuple[float, ...] = field(repr=False)

    @property
    def joins_words(self) -> bool:
        return self.language == "th"

    def word(self, rank: int) -> str:
        return self.words[min(rank, len(self.words) - 1)]


@dataclass(frozen=True)
class FranchiseSpec:
    index: int
    name: str
    slug: str


@dataclass(frozen=True)
class FilmSpec:
    index: int
    title: str
    slug: str
    year: int
    franchise: int | None
    position: int | None
    characters: tuple[str, ...]


@dataclass(frozen=True)
class SynopsisSpec:
    index: int
    film: int
    language: str
    text: str


@dataclass(frozen=True)
class CatalogueSpec:
    synopses: int
    seed: int = 0

    @property
    def films(self) -> int:
        return max(4, -(-self.synopses // SYNOPSES_PER_FILM))

    @property
    def franchises(self) -> int:
        return max(2, -(-self.films // FILMS_PER_FRANCHISE))

    @property
    def marker(self) -> str:
        """Name of the marker franchise that says which catalogue a database holds."""
        return f"Benchmark catalogue: {self.synopses} synopses, seed {self.seed}"


_WORD = re.compile(r"[^\W\d_]+")


def _words_of(text: str) -> list[str]:
    """Lower-case words of running text; words only ever written capitalised are names: skipped."""
    tokens = _WORD.findall(text)
    lowercase_seen = {token for token in tokens if token[0].islower()}
    return [token for token in tokens if token in lowercase_seen]


def _fixture_texts() -> dict[str, list[str]]:
    """Fixture paragraphs by the language the importer's detector gives them."""
    texts: dict[str, list[str]] = {}
    folder = Path(settings.FIXTURES_ROOT) / "synopses"
    for path in sorted(folder.glob("*.txt")):
        for paragraph in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            guess = detect_language(paragraph)
            # Thai cannot be cut into words without a dictionary: the Thai list is hand-cut.
            if (
                not guess.uncertain
                and guess.language in LANGUAGE_WEIGHTS
                and guess.language != "th"
            ):
                texts.setdefault(guess.language, []).append(paragraph)
    return texts


def _compounds(real: list[str], count: int, *, joined: bool) -> list[str]:
    """Deterministic made-up words from pairs (then triples) of real ones: the rare tail."""
    seen = set(real)
    extra: list[str] = []
    shuffled = random.Random("compounds").sample(real, len(real))
    for parts in (2, 3):
        for combination in product(shuffled, repeat=parts):
            if joined:
                word = "".join(combination)
            else:
                word = "".join(part[: max(3, len(part) // 2 + 1)] for part in combination[:-1])
                word += combination[-1]
            if len(word) < 4 or word in seen:
                continue
            seen.add(word)
            extra.append(word)
            if len(extra) == count:
                return extra
    return extra


@cache
def vocabularies() -> dict[str, Vocabulary]:
    fixture_texts = _fixture_texts()
    result: dict[str, Vocabulary] = {}
    for language in LANGUAGE_WEIGHTS:
        own = (VOCABULARY_DIR / f"{language}.txt").read_text(encoding="utf-8")
        if language == "th":
            tokens = own.split()
        else:
            tokens = _words_of("\n".join([own, *fixture_texts.get(language, [])]))
        counts = Counter(tokens)
        first_seen = {token: index for index, token in reversed(list(enumerate(tokens)))}
        real = sorted(counts, key=lambda token: (-counts[token], first_seen[token]))
        words = real + _compounds(real, VOCABULARY_SIZE - len(real), joined=language == "th")
        weights = [1 / (rank + ZIPF_SHIFT) ** ZIPF_EXPONENT for rank in range(len(words))]
        result[language] = Vocabulary(
            language=language,
            words=tuple(words),
            real_words=len(real),
            cum_weights=tuple(accumulate(weights)),
        )
    return result


def _roman(number: int) -> str:
    return _ROMAN[number] if number < len(_ROMAN) else str(number)


def franchise_specs(spec: CatalogueSpec) -> list[FranchiseSpec]:
    franchises = []
    for index in range(spec.franchises):
        # One word per franchise, so a name is one search term: "Balboa", "Balboadixon".
        base = _FRANCHISE_NAMES[index % len(_FRANCHISE_NAMES)]
        lap = index // len(_FRANCHISE_NAMES)
        suffixes = (*_LAST_NAMES, *_FIRST_NAMES)
        name = base
        if lap:
            name += suffixes[(lap - 1) % len(suffixes)].lower()
        if lap > len(suffixes):
            name += str(lap // len(suffixes))
        slug = f"{SLUG_PREFIX}{index:05d}-{name.lower()}"
        franchises.append(FranchiseSpec(index=index, name=name, slug=slug))
    return franchises


def film_specs(spec: CatalogueSpec) -> list[FilmSpec]:
    """Films spread over franchises: one big franchise, a Zipf-like spread, some standalone."""
    rng = random.Random(f"films-{spec.seed}")
    franchises = franchise_specs(spec)
    others = len(franchises) - 1
    other_weights = list(accumulate(1 / (rank + 1) for rank in range(others)))
    english = vocabularies()["en"]
    positions: dict[int, int] = {}
    films = []
    for index in range(spec.films):
        roll = rng.random()
        if index == 0 or roll < BIG_FRANCHISE_SHARE:
            franchise: int | None = 0
        elif roll < 1 - STANDALONE_SHARE or others == 0:
            franchise = (
                1 + rng.choices(range(others), cum_weights=other_weights)[0] if others else 0
            )
        else:
            franchise = None
        if franchise is None:
            words = rng.choices(english.words[50:5000], k=2)
            title = " ".join(word.capitalize() for word in words)
            position = None
        else:
            position = positions[franchise] = positions.get(franchise, 0) + 1
            name = franchises[franchise].name
            title = name if position == 1 else f"{name} {_roman(position)}"
        characters = tuple(
            f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}" for _ in range(2)
        )
        slug_title = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:150]
        films.append(
            FilmSpec(
                index=index,
                title=title,
                slug=f"{SLUG_PREFIX}{index:07d}-{slug_title}",
                year=rng.randint(1950, 2025),
                franchise=franchise,
                position=position,
                characters=characters,
            )
        )
    return films


def _sentence(
    rng: random.Random, vocabulary: Vocabulary, names: list[str], *, capitalise: bool
) -> str:
    count = rng.randint(6, 16)
    words = rng.choices(vocabulary.words, cum_weights=vocabulary.cum_weights, k=count)
    if names and rng.random() < 0.45:
        words.insert(rng.randrange(len(words) + 1), rng.choice(names))
    if vocabulary.joins_words:
        # Thai runs words together; names in Latin script stand apart.
        parts: list[str] = []
        for word in words:
            if parts and (word[0].isascii() or parts[-1][-1].isascii()):
                parts.append(" ")
            parts.append(word)
        return "".join(parts)
    if capitalise:
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + "."


def synopsis_text(
    rng: random.Random, vocabulary: Vocabulary, film: FilmSpec, franchise: FranchiseSpec | None
) -> str:
    """One synopsis of 300–900 characters that names its film's characters and franchise."""
    target = rng.randint(MIN_LENGTH, MAX_LENGTH)
    names = [*film.characters, *(name.split()[-1] for name in film.characters)]
    if franchise is not None:
        names.append(franchise.name)
    sentences: list[str] = []
    if franchise is not None:
        # Every synopsis of a franchise film names it once, as real ones do.
        sentences.append(franchise.name)
    length = 0
    while length < target:
        sentence = _sentence(rng, vocabulary, names, capitalise=True)
        sentences.append(sentence)
        length += len(sentence) + 1
    text = " ".join(sentences)
    if len(text) > MAX_LENGTH:
        cut = text.rfind(" ", MIN_LENGTH, MAX_LENGTH)
        text = text[: cut if cut > 0 else MAX_LENGTH].rstrip(".") + (
            "" if vocabulary.joins_words else "."
        )
    return text


def iter_synopses(
    spec: CatalogueSpec, *, stream: str = "catalogue", count: int | None = None
) -> Iterator[SynopsisSpec]:
    """Yield the catalogue's synopses in order; ``stream`` names an independent random stream."""
    rng = random.Random(f"{stream}-{spec.seed}")
    films = film_specs(spec)
    franchises = franchise_specs(spec)
    vocab = vocabularies()
    languages = list(LANGUAGE_WEIGHTS)
    language_weights = list(accumulate(LANGUAGE_WEIGHTS.values()))
    for index in range(spec.synopses if count is None else count):
        # Every film gets synopses; films are visited in a fixed shuffled order.
        film = films[index % len(films)] if index < len(films) else rng.choice(films)
        language = rng.choices(languages, cum_weights=language_weights)[0]
        franchise = franchises[film.franchise] if film.franchise is not None else None
        text = synopsis_text(rng, vocab[language], film, franchise)
        yield SynopsisSpec(index=index, film=film.index, language=language, text=text)
