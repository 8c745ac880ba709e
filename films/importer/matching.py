"""Work out which catalogued film a synopsis describes, or say that it cannot tell.

Every name, title and term in the curated knowledge is evidence, weighted by how
specific it is: its base weight divided by the number of films that share it
("Ivan Drago" names one film, "Apollo Creed" four). A film is chosen only when
its evidence is strong and clearly beats the runner-up; otherwise the synopsis
goes to the review queue with the ranked candidates. A wrong film is far worse
than a review entry.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product

from ..languages import NAME_ENDINGS, has_unspaced_script
from ..models import Film, FilmKnowledge, FilmTitle
from ..text import fold, title_key
from .segmenting import Header

# Base weights of a piece of evidence, before dividing by the films that share it.
WEIGHTS = {
    "character": 3.0,
    "actor": 3.0,
    "crew": 2.0,
    "place": 2.0,
    "term": 1.5,
    "title": 2.5,
    "header_title": 8.0,
}
HEADER_YEAR_WEIGHT = 2.0
# A decision needs this much evidence for the top film ...
MIN_SCORE = 3.0
# ... and this lead over the runner-up, both as a ratio and as a difference.
MIN_LEAD_RATIO = 1.6
MIN_LEAD = 1.5
MAX_CANDIDATES = 5
_ROMAN = {1: "i", 2: "ii", 3: "iii", 4: "iv", 5: "v", 6: "vi", 7: "vii", 8: "viii", 9: "ix"}


@dataclass(frozen=True)
class FilmFacts:
    """What the matcher needs to know of one film."""

    id: int
    slug: str
    title: str
    year: int
    titles: tuple[str, ...] = ()
    knowledge: tuple[tuple[str, str], ...] = ()  # (kind, text)


@dataclass(frozen=True)
class Candidate:
    """One film a synopsis may describe, as ranked by the matcher.

    Stored in ``Synopsis.match_candidates`` through :meth:`to_json` and read back through
    :meth:`from_json`, which accepts rows written by any earlier version (missing keys get
    defaults: no film id, no year, an empty title).
    """

    film_id: int | None
    slug: str
    title: str
    year: int | None
    score: float
    evidence: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "film_id": self.film_id,
            "slug": self.slug,
            "title": self.title,
            "year": self.year,
            "score": round(self.score, 2),
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_json(cls, row: dict) -> "Candidate":
        return cls(
            film_id=row.get("film_id") or None,
            slug=row.get("slug") or "",
            title=row.get("title") or "",
            year=row.get("year"),
            score=float(row.get("score") or 0),
            evidence=tuple(str(item) for item in row.get("evidence") or ()),
        )

    @classmethod
    def list_from_json(cls, rows: Iterable[dict] | None) -> list["Candidate"]:
        """The candidates of a ``Synopsis.match_candidates`` value (None or [] for none)."""
        return [cls.from_json(row) for row in rows or ()]


@dataclass(frozen=True)
class MatchResult:
    film: Candidate | None
    confidence: float
    candidates: tuple[Candidate, ...]
    reason: str = ""

    @property
    def evidence(self) -> str:
        return ", ".join(self.film.evidence) if self.film else ""

    def candidates_to_json(self) -> list[dict]:
        """The ranked candidates as ``Synopsis.match_candidates`` and import reports hold them."""
        return [candidate.to_json() for candidate in self.candidates]


@dataclass
class _Evidence:
    """One searchable key: the films it points to with their base weights."""

    label: str
    films: dict[int, float] = field(default_factory=dict)

    @property
    def weight_per_film(self) -> float:
        return 1.0 / len(self.films)


@dataclass(frozen=True)
class _KeyMatcher:
    """A Latin-script key: ``size`` tokens, each one of its forms (a term's last: its stem)."""

    index: int
    size: int
    length: int
    # Between keys of equal length at one place, the first in this order wins.
    order: tuple[int, int, int]


def _token_forms(token: str, *, kind: str, last: bool) -> frozenset[str]:
    if kind == "title" and token.isdigit() and int(token) in _ROMAN:
        # Titles: "rocky 4" also matches "rocky iv" in text.
        return frozenset({token, _ROMAN[int(token)]})
    if kind == "name" and last:
        return frozenset({token, *(token + ending for ending in NAME_ENDINGS)})
    return frozenset({token})


class FilmMatcher:
    """Built once per import from the curated knowledge; matches any number of texts."""

    def __init__(self, films: Iterable[FilmFacts]) -> None:
        self.films = {film.id: film for film in films}
        name_keys: set[str] = set()
        by_key: dict[tuple[str, str], _Evidence] = {}
        self.header_titles: dict[str, set[int]] = defaultdict(set)

        for film in self.films.values():
            for kind, text in film.knowledge:
                key = fold(text)
                if not key:
                    continue
                group = "term" if kind == "term" else "name"
                if group == "name":
                    name_keys.add(key)
                evidence = by_key.setdefault((group, key), _Evidence(label=text))
                evidence.films[film.id] = max(evidence.films.get(film.id, 0.0), WEIGHTS[kind])
            for text in (film.title, *film.titles):
                key = title_key(text)
                if key:
                    self.header_titles[key].add(film.id)

        # A title counts in running text only if it is not also a name: "Rocky" and
        # "Rocky Balboa" are what every Rocky synopsis says, "Rocky IV" is a title.
        # (Every run of whole words of every name, in a set: a substring search of all names
        # joined took minutes with 50,000 films.)
        name_parts = {
            " ".join(tokens[start:end])
            for tokens in (name.split() for name in name_keys)
            for start in range(len(tokens))
            for end in range(start + 1, len(tokens) + 1)
        }
        for key, film_ids in self.header_titles.items():
            if key in name_parts or len(key) < 4:
                continue
            evidence = by_key.setdefault(("title", key), _Evidence(label=key))
            for film_id in film_ids:
                evidence.films[film_id] = WEIGHTS["title"]
                evidence.label = self.films[film_id].title if len(film_ids) == 1 else key

        self.evidence = list(by_key.values())
        # Texts are matched token by token through these indexes rather than one big
        # regex alternation, which took seconds per synopsis with a thousand keys. Each key
        # is filed under every spelling of its exact tokens, so a place in the text costs a
        # few dictionary look-ups however many keys share a word (22,000 "Balboa" titles).
        self._exact: dict[tuple[str, ...], list[_KeyMatcher]] = defaultdict(list)
        self._stemmed: dict[tuple[tuple[str, ...], str], list[_KeyMatcher]] = defaultdict(list)
        # Keys in a script written without spaces (Thai): found as substrings of the unspaced text.
        self._unspaced: list[tuple[int, str]] = []
        for index, (group, key) in enumerate(by_key):
            if has_unspaced_script(key):
                self._unspaced.append((index, key.replace(" ", "")))
                continue
            tokens = key.split()
            if group == "term":
                *exact, stem = tokens
                forms = [_token_forms(t, kind=group, last=False) for t in exact]
                order = (1, len(stem), index) if not exact else (0, 0, index)
                matcher = _KeyMatcher(index, len(tokens), len(key), order)
                for spelling in product(*forms):
                    self._stemmed[(spelling, stem)].append(matcher)
            else:
                forms = [
                    _token_forms(t, kind=group, last=i == len(tokens) - 1)
                    for i, t in enumerate(tokens)
                ]
                matcher = _KeyMatcher(index, len(tokens), len(key), (0, 0, index))
                for spelling in product(*forms):
                    self._exact[spelling].append(matcher)
        self._exact_sizes = sorted({len(spelling) for spelling in self._exact})
        self._stem_shapes = sorted({(len(prefix), len(stem)) for prefix, stem in self._stemmed})

    @classmethod
    def from_database(cls) -> "FilmMatcher":
        # Plain rows, not model instances: at 50,000 films building the instances and their
        # prefetched titles and names took 12 s of a 16 s start.

        titles: dict[int, list[str]] = defaultdict(list)
        for film_id, title in FilmTitle.objects.order_by(
            "film_id", "language", "title"
        ).values_list("film_id", "title"):
            titles[film_id].append(title)
        knowledge: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for film_id, kind, text in FilmKnowledge.objects.order_by(
            "film_id", "kind", "text"
        ).values_list("film_id", "kind", "text"):
            knowledge[film_id].append((kind, text))
        films = Film.objects.order_by("pk").values_list("pk", "slug", "title", "year")
        return cls(
            FilmFacts(
                id=pk,
                slug=slug,
                title=title,
                year=year,
                titles=tuple(titles.get(pk, ())),
                knowledge=tuple(knowledge.get(pk, ())),
            )
            for pk, slug, title, year in films.iterator(chunk_size=10_000)
        )

    def _found(self, text: str) -> set[int]:
        folded = fold(text)
        found: set[int] = set()
        if self._unspaced and has_unspaced_script(folded):
            unspaced = folded.replace(" ", "")
            found.update(index for index, key in self._unspaced if key in unspaced)
        tokens = folded.split()
        count = len(tokens)
        position = 0
        while position < count:
            hits: list[_KeyMatcher] = []
            for size in self._exact_sizes:
                if position + size > count:
                    break
                hits.extend(self._exact.get(tuple(tokens[position : position + size]), ()))
            for prefix_size, stem_length in self._stem_shapes:
                if position + prefix_size >= count:
                    break
                last = tokens[position + prefix_size]
                if stem_length <= len(last):
                    prefix = tuple(tokens[position : position + prefix_size])
                    hits.extend(self._stemmed.get((prefix, last[:stem_length]), ()))
            if not hits:
                position += 1
                continue
            # The longest key wins at one place: "ivan drago", not "drago".
            best = min(hits, key=lambda hit: (-hit.length, hit.order))
            found.add(best.index)
            position += best.size
        return found

    def match(self, text: str, *, header: Header | None = None) -> MatchResult:
        """Return the film ``text`` describes, or None with the ranked candidates."""
        scores: dict[int, float] = defaultdict(float)
        reasons: dict[int, list[str]] = defaultdict(list)
        haystack = f"{header.line}\n{text}" if header else text
        for index in self._found(haystack):
            evidence = self.evidence[index]
            for film_id, weight in evidence.films.items():
                scores[film_id] += weight * evidence.weight_per_film
                reasons[film_id].append(evidence.label)

        header_title_films: set[int] = set()
        if header is not None:
            key = title_key(header.title)
            header_title_films = self.header_titles.get(key, set())
            for film_id in header_title_films:
                scores[film_id] += WEIGHTS["header_title"] / len(header_title_films)
                reasons[film_id].insert(0, f"title “{header.title}”")
            if header.year is not None:
                for film_id in list(scores):
                    if self.films[film_id].year == header.year:
                        scores[film_id] += HEADER_YEAR_WEIGHT
                        reasons[film_id].append(str(header.year))

        ranked = sorted(
            (
                Candidate(
                    film_id=film_id,
                    slug=self.films[film_id].slug,
                    title=self.films[film_id].title,
                    year=self.films[film_id].year,
                    score=score,
                    evidence=tuple(dict.fromkeys(reasons[film_id])),
                )
                for film_id, score in scores.items()
            ),
            key=lambda candidate: (-candidate.score, candidate.year, candidate.slug),
        )[:MAX_CANDIDATES]
        return self._decide(ranked, header=header, header_title_films=header_title_films)

    def _decide(
        self, ranked: list[Candidate], *, header: Header | None, header_title_films: set[int]
    ) -> MatchResult:
        candidates = tuple(ranked)
        if not ranked:
            return MatchResult(None, 0.0, candidates, "no catalogued film is mentioned")
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top.score < MIN_SCORE:
            return MatchResult(None, 0.0, candidates, "too little evidence for any film")
        if top.score < runner_up * MIN_LEAD_RATIO or top.score - runner_up < MIN_LEAD:
            return MatchResult(None, 0.0, candidates, "several films fit equally well")
        if (
            header is not None
            and header.year is not None
            and top.film_id not in header_title_films
            and top.year != header.year
        ):
            # The header names a film of another year that the catalogue does not know.
            return MatchResult(
                None, 0.0, candidates, f"the header names a {header.year} work not in the catalogue"
            )
        lead = (top.score - runner_up) / top.score
        strength = min(1.0, top.score / (2 * MIN_SCORE))
        return MatchResult(top, round(lead * strength, 3), candidates)
