"""The matcher's knowledge as evidence: every name, title, concept and term, filed for look-up.

Built once per import from the films' facts (curated knowledge, titles, plot concepts, names
learned from attached synopses) and from known neighbours, works outside the catalogue.
:class:`EvidenceIndex` finds which pieces of evidence a text contains; films/importer/matching.py
weighs them. docs/matching.md describes both.
"""

import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..languages import has_unspaced_script, name_endings_of
from ..text import fold, title_key
from .names import (
    Token,
    found_inside_words,
    lookup_keys,
    name_keys,
    skeleton,
    spells_name_word,
    tokenise,
)

CONCEPTS_FILE = Path(__file__).with_name("concepts.toml")

# Base weights of a piece of evidence, before it is shared among the films that have it.
WEIGHTS = {
    "character": 3.0,
    "actor": 2.0,
    "crew": 2.0,
    "place": 2.0,
    "term": 1.5,
    "concept": 1.5,
    "title": 3.0,
    "subname": 1.5,
    "learned": 1.5,
    "neighbour": 3.0,
}
# How far a piece of evidence names a film (characters and titles do; people less, places not):
# a decision needs names, not only places and plot words.
IDENTIFYING = {"character": 1.0, "title": 1.0, "subname": 1.0, "learned": 1.0, "actor": 0.5}
_ROMAN = {1: "i", 2: "ii", 3: "iii", 4: "iv", 5: "v", 6: "vi", 7: "vii", 8: "viii", 9: "ix"}
# Word stems shorter than this match only as whole words.
_MIN_STEM = 4


@cache
def concept_words() -> dict[str, tuple[str, ...]]:
    """The plot concepts of films/importer/concepts.toml: name → words in many languages."""
    with CONCEPTS_FILE.open("rb") as handle:
        return {name: tuple(words) for name, words in tomllib.load(handle)["concepts"].items()}


@dataclass(frozen=True)
class FilmFacts:
    """What the matcher knows of one film, or of a known work outside the catalogue."""

    id: int
    slug: str
    title: str
    year: int | None
    titles: tuple[str, ...] = ()
    knowledge: tuple[tuple[str, str], ...] = ()  # (kind, text); a concept's text is its name
    franchise: str | None = None
    position: int | None = None  # place in the franchise's story order
    outside: bool = False  # a known neighbour: never assigned, it only absorbs evidence
    learned: tuple[str, ...] = ()  # names found in synopses attached to the film


@dataclass
class Evidence:
    """One piece of evidence and the films it points to, with their base weights."""

    label: str
    group: str  # name, subname, learned, title, term, concept, unspaced
    identifying: float = 0.0
    films: dict[int, float] = field(default_factory=dict)

    catalogue_films: int = 0  # how many of ``films`` are in the catalogue (not neighbours)

    @property
    def specific(self) -> bool:
        """Names one catalogue film: what a recap or a sequel's own evidence looks like."""
        return self.catalogue_films == 1 and self.identifying > 0 and self.group != "learned"

    @property
    def corroborating(self) -> bool:
        """Counts only for a film that other names in the text already point to."""
        return self.group in ("subname", "learned")


@dataclass(frozen=True)
class _Key:
    index: int
    words: tuple[str, ...]  # folded
    sounds: tuple[str, ...] = ()  # for names: phonetic keys of the words
    stem: bool = False  # the last word is a stem: any word that starts with it


class EvidenceIndex:
    """Every piece of evidence of ``films``, filed so a text costs a few look-ups per word."""

    def __init__(self, films: Iterable[FilmFacts]) -> None:
        self.films = {film.id: film for film in films}
        self._by_key: dict[tuple[str, str], Evidence] = {}
        name_parts: set[str] = set()
        self.header_titles: dict[str, set[int]] = defaultdict(set)
        for film in self.films.values():
            self._add_knowledge(film, name_parts)
            for title in (film.title, *film.titles):
                if key := title_key(title):
                    self.header_titles[key].add(film.id)
        # A title counts in running text only if it is not also a name: "Rocky" and "Rocky
        # Balboa" are what every Rocky synopsis says, "Rocky IV" is a title.
        for key, film_ids in self.header_titles.items():
            if key in name_parts or len(key) < 4:
                continue
            for film_id in film_ids:
                self._add("title", key, self.films[film_id].title, film_id, "title")
        for group, key in list(self._by_key):
            if group in ("subname", "learned") and ("name", key) in self._by_key:
                del self._by_key[(group, key)]  # a whole name of its own already says it
        self.evidence = list(self._by_key.values())
        self._file_keys()

    def _add(self, group: str, key: str, label: str, film_id: int, kind: str) -> None:
        evidence = self._by_key.get((group, key))
        if evidence is None:
            evidence = self._by_key[(group, key)] = Evidence(label, group)
        evidence.identifying = max(evidence.identifying, IDENTIFYING.get(kind, 0.0))
        if film_id not in evidence.films and not self.films[film_id].outside:
            evidence.catalogue_films += 1
        evidence.films[film_id] = max(evidence.films.get(film_id, 0.0), WEIGHTS[kind])

    def _add_knowledge(self, film: FilmFacts, name_parts: set[str]) -> None:
        for kind, text in film.knowledge:
            if kind == "concept":
                for word in concept_words().get(text, ()):
                    whole = word.endswith("$")
                    key = fold(word.rstrip("$"))
                    # A short word of one language is a common word of another (Turkish "çöl"
                    # desert, Italian "col" with): concepts need four letters or two words.
                    if len(key) >= _MIN_STEM or " " in key:
                        self._add("concept", key + "$" * whole, text, film.id, "concept")
                continue
            key = fold(text)
            if not key:
                continue
            if kind == "term":
                self._add("term", key, text, film.id, "term")
            elif has_unspaced_script(key) or found_inside_words(key):
                self._add("unspaced", key.replace(" ", ""), text, film.id, kind)
            else:
                self._add("name", key, text, film.id, kind)
                words = key.split()
                name_parts.update(
                    " ".join(words[start:end])
                    for start in range(len(words))
                    for end in range(start + 1, len(words) + 1)
                )
                # "Tommy" or "Drago" alone: a word of a character's name, a person's surname.
                if len(words) > 1 and kind in ("character", "actor"):
                    for word in words if kind == "character" else words[-1:]:
                        if len(word) >= 4:
                            self._add("subname", word, word.title(), film.id, "subname")
        for name in film.learned:
            if key := fold(name):
                self._add("learned", key, name, film.id, "learned")

    def _file_keys(self) -> None:
        self._names: dict[str, list[_Key]] = defaultdict(list)
        self._words: dict[str, list[_Key]] = defaultdict(list)
        self._stems: dict[str, list[_Key]] = defaultdict(list)
        self._unspaced: list[tuple[int, str]] = []
        for index, (group, key) in enumerate(self._by_key):
            if group == "unspaced":
                self._unspaced.append((index, key))
                continue
            words = tuple(key.split())
            if group in ("name", "subname", "learned"):
                entry = _Key(index, words, tuple(skeleton(word) for word in words))
                for lookup in name_keys(words[0]):
                    self._names[lookup].append(entry)
            elif group in ("term", "concept") and not key.endswith("$"):
                # A stem shorter than _MIN_STEM letters is too common a start: a whole word.
                entry = _Key(index, words, stem=len(words) > 1 or len(words[0]) >= _MIN_STEM)
                if len(words) == 1 and len(words[0]) >= _MIN_STEM:
                    self._stems[words[0][:_MIN_STEM]].append(entry)
                else:
                    self._words[words[0]].append(entry)
            else:
                words = tuple(key.rstrip("$").split())
                self._words[words[0]].append(_Key(index, words))
                if group == "title":
                    for number, roman in _ROMAN.items():
                        if words[0] == str(number):
                            self._words[roman].append(_Key(index, words))
        self._words_by_second = {
            word: self._by_second_word(keys) for word, keys in self._words.items()
        }

    def _by_second_word(
        self, keys: list[_Key]
    ) -> tuple[list[_Key], list[tuple[int, _Key]], dict[str, list[tuple[int, _Key]]]]:
        """``keys`` that fit only before their exact second word, filed by it (with their place).

        A text's word is followed by one word: the keys that need another cannot fit there
        (:meth:`_fits`), and a title that starts with a common word is one of thousands.
        """
        others: list[tuple[int, _Key]] = []
        by_second: dict[str, list[tuple[int, _Key]]] = defaultdict(list)
        for place, key in enumerate(keys):
            second = key.words[1] if len(key.words) > 1 else ""
            exact = (
                second
                and not key.sounds
                and not (key.stem and len(key.words) == 2)
                and not (
                    self.evidence[key.index].group == "title"
                    and second.isdigit()
                    and int(second) in _ROMAN
                )
            )
            if exact:
                by_second[second].append((place, key))
            else:
                others.append((place, key))
        return [key for _, key in others], others, dict(by_second)

    def _word_keys(self, tokens: list[Token], position: int) -> list[_Key]:
        """The keys filed under the word at ``position`` that may fit there, in filing order."""
        filed = self._words_by_second.get(tokens[position].folded)
        if filed is None:
            return []
        others, placed, by_second = filed
        following = tokens[position + 1].folded if position + 1 < len(tokens) else None
        fitting = by_second.get(following) if following is not None else None
        if not fitting:
            return others
        return [key for _, key in sorted(placed + fitting, key=lambda pair: pair[0])]

    def _fits(
        self, key: _Key, tokens: list[Token], at: int, group: str, endings: frozenset[str]
    ) -> bool:
        if at + len(key.words) > len(tokens):
            return False
        for offset, word in enumerate(key.words):
            token = tokens[at + offset]
            last = offset == len(key.words) - 1
            if key.sounds:
                sound = key.sounds[offset]
                if not spells_name_word(token, word, sound, first=offset == 0, endings=endings):
                    return False
            elif key.stem and last:
                if not token.folded.startswith(word):
                    return False
            elif group == "title" and word.isdigit() and int(word) in _ROMAN:
                if token.folded not in (word, _ROMAN[int(word)]):
                    return False
            elif token.folded != word:
                return False
        # One word alone names someone only where it is written as a name.
        first = tokens[at]
        if len(key.words) == 1 and key.sounds and not first.capital:
            return False
        return not (group in ("subname", "learned") and first.sentence_start)

    def found(self, text: str, *, language: str | None = None) -> list[int]:
        """The evidence ``text`` contains, each piece once; the longest wins at one place.

        Names take the case endings of ``language`` (any language's common few when unknown).
        """
        endings = name_endings_of(language)
        tokens = tokenise(text)
        found: dict[int, None] = {}
        position = 0
        while position < len(tokens):
            token = tokens[position]
            candidates = [
                *(key for lookup in lookup_keys(token) for key in self._names.get(lookup, ())),
                *self._word_keys(tokens, position),
                *self._stems.get(token.folded[:_MIN_STEM], ()),
            ]
            # The longest key wins; between equals, curated knowledge before learned names.
            best: _Key | None = None
            best_rank = (0, False)
            for key in candidates:
                group = self.evidence[key.index].group
                rank = (len(key.words), group != "learned")
                if rank > best_rank and self._fits(key, tokens, position, group, endings):
                    best, best_rank = key, rank
            if best is None:
                position += 1
                continue
            found[best.index] = None
            position += len(best.words)
        # Only a text in one of those scripts can hold such a name: no second fold otherwise.
        if self._unspaced and (has_unspaced_script(text) or found_inside_words(text)):
            unspaced = fold(text).replace(" ", "")
            found.update((index, None) for index, key in self._unspaced if key in unspaced)
        return list(found)
