"""Reading a list or search page's films in tests: its context holds their cards, not films."""

from films.models import Film


def listed_films(response) -> list[Film]:
    """The films a list or search page shows, in its order (films/fragments.py FilmCard)."""
    cards = response.context["films"]
    films = Film.objects.select_related("franchise").in_bulk([card.pk for card in cards])
    return [films[card.pk] for card in cards]
