"""Language counts are cached and cleared when a synopsis or film changes."""

import pytest

from films.caching import language_counts
from tests.factories import FilmFactory, SynopsisFactory


@pytest.mark.django_db
def test_counts_are_cached(django_assert_num_queries):
    SynopsisFactory(language="da")
    with django_assert_num_queries(1):
        assert language_counts() == [("da", 1)]
        assert language_counts() == [("da", 1)]


@pytest.mark.django_db
def test_saving_or_deleting_a_synopsis_clears_them():
    first = SynopsisFactory(language="da")
    assert language_counts() == [("da", 1)]
    second = SynopsisFactory(language="th", film=FilmFactory())
    assert language_counts() == [("da", 1), ("th", 1)]
    second.language = "da"
    second.save()
    assert language_counts() == [("da", 2)]
    first.delete()
    assert language_counts() == [("da", 1)]
