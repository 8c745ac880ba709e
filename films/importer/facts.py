"""What the matcher knows of every film, read from the database in plain rows.

Curated knowledge and titles, the names the catalogue's own synopses use, and the works known
to be outside the catalogue (docs/matching.md).
"""

from collections import defaultdict

from django.db.models import Q

from ..languages import capitalises_nouns
from ..models import Film, FilmKnowledge, FilmTitle, OutsideWork, ReviewStatus, Synopsis
from .evidence import FilmFacts
from .names import folded_word, words_with_starts

# Names learned from attached synopses: at most this many synopses per film, and in all.
LEARN_PER_FILM = 5
LEARN_LIMIT = 5_000


def facts_from_database() -> list[FilmFacts]:
    """Every film's facts, then every work outside the catalogue's (ids below zero)."""
    # Plain rows, not model instances: at 50,000 films building the instances and their
    # prefetched titles and names took 12 s of a 16 s start.
    titles: dict[int, list[str]] = defaultdict(list)
    rows = FilmTitle.objects.order_by("film_id", "language", "title")
    for film_id, title in rows.values_list("film_id", "title"):
        titles[film_id].append(title)
    knowledge: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = FilmKnowledge.objects.order_by("film_id", "kind", "text")
    for film_id, kind, text in rows.values_list("film_id", "kind", "text"):
        knowledge[film_id].append((kind, text))
    learned = _learned_names()
    films = Film.objects.order_by("pk").values_list(
        "pk", "slug", "title", "year", "franchise__slug", "franchise_position"
    )
    facts = [
        FilmFacts(
            id=pk,
            slug=slug,
            title=title,
            year=year,
            titles=tuple(titles.get(pk, ())),
            knowledge=tuple(knowledge.get(pk, ())),
            franchise=franchise,
            position=position,
            learned=learned.get(pk, ()),
        )
        for pk, slug, title, year, franchise, position in films.iterator(chunk_size=10_000)
    ]
    # Works outside the catalogue take ids below zero: never a film's.
    facts += [
        FilmFacts(
            id=-work.pk,
            slug=f"outside-{work.pk}",
            title=work.title,
            year=work.year,
            titles=tuple(work.title_list),
            knowledge=tuple(("neighbour", name) for name in work.name_list),
            outside=True,
        )
        for work in OutsideWork.objects.order_by("pk")
    ]
    return facts


def _learned_names() -> dict[int, tuple[str, ...]]:
    """Names written in the synopses attached to each film, editors' decisions first.

    A capitalised word that does not start a sentence is a name in scripts with case (not in
    languages that capitalise every noun, as German does);
    every film then knows the names its own synopses use, and an editor's assignment in the
    review queue improves the next import without anyone editing the knowledge.
    """
    rows = (
        Synopsis.objects.published()
        .filter(Q(review_status=ReviewStatus.REVIEWED) | Q(review_status=ReviewStatus.AUTO))
        .order_by("-review_status", "-updated_at")
        .values_list("film_id", "text", "language")[:LEARN_LIMIT]
    )
    per_film: dict[int, int] = defaultdict(int)
    names: dict[int, dict[str, None]] = defaultdict(dict)
    for film_id, text, language in rows.iterator(chunk_size=1_000):
        if per_film[film_id] >= LEARN_PER_FILM or capitalises_nouns(language):
            continue
        per_film[film_id] += 1
        # Words only, folded only when written as a name: most words are not (5,000
        # synopses to read before an import's first match).
        for word, sentence_start in words_with_starts(text[:5_000]):
            cased = word[:1].lower() != word[:1]
            if cased and not sentence_start and len(folded_word(word)) >= 4:
                names[film_id][word] = None
    return {film_id: tuple(found) for film_id, found in names.items()}
