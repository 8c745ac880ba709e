"""Work out which catalogued film a synopsis describes, or say honestly that it cannot tell.

Evidence (films/importer/evidence.py) is weighed by how well it separates films: a name every
Rocky film shares says little, one only Rocky III has says much. On top of that the matcher
reads a synopsis as people write them: a sequel recaps the film before it, names shared by
several films point first to the film that introduced them, a film's own names rule out the
films before it, years in the text count, and a work outside the catalogue that the knowledge
names (a spin-off series, a remake) absorbs its own evidence. A film is chosen only when its
lead over every other work, times how clearly the text names it, makes the confidence; a wrong
film is far worse than a review entry. docs/matching.md describes the rules and the measures.
"""

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from ..text import title_key
from .evidence import EvidenceIndex, FilmFacts
from .facts import facts_from_database
from .segmenting import Header

__all__ = ["Candidate", "FilmFacts", "FilmMatcher", "MatchResult"]

# Evidence shared by n films weighs base / n ** IDF_POWER for each: shared names stay evidence,
# but less than a film's own.
IDF_POWER = 0.75
# Between two works the evidence one has and the other lacks decides, weighed nearly in full:
# "rematch" is shared by three films, but against a film without one it says much.
LEAD_POWER = 0.25
# What a film's own names or title give the film right after it (a sequel recaps its story).
RECAP_SHARE = 0.25
# Names several films of a franchise share point first to the film that introduced them.
INTRODUCED_BONUS = 1.0
INTRODUCED_STEP = 0.25  # and the more of them, the more
# A film earlier in its franchise than one whose own names the text uses keeps this share.
EARLIER_SHARE = 0.5
YEAR_WEIGHT = 1.5
HEADER_TITLE_WEIGHT = 8.0
HEADER_YEAR_WEIGHT = 2.0
# The chosen film needs this much identifying evidence (characters, titles; people count half) ...
MIN_NAMES = 1.0
MAX_CANDIDATES = 5
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def min_confidence() -> float:
    """The confidence below which a synopsis waits for review (settings.MATCH_MIN_CONFIDENCE)."""
    return settings.MATCH_MIN_CONFIDENCE


def confidence_of(*, lead: float, names: float) -> float:
    """How sure a decision is: a lead counts for more when the text clearly names the film."""
    return round(1 - math.exp(-max(0.0, lead) * math.sqrt(max(0.0, names)) / 2), 3)


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
    # The film that would be chosen at any confidence: what evaluations move a threshold over.
    best: Candidate | None = None
    outside: str = ""  # the work outside the catalogue the text most likely describes

    @property
    def evidence(self) -> str:
        if self.film:
            return ", ".join(self.film.evidence)
        return f"outside the catalogue: probably {self.outside}" if self.outside else ""

    def candidates_to_json(self) -> list[dict]:
        """The ranked candidates as ``Synopsis.match_candidates`` and import reports hold them."""
        return [candidate.to_json() for candidate in self.candidates]


@dataclass
class _Scores:
    """Each work's score, the part of it that names the work, and why."""

    total: dict[int, float]  # ranks the works
    lead: dict[int, float]  # decides between them: shared evidence weighs nearly in full
    names: dict[int, float]
    reasons: dict[int, list[str]]
    named: set[int] = field(default_factory=set)  # works a character or title names

    @classmethod
    def empty(cls) -> "_Scores":
        return cls(defaultdict(float), defaultdict(float), defaultdict(float), defaultdict(list))

    def add(
        self,
        work_id: int,
        points: float,
        reason: str,
        *,
        names: float = 0.0,
        lead: float | None = None,
    ) -> None:
        self.total[work_id] += points
        self.lead[work_id] += points if lead is None else lead
        self.names[work_id] += names
        self.reasons[work_id].append(reason)

    def scale(self, work_id: int, factor: float) -> None:
        self.total[work_id] *= factor
        self.lead[work_id] *= factor
        self.names[work_id] *= factor


class FilmMatcher:
    """Built once per import from the catalogue's knowledge; matches any number of texts."""

    def __init__(self, films: Iterable[FilmFacts]) -> None:
        self.index = EvidenceIndex(films)
        self.films = self.index.films
        self.by_place = {(f.franchise, f.position): f.id for f in self.films.values() if f.position}
        self.next_in_story = {
            film_id: self.by_place[(franchise, position + 1)]
            for (franchise, position), film_id in self.by_place.items()
            if (franchise, position + 1) in self.by_place
        }

    @classmethod
    def from_database(cls) -> "FilmMatcher":
        return cls(facts_from_database())

    def match(
        self, text: str, *, header: Header | None = None, language: str | None = None
    ) -> MatchResult:
        """Return the film ``text`` describes, or None with the ranked candidates and why.

        Names learned from attached synopses are a second opinion: they decide only what the
        curated knowledge leaves open, so importing the same files again changes nothing.
        """
        haystack = f"{header.line}\n{text}" if header else text
        indexes = self.index.found(haystack, language=language)
        found = [self.index.evidence[index] for index in indexes]
        curated = [evidence for evidence in found if evidence.group != "learned"]
        result = self._judge(curated, haystack, header)
        if result.film is None and len(curated) < len(found):
            learned = self._judge(found, haystack, header)
            if learned.film is not None:
                return learned
        return result

    def _judge(self, found: list, haystack: str, header: Header | None) -> MatchResult:
        scores = self._weigh(found)
        years = {int(year) for year in _YEAR.findall(haystack)}
        dated = [work_id for work_id in scores.total if self.films[work_id].year in years]
        self._read_story(found, scores, dated=dated)
        for work_id in dated:
            scores.add(work_id, YEAR_WEIGHT, str(self.films[work_id].year))
        header_films = self._weigh_header(header, scores)
        return self._decide(scores, header=header, header_films=header_films)

    def _weigh(self, found: list) -> _Scores:
        scores = _Scores.empty()
        concepts: set[str] = set()
        for evidence in found:
            if evidence.group == "concept":
                if evidence.label in concepts:
                    continue  # a concept counts once, however many of its words
                concepts.add(evidence.label)
            share = 1.0 / len(evidence.films) ** IDF_POWER
            lead_share = 1.0 / len(evidence.films) ** LEAD_POWER
            for work_id, base in evidence.films.items():
                points = base * share
                scores.add(
                    work_id,
                    points,
                    evidence.label,
                    names=points * evidence.identifying,
                    lead=base * lead_share,
                )
                if evidence.identifying == 1.0 and not evidence.corroborating:
                    scores.named.add(work_id)
        # A first name or a learned name alone only corroborates: "James" or "Ward" alone
        # names nobody, beside "Apollo Creed" it says which Creed.
        for evidence in found:
            if not evidence.corroborating:
                continue
            share = 1.0 / len(evidence.films) ** IDF_POWER
            for work_id, base in evidence.films.items():
                if work_id not in scores.named:
                    scores.total[work_id] -= base * share
                    scores.lead[work_id] -= base / len(evidence.films) ** LEAD_POWER
                    scores.names[work_id] -= base * share * evidence.identifying
                    scores.reasons[work_id].remove(evidence.label)
        return scores

    def _read_story(self, found: list, scores: _Scores, *, dated: list[int]) -> None:
        """Recaps, introductions and story order within franchises (``dated``: films whose
        year the text gives)."""
        introduced: dict[int, int] = defaultdict(int)
        named_from: dict[str, int] = {}  # the latest first appearance of a name or title
        told_from: dict[str, int] = {}  # the same for anything: plot concepts, years
        for work in (self.films[work_id] for work_id in dated):
            if work.franchise and work.position:
                told_from[work.franchise] = max(told_from.get(work.franchise, 0), work.position)
        for evidence in found:
            if evidence.group == "learned":
                continue
            first = self._first_appearances(evidence)
            for franchise, position in first.items():
                told_from[franchise] = max(told_from.get(franchise, 0), position)
                if evidence.identifying and self._stands(evidence, scores):
                    named_from[franchise] = max(named_from.get(franchise, 0), position)
            if evidence.specific:
                work_id = next(w for w in evidence.films if not self.films[w].outside)
                if following := self.next_in_story.get(work_id):
                    points = evidence.films[work_id] * RECAP_SHARE
                    scores.add(following, points, f"after {evidence.label}")
            elif evidence.identifying:
                for franchise, position in first.items():
                    introduced[self.by_place[(franchise, position)]] += 1
        for work_id, count in introduced.items():
            work = self.films[work_id]
            # Only while nothing in the text belongs to a later film: a sequel's synopsis
            # names the old cast too, and says something new.
            if count >= 2 and told_from.get(work.franchise, 0) <= work.position:
                points = INTRODUCED_BONUS * (1 + INTRODUCED_STEP * (count - 2))
                scores.add(work_id, points, f"introduces {count} of the names")
        # A film cannot name what came after it: its franchise's later names rule it out.
        for work_id in list(scores.total):
            work = self.films[work_id]
            if work.position and work.position < named_from.get(work.franchise, 0):
                scores.scale(work_id, EARLIER_SHARE)
                scores.reasons[work_id].append("before a film the text names")

    @staticmethod
    def _stands(evidence, scores: _Scores) -> bool:
        """Counts on its own, or corroborates a work the text names ("Sato" beside "Miyagi")."""
        return not evidence.corroborating or (
            evidence.group == "subname" and any(w in scores.named for w in evidence.films)
        )

    def _first_appearances(self, evidence) -> dict[str, int]:
        """Per franchise, the first film in story order that has ``evidence``."""
        first: dict[str, int] = {}
        for work_id in evidence.films:
            work = self.films[work_id]
            if work.franchise and work.position:
                first[work.franchise] = min(first.get(work.franchise, work.position), work.position)
        return first

    def _weigh_header(self, header: Header | None, scores: _Scores) -> set[int]:
        if header is None:
            return set()
        header_films = self.index.header_titles.get(title_key(header.title), set())
        for work_id in header_films:
            points = HEADER_TITLE_WEIGHT / len(header_films)
            scores.add(work_id, points, f"title “{header.title}”", names=points)
            scores.reasons[work_id].insert(0, scores.reasons[work_id].pop())
        if header.year is not None:
            for work_id in list(scores.total):
                if self.films[work_id].year == header.year:
                    scores.add(work_id, HEADER_YEAR_WEIGHT, str(header.year))
        return header_films

    def _candidate(self, work_id: int, scores: _Scores) -> Candidate:
        work = self.films[work_id]
        return Candidate(
            film_id=work_id,
            slug=work.slug,
            title=work.title,
            year=work.year,
            score=scores.total[work_id],
            evidence=tuple(dict.fromkeys(scores.reasons[work_id])),
        )

    def _decide(
        self, scores: _Scores, *, header: Header | None, header_films: set[int]
    ) -> MatchResult:
        ranked = sorted(
            (work_id for work_id, total in scores.total.items() if total > 0),
            key=lambda work_id: (-scores.total[work_id], self.films[work_id].year or 0, work_id),
        )
        candidates = tuple(
            self._candidate(work_id, scores)
            for work_id in ranked
            if not self.films[work_id].outside
        )[:MAX_CANDIDATES]
        if not ranked:
            return MatchResult(None, 0.0, candidates, "no catalogued film is mentioned")
        top = self.films[ranked[0]]
        rival = max((scores.lead[work_id] for work_id in ranked[1:]), default=0.0)
        names = scores.names[top.id]
        confidence = confidence_of(lead=scores.lead[top.id] - rival, names=names)
        if top.outside:
            work = f"{top.title} ({top.year})" if top.year else top.title
            reason = f"outside the catalogue: probably {work}"
            return MatchResult(None, confidence, candidates, reason, outside=work)
        if names < MIN_NAMES:
            return MatchResult(None, confidence, candidates, "no character or title is named")
        best = candidates[0]
        if header and header.year and top.id not in header_films and top.year != header.year:
            reason = f"the header names a {header.year} work not in the catalogue"
            return MatchResult(None, confidence, candidates, reason)
        if confidence < min_confidence():
            reason = "several works fit almost as well"
            return MatchResult(None, confidence, candidates, reason, best=best)
        return MatchResult(best, confidence, candidates, best=best)
